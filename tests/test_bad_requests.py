"""Bad input is a clear 4xx or a form error through the app's own pages, and writes nothing:
query strings with control characters or overlong values, undecodable bodies, overlong logins,
follow-ups beyond their limits, candidates' text, and numbers in other scripts' digits."""

import uuid

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from config import limits
from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion
from interviews.services import add_follow_up
from interviews.tests.factories import CandidateFactory
from questions.tests.test_admin import question_form_data

pytestmark = [pytest.mark.django_db, pytest.mark.interview(questions=2, points=2)]


def first_question(interview):
    return interview.questions.order_by("position").first()


# The query string: one general rule, before any view.

QUERY_URLS = [
    ("compare", {}),
    ("compare_csv", {}),
    ("compare_detail_csv", {}),
    ("candidate_list", {}),
    ("interview_list", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), QUERY_URLS)
@pytest.mark.parametrize("query", ["role=%00", "q=a%00b", "status=%1b", "%00=1", "set=%7f"])
def test_control_characters_in_a_query_string_are_a_400(
    client, hiring_manager, name, kwargs, query
):
    client.force_login(hiring_manager)
    response = client.get(reverse(name, kwargs=kwargs) + "?" + query)
    assert response.status_code == 400
    assert "control characters (such as NUL): remove them." in response.text
    assert "Error 400" in response.text
    assert 'href="/candidates/"' in response.text  # the navigation, as on any page


def test_a_search_term_over_the_limit_is_a_400_that_names_the_limit(client, hiring_manager):
    client.force_login(hiring_manager)
    url = reverse("candidate_list")
    assert client.get(url, {"q": "a" * limits.SEARCH}).status_code == 200
    response = client.get(url, {"q": "a" * (limits.SEARCH + 1)})
    assert response.status_code == 400
    assert "The query parameter “q” is at most 200 characters (this has 201)." in response.text


def test_the_question_bank_search_refuses_nul(client, interviewer, interview):
    client.force_login(interviewer)
    url = reverse("question_set_detail", args=[interview.question_set.slug])
    assert client.get(url + "?q=%00").status_code == 400
    assert client.get(url + "?q=cache").status_code == 200


def test_a_login_link_may_carry_a_long_next_url(client):
    next_url = "/compare/grid/?" + "&".join(f"candidate={n}" for n in range(60))
    assert len(next_url) > limits.SEARCH
    assert client.get(reverse("login"), {"next": next_url}).status_code == 200
    too_long = client.get(reverse("login"), {"next": "/" + "a" * limits.URL})
    assert too_long.status_code == 400


def test_unknown_filter_values_are_ignored(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.get(reverse("interview_list"), {"status": "sideways", "page": "９"})
    assert response.status_code == 200


# Bodies Django cannot read.


@pytest.mark.parametrize("debug", [False, True])
def test_a_form_in_another_charset_is_a_400_through_the_app(
    client, settings, hiring_manager, debug
):
    # In debug, Django's error page read the body again and failed a second time.
    settings.DEBUG = debug
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"),
        data=b"name=caf%E9&email=a%40example.com",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400
    assert "must be UTF-8 encoded" in response.text
    assert "Error 400" in response.text
    assert Candidate.objects.count() == 0


def test_a_broken_multipart_body_is_a_400(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"),
        data=b"--x\r\nContent-Disposition: form-data; name=name\r\n\r\nMarco",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert "This form&#x27;s data arrived broken. Go back and send it again." in response.text
    assert Candidate.objects.count() == 0


def test_an_oversize_body_is_a_400(client, settings, hiring_manager):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"), {"name": "Marco", "notes": "x" * 2_000, "email": "m@e.com"}
    )
    assert response.status_code == 400
    assert "This request is too big to read." in response.text
    assert Candidate.objects.count() == 0


def test_too_many_fields_are_a_400(client, settings, hiring_manager):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    client.force_login(hiring_manager)
    response = client.post(reverse("candidate_create"), {f"f{n}": "1" for n in range(20)})
    assert response.status_code == 400
    assert "This request has too many fields to read." in response.text
    response = client.get(reverse("candidate_list"), {f"f{n}": "1" for n in range(20)})
    assert response.status_code == 400


# Logging in.


@pytest.mark.parametrize("url", ["login", "admin:login"])
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("a" * 256, "A username is at most 150 characters."),
        ("a" * 151, "A username is at most 150 characters."),
        ("iv\x00y", "Remove the control characters (such as NUL) from this text."),
    ],
)
def test_a_login_with_an_impossible_username_is_a_form_error(
    client, interviewer, url, username, message
):
    response = client.post(reverse(url), {"username": username, "password": "secret"})
    assert response.status_code == 200
    assert message in response.text
    assert AccessAttempt.objects.count() == 0  # never reaches django-axes


