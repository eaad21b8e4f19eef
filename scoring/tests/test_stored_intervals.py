"""Calibration's bootstrap intervals are stored, and what the pages read is always what a
fresh computation gives: after every kind of change, the stored path's intervals equal
those of one that reads and stores nothing."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from scoring import calibration, services
from scoring.exports import rounded
from scoring.models import Recommendation, StoredInterval
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

RESAMPLES = 50


def intervals(*, store):
    """Every interval of the calibration page as it opens (and of its CSVs), by row."""
    scorecards = calibration.counted_scorecards()
    given = calibration.Intervals(store=store)
    rows = calibration.interviewer_calibration(scorecards, resamples=RESAMPLES, intervals=given)
    agreement = calibration.panel_agreement(scorecards, resamples=RESAMPLES, intervals=given)
    return {
        "interviewers": {row.name: row.leniency_interval for row in rows},
        "overall": agreement.overall.interval,
        "topics": {row.label: row.interval for row in agreement.topics},
        "questions": {row.question_id: row.interval for row in agreement.questions},
    }


def assert_stored_are_fresh():
    stored = intervals(store=True)
    assert StoredInterval.objects.exists()
    assert stored == intervals(store=True) == intervals(store=False)
    return stored


@pytest.fixture
def history(alice, bob, carol):
    """Six interviews with a panel of three, so every interviewer has a leniency interval."""
    interviews = []
    for number in range(6):
        interview = planned_interview(interviewers=[alice, bob, carol], questions=3)
        write_scorecard(interview, alice, [4, 3, 4 - number % 2])
        write_scorecard(interview, bob, [2, 2 + number % 2, 1])
        write_scorecard(interview, carol, [3, 3, 2])
        interviews.append(interview)
    return interviews


def test_stored_intervals_stay_fresh_through_every_change(
    history, alice, bob, carol, hiring_manager
):
    before = assert_stored_are_fresh()
    assert set(before["interviewers"]) == {"alice", "bob", "carol"}
    assert all(interval is not None for interval in before["interviewers"].values())
    assert before["overall"] is not None

    # A new scorecard submitted: a new interview and panel.
    interview = planned_interview(interviewers=[alice, bob, carol], questions=3)
    alices = write_scorecard(interview, alice, [1, 1, 1], recommendation=Recommendation.NO)
    write_scorecard(interview, bob, [4, 4, 4])
    after_submit = assert_stored_are_fresh()
    assert after_submit["interviewers"]["alice"] != before["interviewers"]["alice"]

    # Amended.
    answers = {r.interview_question_id: (4, r.notes) for r in alices.ratings.all()}
    services.amend_scorecard(
        scorecard=alices,
        author=alice,
        reason="Mixed up the candidates.",
        recommendation=Recommendation.YES,
        summary="",
        answers=answers,
    )
    after_amend = assert_stored_are_fresh()
    assert after_amend["overall"] != after_submit["overall"]

    # Carol never submits: the interview is cancelled; then its candidate is erased.
    scheduling.cancel_interview(interview=interview)
    assert assert_stored_are_fresh() == after_amend
    services.erase_candidate(candidate=interview.candidate, actor=hiring_manager)
    assert assert_stored_are_fresh() == after_amend

    # recompute_results keeps only the intervals the page asks for, computed afresh.
    StoredInterval.objects.create(digest="0" * 40, low=1.0, high=2.0)
    call_command("recompute_results")
    assert not StoredInterval.objects.filter(digest="0" * 40).exists()
    call_command("recompute_results", "--check")
    assert assert_stored_are_fresh() == after_amend


def test_check_reports_a_wrong_stored_interval_and_recompute_mends_it(history, capsys):
    call_command("recompute_results")
    stored = StoredInterval.objects.exclude(low=None).order_by("digest").first()
    right = (stored.low, stored.high)
    StoredInterval.objects.filter(pk=stored.pk).update(low=-9.0)
    with pytest.raises(CommandError, match=r"^1 stored result\(s\) differ"):
        call_command("recompute_results", "--check")
    assert capsys.readouterr().err.splitlines() == [
        f"calibration interval {stored.digest}: {(-9.0, right[1])!r}, not {right!r}"
    ]
    call_command("recompute_results")
    call_command("recompute_results", "--check")


def test_the_pages_show_the_stored_intervals(client, history, hiring_manager):
    client.force_login(hiring_manager)
    first = client.get(reverse("calibration"))
    stored = StoredInterval.objects.count()
    again = client.get(reverse("calibration"))
    assert StoredInterval.objects.count() == stored
    fresh = calibration.interviewer_calibration(
        calibration.counted_scorecards(), intervals=calibration.Intervals(store=False)
    )
    for response in (first, again):
        shown = {row.name: row.leniency_interval for row in response.context["interviewers"]}
        assert shown == {row.name: row.leniency_interval for row in fresh}
    overall = calibration.panel_agreement(
        calibration.counted_scorecards(), intervals=calibration.Intervals(store=False)
    ).overall
    table = list(csv.reader(io.StringIO(client.get(reverse("calibration_agreement_csv")).text)))
    assert table[1][0] == "Overall"
    assert table[1][4:] == [str(rounded(end, 3)) for end in overall.interval]
