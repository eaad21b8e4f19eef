"""The edges of stored results that `make mutate` found unwatched: the disagreement flag at
exactly its threshold, and recompute_results naming the right candidate, going on past the
first missing result, and telling rounding from a real difference. Candidates and question
sets are numbered apart here, so that a message naming one for the other shows."""

import pytest

from interviews.tests.factories import CandidateFactory, planned_interview
from questions.tests.factories import QuestionSetFactory
from scoring import results, selectors
from scoring.models import CandidateResult
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def panels(alice, bob):
    """Two candidates on one set, each seen by Alice and Bob: scorecard means 2.5 and 4.0
    (1.5 apart, the threshold), then 4.0 and 4.0."""
    QuestionSetFactory(), CandidateFactory(), CandidateFactory()
    first = planned_interview(interviewers=[alice, bob], points=0)
    second = planned_interview(interviewers=[alice, bob], question_set=first.question_set)
    for interview, alices in [(first, [2, 3]), (second, [4, 4])]:
        write_scorecard(interview, alice, alices)
        write_scorecard(interview, bob, [4, 4])
    return [first, second]


def reasons(interview):
    [result], _ = selectors.results_of(interview.candidate)
    return result.reasons


def test_a_spread_of_exactly_the_threshold_is_flagged_and_a_smaller_one_is_not(panels):
    assert reasons(panels[0]) == ["the scorecard scores are 1.50 apart (flagged from 1.5)"]
    assert reasons(panels[1]) == []


def names(interview):
    return f"candidate {interview.candidate_id}, set {interview.question_set_id}"


def test_every_missing_result_is_named_by_its_candidate(panels):
    CandidateResult.objects.all().delete()
    assert results.recompute_results(check=True) == [
        f"{names(panels[0])}: missing",
        f"{names(panels[1])}: missing",
    ]


def test_rounding_is_not_a_difference_and_half_a_point_is(panels):
    first = CandidateResult.objects.filter(candidate=panels[0].candidate_id)
    second = CandidateResult.objects.filter(candidate=panels[1].candidate_id)
    # Computed: means 3.25 and 4.0, spreads 1.5 and 0.0, no coverage (no expected points).
    first.update(mean=3.25 * (1 + 1e-12), coverage=1e-13)
    second.update(mean=4.5, spread=1e-13)
    assert results.recompute_results(check=True) == [
        f"{names(panels[0])}: coverage is 1e-13, not None",
        f"{names(panels[1])}: mean is 4.5, not 4.0",
    ]
