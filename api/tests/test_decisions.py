"""Hiring decisions through the API: read by hiring managers, recorded with a write token,
under the pages' rules."""

import pytest

from scoring.models import Amendment, Decision, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(interview, alice, bob):
    write_scorecard(interview, alice, [3, 3, 3], recommendation=Recommendation.YES)
    write_scorecard(interview, bob, [2, 2, 2], recommendation=Recommendation.NO)
    return interview.candidate


def url(candidate):
    return f"/api/v1/candidates/{candidate.pk}/decisions/"


def test_a_manager_records_and_reads_a_decision(ready, hiring_manager):
    client = client_for(hiring_manager)
    response = client.post(
        url(ready), {"outcome": "hold", "rationale": "Second look.", "level": "L3"}, format="json"
    )
    assert response.status_code == 201
    decision = Decision.objects.get()
    assert (decision.outcome, decision.rationale, decision.level) == ("hold", "Second look.", "L3")
    listing = client_for(hiring_manager, write=False).get(url(ready)).json()
    assert [(row["outcome"], row["standing"], row["decided_by"]) for row in listing] == [
        ("hold", True, "harper")
    ]
    # The compare rows carry it too.
    rows = client.get("/api/v1/compare/", {"set": ready.interviews.get().question_set.slug})
    assert [row["decision"] for row in rows.json()["results"]] == ["hold"]


def test_a_read_token_cannot_decide(ready, hiring_manager):
    response = client_for(hiring_manager, write=False).post(
        url(ready), {"outcome": "hire", "rationale": "Yes."}, format="json"
    )
    assert response.status_code == 403
    assert Decision.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"outcome": "hire", "rationale": ""}, 400, "rationale"),
        ({"outcome": "maybe", "rationale": "Hm."}, 400, "outcome"),
        ({"outcome": "hire", "rationale": "Hm.", "replaces": 999}, 409, "detail"),
    ],
)
def test_bad_decisions_are_refused_and_write_nothing(ready, hiring_manager, body, status, field):
    response = client_for(hiring_manager).post(url(ready), body, format="json")
    assert response.status_code == status
    assert list(response.json()) == [field]
    assert Decision.objects.count() == 0


def test_an_amendment_while_decided_is_a_conflict(ready, interview, alice, hiring_manager):
    decided = client_for(hiring_manager).post(
        url(ready), {"outcome": "hire", "rationale": "Yes."}, format="json"
    )
    assert decided.status_code == 201
    response = client_for(alice).post(
        f"/api/v1/interviews/{interview.pk}/scorecard/amend/",
        {"reason": "Rethought.", "recommendation": 1, "answers": []},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("The candidate was decided (Hire, ")
    assert Amendment.objects.count() == 0
    assert Scorecard.objects.get(interviewer=alice).recommendation == Recommendation.YES


def test_interviewers_read_no_decision(ready, alice):
    assert client_for(alice, write=False).get(url(ready)).status_code == 403
