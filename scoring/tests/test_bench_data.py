"""The benchmark's data generator (bench/data.py) writes consistent data: what it stores
directly matches what the services would have stored. Run on PostgreSQL too, where the
rows go in with COPY."""

import math

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Avg, F, Max

from bench import data
from interviews.models import Candidate, Interview, InterviewPoint, InterviewQuestion
from scoring import selectors
from scoring.models import (
    Amendment,
    CandidateResult,
    Debrief,
    Decision,
    PointMark,
    Rating,
    Scorecard,
)

pytestmark = pytest.mark.django_db


def test_the_generated_data_has_true_stored_results():
    addresses = data.generate(120, seed=3)

    call_command("recompute_results", "--check")
    graded = CandidateResult.objects.filter(scorecard_count__gt=0).count()
    # Every candidate has a result, the only-scheduled ones and the live page's an empty one.
    assert Candidate.objects.count() == CandidateResult.objects.count() == 120 + 1
    assert Scorecard.objects.counted().count() == 3 * graded
    shadows = Scorecard.objects.filter(shadow=True, submitted_at__isnull=False).count()
    assert shadows == Interview.shadows.through.objects.count() > 0
    # Every 50th candidate's interview is shadowed and held: so at every size from 50 on,
    # calibration shows a trainee (the bench holds query counts constant across sizes).
    bench_candidates = Candidate.objects.exclude(name="Live Candidate")
    assert shadows == sum(pk % 50 == 8 for pk in bench_candidates.values_list("pk", flat=True))
    assert Rating.objects.count() == addresses["answers"] == 24 * (3 * graded + shadows)
    assert len(addresses["grid"]) == 3


def test_each_scorecard_has_the_score_and_coverage_a_submit_stores():
    data.generate(30, seed=3)

    fresh = {
        row["scorecard"]: row
        for row in Rating.objects.filter(score__isnull=False)
        .values("scorecard")
        .annotate(mean=Avg("score"), coverage=Avg(selectors.rating_coverage()))
    }
    scorecards = Scorecard.objects.filter(submitted_at__isnull=False)
    assert scorecards.count() == len(fresh) > 0
    for pk, mean, coverage in scorecards.values_list("pk", "score_mean", "coverage"):
        assert math.isclose(mean, fresh[pk]["mean"], rel_tol=1e-12)
        assert math.isclose(coverage, fresh[pk]["coverage"], rel_tol=1e-12)


def test_the_asked_questions_and_marks_belong_together():
    data.generate(20, seed=3)

    # Each interview asks the 24 planned questions with the bank's points, and every mark
    # is on a point of the question its rating answers.
    assert InterviewQuestion.objects.count() == 24 * Interview.objects.count()
    assert (
        InterviewPoint.objects.filter(interview_question__question__isnull=False).count()
        == InterviewPoint.objects.count()
    )
    assert not PointMark.objects.exclude(
        point__interview_question=F("rating__interview_question")
    ).exists()


def test_finished_loops_have_debriefs_most_decisions_and_some_amendments():
    data.generate(120, seed=3)

    graded = set(
        CandidateResult.objects.filter(scorecard_count__gt=0).values_list("candidate", flat=True)
    )
    assert set(Debrief.objects.values_list("candidate", flat=True)) == graded
    # Two in three decided: all but every third candidate (by id).
    decided = set(Decision.objects.values_list("candidate", flat=True))
    assert decided == {pk for pk in graded if pk % 3 != 2}
    assert 0.6 < len(decided) / len(graded) < 0.73
    amended = Amendment.objects.select_related("scorecard")
    assert amended.count() > 0
    for amendment in amended:
        # Changed after the debrief opened: the scorecard keeps what it was then.
        assert amendment.before["recommendation"] == amendment.scorecard.debrief_recommendation
        assert amendment.after["recommendation"] == amendment.scorecard.recommendation
        assert not Decision.objects.filter(candidate=amendment.scorecard.interview.candidate)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="processes write side by side on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_batches_written_side_by_side_add_up_to_the_same_data(monkeypatch):
    monkeypatch.setattr(data, "BATCH", 20)
    addresses = data.generate(70, seed=3, workers=2)

    # Four batches, two processes: every stored result, tally and sum as a fresh computation.
    call_command("recompute_results", "--check")
    assert Candidate.objects.count() == CandidateResult.objects.count() == 70 + 1
    graded = CandidateResult.objects.filter(scorecard_count__gt=0).count()
    assert Scorecard.objects.counted().count() == 3 * graded
    assert Debrief.objects.count() == graded
    assert Rating.objects.count() == addresses["answers"]
    # The ids of the slots, and the sequences set past them: the app adds rows after them.
    candidate = Candidate.objects.create(name="After the bench")
    assert candidate.pk > Candidate.objects.exclude(pk=candidate.pk).aggregate(m=Max("pk"))["m"]
