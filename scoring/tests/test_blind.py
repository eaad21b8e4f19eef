"""Blind until submitted: before an interviewer submits, nothing of another scorecard for
the same candidate reaches them; afterwards they read the submitted ones."""

import pytest
from django.urls import reverse

from interviews.services import add_follow_up
from scoring import services
from scoring.models import Recommendation
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

BOB_NOTES = "BOB-PRIVATE-NOTES"
BOB_SUMMARY = "BOB-PRIVATE-SUMMARY"
BOB_FOLLOW_UP = "BOB-PRIVATE-FOLLOW-UP"


@pytest.fixture
def bobs_work(interview, bob):
    scorecard = write_scorecard(interview, bob, [4], notes=[BOB_NOTES], submit=False)
    question = interview.questions.order_by("position").first()
    add_follow_up(after=question, interviewer=bob, prompt=BOB_FOLLOW_UP)
    return scorecard


def pages_of(client, interview):
    urls = [
        reverse("live_interview", args=[interview.pk]),
        reverse("finish_scorecard", args=[interview.pk]),
        reverse("interview_scorecards", args=[interview.pk]),
    ]
    return {url: client.get(url, follow=True) for url in urls}


def test_before_submitting_alice_sees_nothing_of_bobs_scorecard(
    client, interview, alice, bobs_work
):
    services.submit_scorecard(
        scorecard=bobs_work, recommendation=Recommendation.YES, summary=BOB_SUMMARY
    )
    client.force_login(alice)
    for url, response in pages_of(client, interview).items():
        for secret in (BOB_NOTES, BOB_SUMMARY, BOB_FOLLOW_UP):
            assert secret not in response.text, url
    response = client.get(reverse("interview_scorecards", args=[interview.pk]))
    assert response.status_code == 403


def test_after_submitting_alice_reads_bobs_submitted_scorecard(
    client, interview, alice, bobs_work
):
    services.submit_scorecard(
        scorecard=bobs_work, recommendation=Recommendation.YES, summary=BOB_SUMMARY
    )
    write_scorecard(interview, alice)
    client.force_login(alice)
    response = client.get(reverse("interview_scorecards", args=[interview.pk]))
    assert response.status_code == 200
    assert [s.interviewer.username for s in response.context["scorecards"]] == ["alice", "bob"]
    assert BOB_SUMMARY in response.text
    bobs = response.context["scorecards"][1]
    assert BOB_NOTES in client.get(reverse("scorecard_detail", args=[bobs.pk])).text


def test_a_draft_stays_hidden_even_after_submitting_my_own(client, interview, alice, bobs_work):
    write_scorecard(interview, alice)
    client.force_login(alice)
    response = client.get(reverse("interview_scorecards", args=[interview.pk]))
    assert [s.interviewer.username for s in response.context["scorecards"]] == ["alice"]
    assert BOB_NOTES not in response.text


def test_hiring_managers_read_submitted_scorecards_never_drafts(
    client, interview, hiring_manager, alice, bobs_work
):
    write_scorecard(interview, alice, summary="ALICE")
    client.force_login(hiring_manager)
    response = client.get(reverse("interview_scorecards", args=[interview.pk]))
    assert response.status_code == 200
    assert [s.interviewer.username for s in response.context["scorecards"]] == ["alice"]
    assert "ALICE" in response.text
    assert BOB_NOTES not in response.text


@pytest.mark.parametrize("who", ["carol", "curator"])
def test_outsiders_read_no_scorecards(client, interview, alice, bobs_work, who, request):
    services.submit_scorecard(scorecard=bobs_work, recommendation=Recommendation.YES, summary="")
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("interview_scorecards", args=[interview.pk]))
    assert response.status_code == 404
