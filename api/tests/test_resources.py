import pytest

from audit.models import AuditEvent
from interviews.models import Candidate, Interview
from interviews.tests.factories import CandidateFactory, planned_interview
from questions.tests.factories import (
    AnswerPointFactory,
    LevelAnchorFactory,
    QuestionFactory,
    QuestionSetFactory,
)

from .conftest import client_for

pytestmark = pytest.mark.django_db


# Question sets --------------------------------------------------------------------------------


def test_a_question_set_is_read_with_its_questions_and_points(interviewer):
    question_set = QuestionSetFactory(slug="backend", title="Backend")
    question = QuestionFactory(question_set=question_set, position=1, prompt="Why index?")
    AnswerPointFactory(question=question, position=1, text="Reads faster")
    LevelAnchorFactory(question=question, level=3, text="Names the write cost too.")
    LevelAnchorFactory(question=question, level=1, text="No idea what an index is.")
    client = client_for(interviewer, write=False)
    listing = client.get("/api/v1/question-sets/").json()
    assert [row["slug"] for row in listing["results"]] == ["backend"]
    detail = client.get("/api/v1/question-sets/backend/").json()
    assert detail["questions"][0]["prompt"] == "Why index?"
    assert detail["questions"][0]["points"] == [
        {"position": 1, "text": "Reads faster", "weight": 1}
    ]
    assert detail["questions"][0]["anchors"] == [
        {"level": 1, "text": "No idea what an index is."},
        {"level": 3, "text": "Names the write cost too."},
    ]
    assert client.get("/api/v1/question-sets/nope/").status_code == 404


def test_nobody_writes_a_question_set(superuser):
    QuestionSetFactory(slug="backend")
    response = client_for(superuser).post("/api/v1/question-sets/", {}, format="json")
    assert response.status_code == 405


# Candidates ----------------------------------------------------------------------------------


