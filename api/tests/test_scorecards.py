import uuid

import pytest

from audit.models import AuditEvent
from interviews import services as interview_services
from interviews.models import Interview, InterviewAnchor
from scoring import services
from scoring.models import Amendment, PointMark, Rating, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.interview(questions=2, points=2)]


def first_question(interview):
    return interview.questions.order_by("position").first()


def answer_url(interview, question):
    return f"/api/v1/interviews/{interview.pk}/scorecard/answers/{question.pk}/"


def mine_url(interview):
    return f"/api/v1/interviews/{interview.pk}/scorecard/"


def test_reading_ones_scorecard_makes_no_draft(interview, alice):
    response = client_for(alice).get(mine_url(interview))
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["submitted_at"], len(data["answers"])) == (None, None, 2)
    assert data["answers"][0]["points"][0]["mark"] is None
    assert Scorecard.objects.count() == 0


def test_answers_carry_their_rating_anchors_as_planned(interview, alice):
    question = first_question(interview)
    InterviewAnchor.objects.create(interview_question=question, level=2, text="Some points.")
    InterviewAnchor.objects.create(interview_question=question, level=4, text="All, with cases.")
    answers = client_for(alice).get(mine_url(interview)).json()["answers"]
    assert [answer["anchors"] for answer in answers] == [
        [{"level": 2, "text": "Some points."}, {"level": 4, "text": "All, with cases."}],
        [],
    ]


