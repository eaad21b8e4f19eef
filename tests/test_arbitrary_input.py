"""Property-based tests (Hypothesis) of every form and write endpoint, anonymous login
included: arbitrary text, bytes, lengths and encodings never give a 5xx, and a refused
request changes nothing in the database."""

import operator

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from config import limits
from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion
from interviews.tests.factories import CandidateFactory
from questions.models import AnswerPoint, Question, QuestionSet, Topic
from scoring.models import Amendment, PointMark, Rating, Scorecard

pytestmark = [pytest.mark.django_db, pytest.mark.interview(questions=2, points=2)]

# Few examples, derandomized so that a run is repeatable, and no example database on disk.
fuzz = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Any character a browser can send (lone surrogates cannot be encoded), the troublesome ones
# often, and lengths around every limit.
CHARACTERS = st.characters(exclude_categories=["Cs"])
TEXT = st.one_of(
    st.text(CHARACTERS, max_size=30),
    st.text(st.sampled_from("a7 \x00\x01\x1b\x7f\t\r\n１٣é😀\u2028\ufeff"), max_size=20),
    st.builds(operator.mul, st.text(CHARACTERS, min_size=1, max_size=2), st.integers(0, 6_000)),
)
NUMBER = st.one_of(TEXT, st.integers(-(2**70), 2**70).map(str))
CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=xyz",
    "application/json",
    "text/plain",
]
# (Not NUL in a header: HTTP servers refuse it before Django, which would fail on it while
# building the request, before any middleware.)
CHARSETS = [None, "utf-8", "latin-1", "utf-16", "ascii", "no-such-charset"]

MODELS = [
    User,
    Candidate,
    Interview,
    InterviewQuestion,
    InterviewPoint,
    Scorecard,
    Rating,
    PointMark,
    Amendment,
    QuestionSet,
    Question,
    AnswerPoint,
    Topic,
]


def database_state():
    """Every row the app's forms and endpoints write, as plain values."""
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


def assert_answered(response, state_before, *, accepted):
    """No 5xx; and unless the request was `accepted`, nothing changed."""
    assert response.status_code < 500, response.content[:500]
    if not accepted(response):
        assert database_state() == state_before


def redirected(response):
    return response.status_code == 302


def succeeded(response):
    return response.status_code < 400


@pytest.fixture
def manager_client(client, hiring_manager):
    client.force_login(hiring_manager)
    return client


# Anonymous login, the site's and the admin's.


@pytest.mark.parametrize("url", ["login", "admin:login"])
@fuzz
@given(username=TEXT, password=TEXT, next_url=TEXT)
def test_logging_in_with_anything(client, interviewer, url, username, password, next_url):
    before = list(User.objects.order_by("pk").values())
    response = client.post(
        reverse(url), {"username": username, "password": password, "next": next_url}
    )
    assert response.status_code < 500
    # Failed attempts are recorded by django-axes, by design; no user ever changes.
    assert list(User.objects.order_by("pk").values()) == before


# Candidates and scheduling.


@fuzz
@given(name=TEXT, email=TEXT, role=TEXT, notes=TEXT)
def test_adding_a_candidate_with_anything(manager_client, name, email, role, notes):
    before = database_state()
    response = manager_client.post(
        reverse("candidate_create"),
        {"name": name, "email": email, "role_applied_for": role, "notes": notes},
    )
    assert_answered(response, before, accepted=redirected)


@fuzz
@given(name=TEXT, email=TEXT, notes=TEXT)
def test_editing_a_candidate_with_anything(manager_client, name, email, notes):
    candidate = Candidate.objects.first() or CandidateFactory()
    before = database_state()
    response = manager_client.post(
        reverse("candidate_edit", args=[candidate.pk]),
        {"name": name, "email": email, "role_applied_for": "", "notes": notes},
    )
    assert_answered(response, before, accepted=redirected)


@fuzz
@given(
    stage=TEXT,
    scheduled_at=TEXT,
    order=NUMBER,
    candidate=st.one_of(st.just("REAL"), NUMBER),
    question_set=st.one_of(st.just("REAL"), NUMBER),
    show_questions=st.booleans(),
)
def test_scheduling_with_anything(
    manager_client, interview, alice, stage, scheduled_at, order, candidate, question_set,
    show_questions,
):  # fmt: skip
    question = interview.questions.first().question
    data = {
        "candidate": interview.candidate_id if candidate == "REAL" else candidate,
        "stage": stage,
        "scheduled_at": scheduled_at,
        "interviewers": [alice.pk],
        "question_set": interview.question_set_id if question_set == "REAL" else question_set,
        "questions": [question.pk],
        f"order_{question.pk}": order,
        "show_questions" if show_questions else "schedule": "1",
    }
    before = database_state()
    response = manager_client.post(reverse("schedule_interview"), data)
    assert_answered(response, before, accepted=redirected)


# The live page's follow-ups.


@fuzz
@given(prompt=TEXT, points=st.lists(TEXT, max_size=15), client_key=TEXT, json=st.booleans())
def test_adding_a_follow_up_with_anything(
    client, interview, alice, prompt, points, client_key, json
):
    client.force_login(alice)
    after = interview.questions.order_by("position").first()
    before = database_state()
    response = client.post(
        reverse("add_follow_up", args=[interview.pk, after.pk]),
        {"prompt": prompt, "points": "\n".join(points), "client_key": client_key},
        headers={"Accept": "application/json"} if json else {},
    )
    assert_answered(response, before, accepted=succeeded)