def test_an_overlong_password_is_a_form_error(client, interviewer):
    response = client.post(
        reverse("login"), {"username": "ivy", "password": "x" * (limits.PASSWORD + 1)}
    )
    assert response.status_code == 200
    assert "A password is at most 4,096 characters." in response.text


def test_the_admin_login_still_wants_staff(client, interviewer, curator):
    refused = client.post(reverse("admin:login"), {"username": "ivy", "password": "secret"})
    assert "Please enter the correct username and password for a staff account" in refused.text
    response = client.post(reverse("admin:login"), {"username": "cora", "password": "secret"})
    assert response.status_code == 302


# Follow-ups.


def test_a_follow_up_may_have_up_to_twelve_points_of_500_characters(interview, alice):
    points = [f"{n} " + "x" * (limits.POINT_TEXT - 3) for n in range(10, 22)]
    follow_up = add_follow_up(
        after=first_question(interview),
        interviewer=alice,
        prompt="p" * limits.FOLLOW_UP_PROMPT,
        points=points,
    )
    assert list(follow_up.points.values_list("text", flat=True)) == points


@pytest.mark.parametrize(
    ("prompt", "points", "message"),
    [
        ("Why?", ["p"] * 13, "A follow-up has at most 12 expected points (this has 13)."),
        ("Why?", ["ok", "x" * 501], "Expected point 2 is at most 500 characters (this has 501)."),
        ("w" * 1001, [], "A follow-up question is at most 1,000 characters (this has 1,001)."),
        ("Wh\x00y?", [], "A follow-up question contains control characters (such as NUL): "
         "remove them."),
        ("Why?", ["a\x00b"], "Expected point 1 contains control characters (such as NUL): "
         "remove them."),
    ],
)  # fmt: skip
def test_a_follow_up_beyond_its_limits_is_refused_over_http(
    client, interview, alice, prompt, points, message
):
    client.force_login(alice)
    url = reverse("add_follow_up", args=[interview.pk, first_question(interview).pk])
    before = (InterviewQuestion.objects.count(), InterviewPoint.objects.count())
    response = client.post(
        url,
        {"prompt": prompt, "points": "\n".join(points), "client_key": str(uuid.uuid4())},
        HTTP_ACCEPT="application/json",
    )
    assert (response.status_code, response.json()) == (400, {"error": message})
    assert (InterviewQuestion.objects.count(), InterviewPoint.objects.count()) == before


def test_32768_points_are_refused_before_anything_is_written(client, interview, alice):
    client.force_login(alice)
    url = reverse("add_follow_up", args=[interview.pk, first_question(interview).pk])
    before = InterviewPoint.objects.count()
    response = client.post(url, {"prompt": "Why?", "points": "p\n" * 32_768})
    assert response.status_code == 400
    assert "A follow-up has at most 12 expected points (this has 32,768)." in response.text
    assert InterviewPoint.objects.count() == before


# Candidates and scheduling.