def test_an_answer_is_written_through_the_service(interview, alice):
    question = first_question(interview)
    point = question.points.order_by("position").first()
    response = client_for(alice).patch(
        answer_url(interview, question),
        {"score": 3, "notes": "Knew indexes.", "marks": {str(point.pk): 2}},
        format="json",
    )
    assert response.status_code == 200
    answer = response.json()["answers"][0]
    assert (answer["score"], answer["notes"], answer["points"][0]["mark"]) == (
        3,
        "Knew indexes.",
        2,
    )
    rating = Rating.objects.get()
    assert (rating.score, rating.notes, rating.scorecard.interviewer) == (
        3,
        "Knew indexes.",
        alice,
    )
    assert PointMark.objects.get().mark == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"score": 5}, "score"),
        ({"score": "x"}, "score"),
        ({"skipped": True, "score": 2}, "skipped"),
        ({"notes": "a" * 10_001}, "notes"),
        ({"notes": "nul\x00"}, "notes"),
        ({"marks": {"abc": 1}}, "marks"),
        ({"marks": {"1": 7}}, "marks"),
    ],
)
def test_bad_input_is_400_per_field_and_changes_nothing(interview, alice, body, field):
    response = client_for(alice).patch(
        answer_url(interview, first_question(interview)), body, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert Rating.objects.count() == 0


def test_a_point_of_another_question_is_refused(interview, alice):
    first, second = interview.questions.order_by("position")
    other_point = second.points.first()
    response = client_for(alice).patch(
        answer_url(interview, first), {"marks": {str(other_point.pk): 2}}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["That expected point belongs to another question."]}
    assert PointMark.objects.count() == 0


def test_a_read_token_cannot_write_a_rating(interview, alice):
    response = client_for(alice, write=False).patch(
        answer_url(interview, first_question(interview)), {"score": 3}, format="json"
    )
    assert response.status_code == 403
    assert Rating.objects.count() == 0


@pytest.mark.parametrize("who", ["carol", "hiring_manager"])
def test_someone_not_assigned_gets_404_and_changes_nothing(interview, request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(mine_url(interview)).status_code == 404
    response = client.patch(
        answer_url(interview, first_question(interview)), {"score": 3}, format="json"
    )
    assert response.status_code == 404
    assert Rating.objects.count() == 0


def test_a_colleagues_follow_up_is_404(interview, alice, bob):
    theirs = interview_services.add_follow_up(
        after=first_question(interview), interviewer=bob, prompt="Why?", client_key=uuid.uuid4()
    )
    response = client_for(alice).patch(answer_url(interview, theirs), {"score": 3}, format="json")
    assert response.status_code == 404


def test_a_stale_if_match_is_412_and_a_fresh_one_writes(interview, alice):
    client = client_for(alice)
    question = first_question(interview)
    etag = client.get(mine_url(interview))["ETag"]
    response = client.patch(
        answer_url(interview, question), {"score": 2}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response["ETag"] != etag
    stale = client.patch(
        answer_url(interview, question), {"score": 4}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert Rating.objects.get().score == 2
    fresh = client.patch(
        answer_url(interview, question),
        {"score": 4},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert (fresh.status_code, Rating.objects.get().score) == (200, 4)


def test_a_follow_up_is_added_once_per_client_key(interview, alice):
    client = client_for(alice)
    body = {
        "after": first_question(interview).pk,
        "prompt": "And why?",
        "points": ["Cost"],
        "client_key": str(uuid.uuid4()),
    }
    url = f"/api/v1/interviews/{interview.pk}/scorecard/follow-ups/"
    first = client.post(url, body, format="json")
    again = client.post(url, body, format="json")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert interview.questions.count() == 3


def test_submit_then_writes_are_refused_with_409(interview, alice):
    client = client_for(alice)
    url = f"/api/v1/interviews/{interview.pk}/scorecard/submit/"
    response = client.post(url, {"recommendation": 3, "summary": "Hire."}, format="json")
    assert response.status_code == 200
    assert response.json()["recommendation"] == Recommendation.YES
    assert AuditEvent.objects.filter(action="scorecard_submitted").count() == 1
    write = client.patch(
        answer_url(interview, first_question(interview)), {"score": 1}, format="json"
    )
    assert (write.status_code, write.json()) == (
        409,
        {"detail": "This scorecard was submitted and can no longer change."},
    )
    assert client.post(url, {"recommendation": 1}, format="json").status_code == 409
    assert Scorecard.objects.get().recommendation == Recommendation.YES


def test_submit_needs_a_recommendation(interview, alice):
    url = f"/api/v1/interviews/{interview.pk}/scorecard/submit/"
    response = client_for(alice).post(url, {"summary": "Hm."}, format="json")
    assert (response.status_code, list(response.json())) == (400, ["recommendation"])
    assert Scorecard.objects.count() == 0


def test_a_cancelled_interview_refuses_writes(interview, alice):
    Interview.objects.filter(pk=interview.pk).update(status=Interview.Status.CANCELLED)
    response = client_for(alice).patch(
        answer_url(interview, first_question(interview)), {"score": 3}, format="json"
    )
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This interview is cancelled."},
    )


# The blind rule ------------------------------------------------------------------------------


@pytest.fixture
def bobs_submitted(interview, bob):
    return write_scorecard(interview, bob, recommendation=Recommendation.NO, summary="No.")


def test_a_colleague_reads_a_scorecard_only_after_submitting_their_own(
    interview, alice, bobs_submitted
):
    client = client_for(alice)
    detail = f"/api/v1/scorecards/{bobs_submitted.pk}/"
    listing = f"/api/v1/interviews/{interview.pk}/scorecards/"
    assert client.get(detail).status_code == 404
    assert client.get(listing).status_code == 403
    client.post(
        f"/api/v1/interviews/{interview.pk}/scorecard/submit/",
        {"recommendation": 4},
        format="json",
    )
    assert client.get(detail).json()["summary"] == "No."
    assert [row["interviewer"] for row in client.get(listing).json()] == ["alice", "bob"]


def test_a_manager_never_reads_a_draft(interview, alice, hiring_manager):
    draft = services.scorecard_for(interview=interview, interviewer=alice)
    client = client_for(hiring_manager)
    assert client.get(f"/api/v1/scorecards/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/interviews/{interview.pk}/scorecards/").json() == []


def test_an_outsider_cannot_read_a_submitted_scorecard(carol, bobs_submitted):
    assert client_for(carol).get(f"/api/v1/scorecards/{bobs_submitted.pk}/").status_code == 404


# Amendments ----------------------------------------------------------------------------------


def amend_url(interview):
    return f"/api/v1/interviews/{interview.pk}/scorecard/amend/"


def test_a_submitted_scorecard_is_amended_with_a_reason(interview, alice):
    client = client_for(alice)
    question = first_question(interview)
    client.patch(answer_url(interview, question), {"score": 2}, format="json")
    client.post(
        f"/api/v1/interviews/{interview.pk}/scorecard/submit/",
        {"recommendation": 2},
        format="json",
    )
    body = {
        "reason": "Misread my notes.",
        "recommendation": 3,
        "answers": [{"question": question.pk, "score": 3, "notes": ""}],
    }
    response = client.post(amend_url(interview), body, format="json")
    assert response.status_code == 200
    assert response.json()["answers"][0]["score"] == 3
    amendment = Amendment.objects.get()
    assert (amendment.reason, amendment.before["recommendation"]) == ("Misread my notes.", 2)
    no_reason = client.post(amend_url(interview), body | {"reason": ""}, format="json")
    assert (no_reason.status_code, list(no_reason.json())) == (400, ["reason"])


def test_a_draft_is_not_amended(interview, alice):
    body = {"reason": "Because.", "recommendation": 3}
    response = client_for(alice).post(amend_url(interview), body, format="json")
    assert response.status_code == 409
    assert Amendment.objects.count() == 0


def test_a_colleague_cannot_amend(interview, bob, bobs_submitted, alice):
    body = {"reason": "Because.", "recommendation": 4}
    assert client_for(alice).post(amend_url(interview), body, format="json").status_code == 409
    assert Scorecard.objects.get(pk=bobs_submitted.pk).recommendation == Recommendation.NO
