import pytest

from interviews.tests.factories import CandidateFactory, planned_interview
from scoring.models import Recommendation
from scoring.tests.factories import write_scorecard

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(alice, bob):
    strong = planned_interview(interviewers=[alice, bob], candidate=CandidateFactory(name="Ada"))
    write_scorecard(strong, alice, 4, recommendation=Recommendation.STRONG_YES)
    write_scorecard(strong, bob, 2, recommendation=Recommendation.NO)
    weak = planned_interview(
        interviewers=[alice],
        candidate=CandidateFactory(name="Bo", role_applied_for="Junior"),
        question_set=strong.question_set,
    )
    write_scorecard(weak, alice, 1, recommendation=Recommendation.STRONG_NO)
    return strong, weak


def test_a_candidates_stored_result(hiring_manager, results):
    strong, _ = results
    response = client_for(hiring_manager).get(f"/api/v1/candidates/{strong.candidate_id}/results/")
    assert response.status_code == 200
    [result] = response.json()
    topics = {question.topic.slug: 3.0 for question in strong.questions.all()}
    assert (result["question_set"], result["scorecard_count"], result["mean"]) == (
        strong.question_set.slug,
        2,
        3.0,
    )
    assert (result["spread"], result["disagreement"], result["topic_means"]) == (
        2.0,
        True,
        topics,
    )
    assert len(result["disagreement_reasons"]) == 2


def test_compare_rows_sort_and_filter_as_the_page(hiring_manager, results):
    strong, weak = results
    client = client_for(hiring_manager)
    url = f"/api/v1/compare/?set={strong.question_set.slug}"
    rows = client.get(url + "&sort=-mean").json()["results"]
    assert [(row["name"], row["mean"]) for row in rows] == [("Ada", 3.0), ("Bo", 1.0)]
    juniors = client.get(url + "&role=Junior").json()["results"]
    assert [row["candidate"] for row in juniors] == [weak.candidate_id]
    assert client.get("/api/v1/compare/?set=nope").status_code == 400


def test_results_are_for_managers_only(alice, results):
    strong, _ = results
    client = client_for(alice)
    assert client.get(f"/api/v1/candidates/{strong.candidate_id}/results/").status_code == 403
    url = f"/api/v1/compare/?set={strong.question_set.slug}"
    assert client.get(url).status_code == 403


def test_calibration_figures_as_on_the_page(hiring_manager, alice, bob, results):
    strong, weak = results
    asked = strong.questions.count()
    response = client_for(hiring_manager).get("/api/v1/calibration/")
    assert response.status_code == 200
    data = response.json()
    rows = {row["name"]: row for row in data["interviewers"]}
    alice_row, bob_row = rows[alice.get_full_name() or "alice"], rows[bob.get_full_name() or "bob"]
    assert (alice_row["scorecards"], bob_row["scorecards"]) == (2, 1)
    assert alice_row["ratings"] == [weak.questions.count(), 0, 0, asked]
    assert bob_row["ratings"] == [0, asked, 0, 0]
    assert alice_row["recommendations"] == [1, 0, 0, 1]
    # Alice rated 4 where Bob rated 2 on the one interview they shared.
    assert (alice_row["leniency"], bob_row["leniency"]) == (2.0, -2.0)
    assert data["agreement"]["overall"]["units"] == asked


def test_calibration_filters_are_checked(hiring_manager, results):
    client = client_for(hiring_manager)
    assert client.get("/api/v1/calibration/?from=2026-12-01&to=2026-11-01").status_code == 400
    assert client.get("/api/v1/calibration/?set=no-such-set").status_code == 400
    strong, _ = results
    only_set = client.get(f"/api/v1/calibration/?set={strong.question_set.slug}").json()
    assert len(only_set["interviewers"]) == 2
