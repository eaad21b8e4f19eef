import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from interviews.tests.factories import interviewer_user, planned_interview
from questions.models import Question
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def question_form_data(question, points, anchors=()):
    """The admin change form of `question`, as a browser would post it."""
    data = {
        "question_set": question.question_set_id,
        "position": question.position,
        "slug": question.slug,
        "prompt": question.prompt,
        "topic": question.topic_id,
        "kind": question.kind,
        "intent": question.intent,
        "guidance": question.guidance,
        "reference_answer": question.reference_answer,
        "suggested_minutes": question.suggested_minutes,
        "is_active": "on" if question.is_active else "",
        "points-TOTAL_FORMS": len(points),
        "points-INITIAL_FORMS": sum(1 for p in points if p.get("id")),
        "points-MIN_NUM_FORMS": 0,
        "points-MAX_NUM_FORMS": 1000,
        "anchors-TOTAL_FORMS": len(anchors),
        "anchors-INITIAL_FORMS": sum(1 for a in anchors if a.get("id")),
        "anchors-MIN_NUM_FORMS": 0,
        "anchors-MAX_NUM_FORMS": 4,
    }
    for index, point in enumerate(points):
        for field, value in point.items():
            data[f"points-{index}-{field}"] = value
        data[f"points-{index}-question"] = question.pk
    for index, anchor in enumerate(anchors):
        for field, value in anchor.items():
            data[f"anchors-{index}-{field}"] = value
        data[f"anchors-{index}-question"] = question.pk
    return data


def change_url(question):
    return reverse("admin:questions_question_change", args=[question.pk])


def test_a_curator_adds_an_answer_point_inline(client, curator):
    question = QuestionFactory()
    existing = AnswerPointFactory(question=question, position=1, text="First")
    client.force_login(curator)
    assert client.get(change_url(question)).status_code == 200
    response = client.post(
        change_url(question),
        question_form_data(
            question,
            [
                {"id": existing.pk, "position": 1, "text": "First", "weight": 1},
                {"position": 2, "text": "Mentions Redis", "weight": 2},
            ],
        ),
    )
    assert response.status_code == 302
    assert list(question.points.values_list("position", "text", "weight")) == [
        (1, "First", 1),
        (2, "Mentions Redis", 2),
    ]


def test_a_curator_swaps_two_answer_points(client, curator):
    question = QuestionFactory()
    first = AnswerPointFactory(question=question, position=1, text="First")
    second = AnswerPointFactory(question=question, position=2, text="Second")
    client.force_login(curator)
    response = client.post(
        change_url(question),
        question_form_data(
            question,
            [
                {"id": first.pk, "position": 2, "text": "First", "weight": 1},
                {"id": second.pk, "position": 1, "text": "Second", "weight": 1},
            ],
        ),
    )
    assert response.status_code == 302
    assert list(question.points.values_list("text", flat=True)) == ["Second", "First"]


@pytest.mark.parametrize(
    "points, message",
    [
        (
            [
                {"position": 1, "text": "One", "weight": 1},
                {"position": 1, "text": "Two", "weight": 1},
            ],
            "Please correct the duplicate data for position.",
        ),
        ([{"position": 1, "text": "One", "weight": 0}], "Weight"),
    ],
)
def test_bad_answer_points_are_refused_with_a_message(client, curator, points, message):
    question = QuestionFactory()
    client.force_login(curator)
    response = client.post(change_url(question), question_form_data(question, points))
    assert response.status_code == 200
    assert message in response.text
    assert question.points.count() == 0


def test_admin_search_looks_into_answer_points(client, curator):
    QuestionFactory(prompt="About caching?").points.create(position=1, text="Memcached")
    QuestionFactory(prompt="About auth?")
    client.force_login(curator)
    response = client.get(reverse("admin:questions_question_changelist"), {"q": "memcached"})
    assert [q.prompt for q in response.context["cl"].result_list] == ["About caching?"]


def test_changelist_shows_position_and_point_count(client, curator):
    question = QuestionFactory(position=7)
    AnswerPointFactory(question=question, position=1)
    AnswerPointFactory(question=question, position=2)
    client.force_login(curator)
    response = client.get(reverse("admin:questions_question_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.position, row.point_count) == (7, 2)
    assert response.context["cl"].has_filters


def run_action(client, action, questions, **extra):
    return client.post(
        reverse("admin:questions_question_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [q.pk for q in questions], **extra},
    )


def test_retire_and_activate_actions(client, curator):
    kept, retired = QuestionFactory(), QuestionFactory()
    client.force_login(curator)
    run_action(client, "retire", [retired])
    assert list(Question.objects.filter(is_active=True)) == [kept]
    run_action(client, "activate", [retired])
    assert Question.objects.filter(is_active=True).count() == 2


def test_copy_questions_into_another_set(client, curator):
    source = QuestionSetFactory()
    caching = QuestionFactory(question_set=source, slug="caching", position=1)
    AnswerPointFactory(question=caching, position=1, text="Redis", weight=2)
    auth = QuestionFactory(question_set=source, slug="auth", position=2)
    target = QuestionSetFactory()
    QuestionFactory(question_set=target, slug="caching", position=1)
    client.force_login(curator)

    confirmation = run_action(client, "copy_to_set", [caching, auth])
    assert confirmation.status_code == 200
    assert "Copy into question set" in confirmation.text

    run_action(client, "copy_to_set", [caching, auth], target=target.pk)
    assert list(target.questions.values_list("position", "slug")) == [
        (1, "caching"),
        (2, "caching-2"),
        (3, "auth"),
    ]
    copied = target.questions.get(slug="caching-2")
    assert list(copied.points.values_list("text", "weight")) == [("Redis", 2)]
    assert list(source.questions.values_list("slug", flat=True)) == ["caching", "auth"]


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:questions_question_changelist"),
        reverse("admin:questions_questionset_changelist"),
        reverse("admin:questions_topic_changelist"),
    ],
)
def test_curators_may_curate_and_others_may_not(client, curator, interviewer, url):
    client.force_login(curator)
    assert client.get(url).status_code == 200

    client.force_login(interviewer)  # not staff: sent to the admin login
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(UserFactory(username="staff-only", is_staff=True))
    assert client.get(url).status_code == 403


def test_an_interviewer_cannot_change_a_question(client, interviewer):
    question = QuestionFactory(prompt="Original?")
    client.force_login(interviewer)
    data = question_form_data(question, [])
    data["prompt"] = "Changed?"
    response = client.post(change_url(question), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.prompt == "Original?"


def test_a_question_an_interview_asked_cannot_be_deleted_in_admin(client, curator):
    interview = planned_interview(interviewers=[interviewer_user("ivy-admin")], questions=1)
    asked = interview.questions.get().question
    client.force_login(curator)
    url = reverse("admin:questions_question_delete", args=[asked.pk])
    page = client.get(url)
    assert "Cannot delete question" in page.text
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Question.objects.filter(pk=asked.pk).exists()
    run_action(client, "retire", [asked])
    asked.refresh_from_db()
    assert asked.is_active is False