def candidate_data(**changes):
    return {
        "name": "Marco Rossi",
        "email": "marco@example.com",
        "role_applied_for": "Backend",
        "notes": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "M" * 201}, "name",
         "Ensure this value has at most 200 characters (it has 201)."),
        ({"name": "Mar\x00co"}, "name", "Null characters are not allowed."),
        ({"name": "Mar\x1bco"}, "name",
         "Remove the control characters (such as NUL) from this text."),
        ({"role_applied_for": "a\x07"}, "role_applied_for",
         "Remove the control characters (such as NUL) from this text."),
        ({"notes": "n" * 10_001}, "notes", "This is at most 10,000 characters (it has 10001)."),
        ({"email": '"\x01"@example.com'}, "email",
         "Remove the control characters (such as NUL) from this text."),
    ],
)  # fmt: skip
def test_candidate_text_is_bounded_and_refuses_control_characters(
    client, hiring_manager, changes, field, message
):
    client.force_login(hiring_manager)
    response = client.post(reverse("candidate_create"), candidate_data(**changes))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert Candidate.objects.count() == 0


def test_candidate_notes_keep_their_line_breaks_and_tabs(client, hiring_manager):
    client.force_login(hiring_manager)
    response = client.post(
        reverse("candidate_create"), candidate_data(notes="One\r\n\tTwo\n" + "x" * 9_990)
    )
    assert response.status_code == 302
    assert Candidate.objects.get().notes.startswith("One\r\n\tTwo\n")


def test_order_numbers_are_ascii_digits(client, hiring_manager, interview, alice):
    client.force_login(hiring_manager)
    questions = list(interview.question_set.questions.order_by("position"))
    data = {
        "candidate": CandidateFactory().pk,
        "stage": "Second round",
        "scheduled_at": "2030-01-02T10:00",
        "interviewers": [alice.pk],
        "question_set": interview.question_set.pk,
        "questions": [q.pk for q in questions],
        f"order_{questions[0].pk}": "２",
        "schedule": "1",
    }
    before = Interview.objects.count()
    response = client.post(reverse("schedule_interview"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"order_{questions[0].pk}"] == ["Enter a whole number."]
    assert Interview.objects.count() == before
    data[f"order_{questions[0].pk}"] = "2"
    assert client.post(reverse("schedule_interview"), data).status_code == 302


# The scorecard's own forms (scoring/forms.py) belong to the live page's engineer (issue 8).


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("s" * (limits.SUMMARY + 1), "10,000 characters"),
        ("Solid\x1b", "control characters"),
    ],
)
def test_a_summary_beyond_its_limits_is_a_form_error(client, interview, alice, summary, message):
    client.force_login(alice)
    response = client.post(
        reverse("finish_scorecard", args=[interview.pk]),
        {"recommendation": "3", "summary": summary},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["summary"])
    assert not interview.scorecards.filter(submitted_at__isnull=False).exists()


# The bank, in the admin.


@pytest.mark.parametrize(
    ("changes", "point", "field", "message"),
    [
        ({"prompt": "Why\x1b?"}, {}, "prompt",
         "Remove the control characters (such as NUL) from this text."),
        ({"guidance": "g" * 10_001}, {}, "guidance",
         "This is at most 10,000 characters (it has 10001)."),
        ({"suggested_minutes": "５"}, {}, "suggested_minutes", "Enter a whole number."),
        ({}, {"weight": "２"}, "weight", "Enter a whole number."),
        ({}, {"text": "a\x00b"}, "text", "Null characters are not allowed."),
    ],
)  # fmt: skip
def test_curators_text_and_numbers_are_checked_too(
    client, curator, interview, changes, point, field, message
):
    question = first_question(interview).question
    existing = question.points.order_by("position").first()
    row = {"id": existing.pk, "position": 1, "text": existing.text, "weight": 1, **point}
    data = {**question_form_data(question, [row]), **changes}
    client.force_login(curator)
    before = (question.prompt, question.guidance, list(question.points.values()))
    response = client.post(reverse("admin:questions_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.get(field) or [
        error for form in response.context["inline_admin_formsets"][0].formset.forms
        for error in form.errors.get(field, [])
    ]  # fmt: skip
    assert message in errors
    question.refresh_from_db()
    assert (question.prompt, question.guidance, list(question.points.values())) == before
