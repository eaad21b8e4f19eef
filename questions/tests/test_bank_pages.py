import pytest
from django.urls import reverse

from questions.tests.factories import (
    AnswerPointFactory,
    LevelAnchorFactory,
    QuestionFactory,
    QuestionSetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend_set():
    question_set = QuestionSetFactory(slug="backend", title="Backend Developer")
    caching = QuestionFactory(
        question_set=question_set,
        slug="caching",
        position=1,
        prompt="How would you use caching?",
        topic__slug="caching",
        topic__name="Caching",
        guidance="Look for invalidation strategies.",
    )
    AnswerPointFactory(question=caching, position=1, text="In-memory caching with Redis")
    AnswerPointFactory(question=caching, position=2, text="HTTP caching headers")
    security = QuestionFactory(
        question_set=question_set,
        slug="auth",
        position=2,
        prompt="How do you authenticate users?",
        topic__slug="security",
        topic__name="Security",
    )
    AnswerPointFactory(question=security, position=1, text="OAuth or JWT")
    QuestionFactory(
        question_set=question_set,
        slug="retired",
        position=3,
        prompt="An old question about floppy disks?",
        topic=security.topic,
        is_active=False,
    )
    return question_set


def test_the_bank_lists_sets_with_their_active_question_count(client, interviewer, backend_set):
    client.force_login(interviewer)
    response = client.get(reverse("question_sets"))
    assert response.status_code == 200
    sets = list(response.context["question_sets"])
    assert [(s.title, s.active_question_count, s.topic_count) for s in sets] == [
        ("Backend Developer", 2, 2)
    ]


def test_the_bank_says_so_when_it_is_empty(client, interviewer):
    client.force_login(interviewer)
    response = client.get(reverse("question_sets"))
    assert "The question bank is empty." in response.text


def test_a_set_shows_its_active_questions_grouped_by_topic_with_points(
    client, hiring_manager, backend_set
):
    client.force_login(hiring_manager)
    response = client.get(reverse("question_set_detail", args=["backend"]))
    assert response.status_code == 200
    assert [q.slug for q in response.context["questions"]] == ["caching", "auth"]
    page = response.text
    assert page.index("Caching</h2>") < page.index("In-memory caching with Redis")
    assert page.index("Security</h2>") < page.index("OAuth or JWT")
    assert "floppy disks" not in page


def test_retired_questions_show_on_request(client, interviewer, backend_set):
    client.force_login(interviewer)
    response = client.get(reverse("question_set_detail", args=["backend"]), {"retired": "1"})
    assert [q.slug for q in response.context["questions"]] == ["caching", "auth", "retired"]
    assert "Retired</span>" in response.text


@pytest.mark.parametrize(
    "text, slugs",
    [
        ("redis", ["caching"]),  # an answer point
        ("INVALIDATION", ["caching"]),  # guidance, any case
        ("authenticate", ["auth"]),  # the prompt
        ("security", ["auth"]),  # the topic
        ("caching headers", ["caching"]),  # every word must match somewhere
        ("redis oauth", []),
        ("floppy", []),  # retired questions stay hidden
    ],
)
def test_search_filters_questions(client, interviewer, backend_set, text, slugs):
    client.force_login(interviewer)
    response = client.get(reverse("question_set_detail", args=["backend"]), {"q": text})
    assert [q.slug for q in response.context["questions"]] == slugs


def test_search_without_a_match_says_so(client, interviewer, backend_set):
    client.force_login(interviewer)
    response = client.get(reverse("question_set_detail", args=["backend"]), {"q": "kubernetes"})
    assert "No question matches “kubernetes”." in response.text


def test_htmx_search_returns_only_the_question_list(client, interviewer, backend_set):
    client.force_login(interviewer)
    url = reverse("question_set_detail", args=["backend"])
    response = client.get(url, {"q": "redis"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="question-list">')
    assert "<html" not in response.text
    assert "In-memory caching with Redis" in response.text
    assert "OAuth or JWT" not in response.text
    assert response["Vary"] == "HX-Request, Cookie"


def test_an_unknown_set_is_a_404(client, interviewer):
    client.force_login(interviewer)
    assert client.get(reverse("question_set_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_set_page_queries_do_not_grow_with_questions(
    client, interviewer, django_assert_num_queries, size
):
    question_set = QuestionSetFactory(slug="big")
    for position in range(1, size + 1):
        point = AnswerPointFactory(
            question__question_set=question_set, question__position=position
        )
        AnswerPointFactory(question=point.question, position=point.position + 1)
        LevelAnchorFactory(question=point.question, level=3)
    client.force_login(interviewer)
    # session, user, set, questions with topics, points, anchors, and the user's and their
    # groups' permissions and waiting scorecards for the navigation
    # … and the session's save, which keeps it alive (3)
    with django_assert_num_queries(11):
        response = client.get(reverse("question_set_detail", args=["big"]))
    assert len(response.context["questions"]) == size
