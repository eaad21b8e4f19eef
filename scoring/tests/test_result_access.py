"""Blind until submitted, on every surface of results: an interviewer who has not submitted
for a candidate sees no aggregate, no other scorecard, no CSV and no chart about them."""

import pytest
from django.urls import reverse

from interviews.tests.factories import planned_interview
from scoring import services
from scoring.models import Recommendation
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(interview, alice, bob):
    """Bob has submitted; Alice has a draft."""
    bobs = write_scorecard(interview, bob, [4], notes=["BOB-NOTES"])
    alices = write_scorecard(interview, alice, notes=["ALICE-DRAFT"], submit=False)
    return {"interview": interview, "bob": bobs, "alice": alices}


def aggregate_urls(interview, other_candidate_pk):
    set_slug = interview.question_set.slug
    return [
        reverse("candidate_detail", args=[interview.candidate_id]),
        reverse("compare") + f"?set={set_slug}",
        reverse("compare_grid")
        + f"?set={set_slug}&candidate={interview.candidate_id}&candidate={other_candidate_pk}",
        reverse("compare_csv") + f"?set={set_slug}",
        reverse("compare_detail_csv") + f"?set={set_slug}",
    ]


@pytest.fixture
def other_candidate(interview, carol):
    return planned_interview(interviewers=[carol], question_set=interview.question_set).candidate


def test_hiring_managers_see_them(client, scored, other_candidate, hiring_manager):
    client.force_login(hiring_manager)
    for url in aggregate_urls(scored["interview"], other_candidate.pk):
        assert client.get(url).status_code == 200, url


def scorecard_url(scorecard):
    return reverse("scorecard_detail", args=[scorecard.pk])


def test_before_submitting_alice_cannot_open_bobs_scorecard(client, scored, alice):
    client.force_login(alice)
    assert client.get(scorecard_url(scored["bob"])).status_code == 404
    response = client.get(scorecard_url(scored["alice"]))  # her own draft
    assert response.status_code == 200
    assert "ALICE-DRAFT" in response.text
    assert "BOB-NOTES" not in response.text


def test_after_submitting_alice_reads_bobs_scorecard(client, scored, alice):
    services.submit_scorecard(
        scorecard=scored["alice"], recommendation=Recommendation.NO, summary=""
    )
    client.force_login(alice)
    response = client.get(scorecard_url(scored["bob"]))
    assert response.status_code == 200
    assert "BOB-NOTES" in response.text


def test_bob_never_opens_alices_draft(client, scored, bob):
    client.force_login(bob)
    assert client.get(scorecard_url(scored["alice"])).status_code == 404


def test_managers_read_submitted_scorecards_but_never_drafts(client, scored, hiring_manager):
    client.force_login(hiring_manager)
    assert client.get(scorecard_url(scored["bob"])).status_code == 200
    assert client.get(scorecard_url(scored["alice"])).status_code == 404


@pytest.mark.parametrize("who", ["carol", "curator"])
def test_outsiders_open_no_scorecard(client, scored, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(scorecard_url(scored["bob"])).status_code == 404


def test_an_unknown_scorecard_is_404(client, hiring_manager):
    client.force_login(hiring_manager)
    assert client.get(reverse("scorecard_detail", args=[999999])).status_code == 404