def test_a_manager_creates_and_updates_a_candidate_through_the_form(hiring_manager):
    client = client_for(hiring_manager)
    response = client.post(
        "/api/v1/candidates/", {"name": "Ada", "email": "ada@example.com"}, format="json"
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.patch(f"/api/v1/candidates/{pk}/", {"notes": "Strong."}, format="json")
    assert response.status_code == 200
    candidate = Candidate.objects.get(pk=pk)
    assert (candidate.name, candidate.email, candidate.notes) == (
        "Ada",
        "ada@example.com",
        "Strong.",
    )


def test_a_duplicate_email_is_refused_as_on_the_page(hiring_manager):
    CandidateFactory(email="ada@example.com")
    response = client_for(hiring_manager).post(
        "/api/v1/candidates/", {"name": "Ada", "email": "ADA@example.com"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "email": ["Another candidate has this email address: find them in the list instead."]
    }
    assert Candidate.objects.count() == 1


def test_candidates_are_searched(hiring_manager):
    CandidateFactory(name="Ada Lovelace")
    CandidateFactory(name="Alan Turing")
    response = client_for(hiring_manager).get("/api/v1/candidates/?q=turing")
    assert [row["name"] for row in response.json()["results"]] == ["Alan Turing"]


def test_export_and_erase_are_audited(hiring_manager):
    candidate = CandidateFactory(name="Ada")
    client = client_for(hiring_manager)
    export = client.get(f"/api/v1/candidates/{candidate.pk}/export/")
    assert export.status_code == 200
    erase = client.post(f"/api/v1/candidates/{candidate.pk}/erase/")
    assert (erase.status_code, erase.json()["name"]) == (200, f"Erased candidate #{candidate.pk}")
    assert client.post(f"/api/v1/candidates/{candidate.pk}/erase/").status_code == 409
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "candidate_exported",
        "candidate_erased",
    ]


@pytest.mark.parametrize("who", ["interviewer", "curator"])
def test_candidates_are_for_managers_only(request, who):
    candidate = CandidateFactory()
    client = client_for(request.getfixturevalue(who))
    assert client.get("/api/v1/candidates/").status_code == 403
    assert client.get(f"/api/v1/candidates/{candidate.pk}/").status_code == 403
    body = {"name": "X", "email": "x@example.com"}
    assert client.post("/api/v1/candidates/", body, format="json").status_code == 403
    assert client.post(f"/api/v1/candidates/{candidate.pk}/erase/").status_code == 403
    assert Candidate.objects.get().erased_at is None
    assert AuditEvent.objects.count() == 0


# Interviews ----------------------------------------------------------------------------------


def schedule_body(interview_set, candidate, *interviewers):
    return {
        "candidate": candidate.pk,
        "question_set": interview_set.slug,
        "stage": "Technical interview",
        "scheduled_at": "2030-01-01T10:00:00Z",
        "interviewers": [user.username for user in interviewers],
        "questions": list(
            interview_set.questions.order_by("-position").values_list("pk", flat=True)
        ),
    }


@pytest.fixture
def question_set():
    question_set = QuestionSetFactory(slug="backend")
    for position in (1, 2):
        QuestionFactory(question_set=question_set, position=position)
    return question_set


def test_a_manager_schedules_with_questions_in_the_chosen_order(
    hiring_manager, question_set, alice
):
    body = schedule_body(question_set, CandidateFactory(), alice)
    response = client_for(hiring_manager).post("/api/v1/interviews/", body, format="json")
    assert response.status_code == 201
    interview = Interview.objects.get()
    asked = list(interview.questions.order_by("position").values_list("question", flat=True))
    assert asked == body["questions"]
    assert response.json()["interviewers"] == ["alice"]


def test_scheduling_refuses_what_the_page_refuses(hiring_manager, question_set, curator):
    body = schedule_body(question_set, CandidateFactory(), curator)
    response = client_for(hiring_manager).post("/api/v1/interviews/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"interviewers": ["Not in the Interviewer group: cora."]}
    other = QuestionFactory(question_set=QuestionSetFactory(), position=1)
    body = schedule_body(question_set, CandidateFactory(), curator) | {
        "interviewers": [],
        "questions": [other.pk],
    }
    response = client_for(hiring_manager).post("/api/v1/interviews/", body, format="json")
    assert list(response.json()) == ["interviewers"]
    assert Interview.objects.count() == 0


def test_an_interviewer_cannot_schedule_and_lists_only_their_own(alice, bob, question_set):
    mine = planned_interview(interviewers=[alice])
    planned_interview(interviewers=[bob])
    client = client_for(alice)
    body = schedule_body(question_set, CandidateFactory(), alice)
    assert client.post("/api/v1/interviews/", body, format="json").status_code == 403
    listing = client.get("/api/v1/interviews/").json()
    assert [row["id"] for row in listing["results"]] == [mine.pk]


def test_a_manager_lists_and_filters_every_interview(hiring_manager, alice, bob):
    first = planned_interview(interviewers=[alice])
    second = planned_interview(interviewers=[bob])
    Interview.objects.filter(pk=second.pk).update(status=Interview.Status.CANCELLED)
    client = client_for(hiring_manager)
    all_ids = [row["id"] for row in client.get("/api/v1/interviews/").json()["results"]]
    assert all_ids == [first.pk, second.pk]
    cancelled = client.get("/api/v1/interviews/?status=cancelled").json()["results"]
    assert [row["id"] for row in cancelled] == [second.pk]
    url = f"/api/v1/interviews/?candidate={first.candidate_id}&ordering=-scheduled_at"
    assert [row["id"] for row in client.get(url).json()["results"]] == [first.pk]
    assert client.get("/api/v1/interviews/?candidate=x").json()["results"] == []


def test_cancel_is_for_managers_and_a_completed_interview_is_409(hiring_manager, alice):
    interview = planned_interview(interviewers=[alice])
    url = f"/api/v1/interviews/{interview.pk}/cancel/"
    assert client_for(alice).post(url).status_code == 403
    assert client_for(hiring_manager).post(url).json()["status"] == "cancelled"
    done = planned_interview(interviewers=[alice])
    Interview.objects.filter(pk=done.pk).update(status=Interview.Status.COMPLETED)
    response = client_for(hiring_manager).post(f"/api/v1/interviews/{done.pk}/cancel/")
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "A completed interview cannot be cancelled."},
    )


def test_an_interview_is_404_to_an_interviewer_not_assigned(alice, bob):
    interview = planned_interview(interviewers=[alice])
    assert client_for(bob).get(f"/api/v1/interviews/{interview.pk}/").status_code == 404
    assert client_for(alice).get(f"/api/v1/interviews/{interview.pk}/").status_code == 200


# Input no database column holds ----------------------------------------------------------------


def test_ids_too_big_for_the_database_are_refused(hiring_manager, alice):
    client = client_for(hiring_manager)
    huge = 2**64
    response = client.post(
        "/api/v1/interviews/",
        {
            "candidate": huge,
            "question_set": "x",
            "scheduled_at": "2030-01-01T10:00:00Z",
            "interviewers": ["alice"],
            "questions": [huge],
        },
        format="json",
    )
    assert (response.status_code, sorted(response.json())) == (400, ["candidate", "questions"])
    assert client.get(f"/api/v1/candidates/{huge}/").status_code == 404
    assert client.get(f"/api/v1/interviews/{huge}/scorecard/").status_code == 404


def test_a_manager_reschedules_through_the_service(hiring_manager, alice, bob):
    interview = planned_interview(interviewers=[alice])
    url = f"/api/v1/interviews/{interview.pk}/reschedule/"
    body = {"scheduled_at": "2031-02-03T09:00:00Z", "interviewers": ["bob"]}
    assert client_for(alice).post(url, body, format="json").status_code == 403
    response = client_for(hiring_manager).post(url, body, format="json")
    assert response.status_code == 200
    assert (response.json()["interviewers"], response.json()["scheduled_at"]) == (
        ["bob"],
        "2031-02-03T09:00:00Z",
    )
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)
    refused = client_for(hiring_manager).post(url, body, format="json")
    assert refused.status_code == 409