# Query strings: search boxes, filters, sorting and paging.


PAGES = [
    "candidate_list",
    "interview_list",
    "question_set_detail",
    "schedule_interview",
    "compare",
    "compare_grid",
    "compare_csv",
    "compare_detail_csv",
]


@fuzz
@given(
    name=st.sampled_from(PAGES),
    query=st.dictionaries(TEXT, st.lists(TEXT, max_size=3), max_size=4),
)
def test_reading_pages_with_any_query_string(manager_client, interview, name, query):
    args = [interview.question_set.slug] if name == "question_set_detail" else []
    response = manager_client.get(reverse(name, args=args), query)
    assert response.status_code < 500, (name, query)


@fuzz
@given(q=TEXT, field=st.sampled_from(["q", "topic__id__exact", "is_active__exact", "o", "p"]))
def test_searching_the_admin_with_anything(client, curator, interview, q, field):
    client.force_login(curator)
    for name in ["questions_question", "questions_questionset", "questions_topic"]:
        response = client.get(reverse(f"admin:{name}_changelist"), {field: q})
        assert response.status_code < 500, (name, field, q)


# Raw bodies: any bytes, in any content type and charset.


@fuzz
@given(
    target=st.sampled_from(["login", "candidate_create", "add_follow_up"]),
    body=st.binary(max_size=400),
    content_type=st.sampled_from(CONTENT_TYPES),
    charset=st.sampled_from(CHARSETS),
)
def test_posting_any_body(
    client, interview, alice, hiring_manager, target, body, content_type, charset
):
    if charset:
        content_type += f"; charset={charset}"
    question = interview.questions.order_by("position").first()
    user, url = {
        "login": (None, reverse("login")),
        "candidate_create": (hiring_manager, reverse("candidate_create")),
        "add_follow_up": (alice, reverse("add_follow_up", args=[interview.pk, question.pk])),
    }[target]
    if user:
        client.force_login(user)
    else:
        client.logout()
    before = database_state()
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code < 500, (url, content_type, body)
    if user is not None:  # (a failed login is recorded by django-axes, by design)
        assert_answered(response, before, accepted=redirected)


# The admin's forms, as a question curator.


@fuzz
@given(prompt=TEXT, guidance=TEXT, minutes=NUMBER, weight=NUMBER, point=TEXT)
def test_curating_a_question_with_anything(
    client, curator, interview, prompt, guidance, minutes, weight, point
):
    client.force_login(curator)
    question = interview.questions.first().question
    existing = question.points.order_by("position").first()
    data = {
        "question_set": question.question_set_id,
        "position": question.position,
        "slug": question.slug,
        "prompt": prompt,
        "topic": question.topic_id,
        "kind": question.kind,
        "intent": "",
        "guidance": guidance,
        "reference_answer": "",
        "suggested_minutes": minutes,
        "is_active": "on",
        "points-TOTAL_FORMS": 1,
        "points-INITIAL_FORMS": 1,
        "points-MIN_NUM_FORMS": 0,
        "points-MAX_NUM_FORMS": 1000,
        "points-0-id": existing.pk,
        "points-0-question": question.pk,
        "points-0-position": 1,
        "points-0-text": point,
        "points-0-weight": weight,
        "anchors-TOTAL_FORMS": 0,
        "anchors-INITIAL_FORMS": 0,
    }
    before = database_state()
    response = client.post(reverse("admin:questions_question_change", args=[question.pk]), data)
    assert_answered(response, before, accepted=redirected)


# The live save's parsing belongs to the live page (issue 8).


@fuzz
@given(
    fields=st.dictionaries(
        st.sampled_from(["score", "skipped", "notes", "mark-POINT", "mark-OTHER", "mark-x"]),
        st.one_of(st.sampled_from(["", "0", "1", "2", "4", "5", "３", " 3", "3.0"]), TEXT),
        min_size=1,
    )
)
@example(fields={"skipped": "1", "score": "3"})
@example(fields={"score": "３"})
@example(fields={"notes": "a\x00b"})
@example(fields={"notes": "n" * 10_001})
def test_saving_an_answer_with_anything(client, interview, alice, fields):
    client.force_login(alice)
    first, second = interview.questions.order_by("position")[:2]
    point, other = first.points.first(), second.points.first()
    data = {
        key.replace("POINT", str(point.pk)).replace("OTHER", str(other.pk)): value
        for key, value in fields.items()
    }
    before = database_state()
    response = client.post(
        reverse("save_answer", args=[interview.pk, first.pk]),
        data,
        headers={"Accept": "application/json"},
    )
    assert_answered(response, before, accepted=succeeded)
    if "score" in data and data.get("skipped") == "1":
        assert response.status_code == 400  # a skipped answer has no score
    if "score" in data and data["score"] not in ("", "1", "2", "3", "4"):
        assert response.status_code == 400  # ASCII digits 1-4 only
    notes = data.get("notes", "")
    if len(notes) > limits.NOTES or limits.CONTROL_CHARACTERS.search(notes):
        assert response.status_code == 400


@fuzz
@given(recommendation=NUMBER, summary=TEXT)
def test_finishing_a_scorecard_with_anything(client, interview, alice, recommendation, summary):
    client.force_login(alice)
    client.get(reverse("live_interview", args=[interview.pk]))  # makes the draft scorecard
    before = database_state()
    response = client.post(
        reverse("finish_scorecard", args=[interview.pk]),
        {"recommendation": recommendation, "summary": summary},
    )
    assert_answered(response, before, accepted=redirected)
