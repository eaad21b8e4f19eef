"""The calibration page reads stored sums (scoring/calibration_sums.py), and what it shows is
always what the reference computation over the scorecards gives (scoring/calibration.py):
after every kind of change, for every kind of filter, and `recompute_results --check` finds
nothing to mend. Its bootstrap intervals are stored under the revisions of the sums they
come from, and those no page reads any more are pruned."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from interviews.models import Interview
from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from scoring import calibration, calibration_sums, services, sums
from scoring.models import CalibrationSum, Decision, Recommendation, Span, StoredInterval
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

RESAMPLES = 50
NOW = timezone.now()


def reference(filters):
    """The figures computed from the scorecards, as the page showed them before sums."""
    scorecards = calibration.counted_scorecards(**filters)
    fresh = calibration.Intervals(store=False)
    rows = calibration.interviewer_calibration(scorecards, resamples=RESAMPLES, intervals=fresh)
    after = calibration.debrief_calibration(scorecards)
    for row in rows:
        row.after_debriefs = after.get(row.interviewer_id)
    agreement = calibration.panel_agreement(scorecards, resamples=RESAMPLES, intervals=fresh)
    return rows, agreement


def described(rows, agreement):
    """Everything the page and its CSVs show, α to nine places."""

    def alpha(row):
        return (
            row.label,
            row.units,
            None if row.alpha is None else round(row.alpha, 9),
            row.interval,
        )

    return {
        "interviewers": [
            (
                row.name,
                row.scorecards,
                row.recommendations,
                row.ratings,
                row.skipped,
                row.questions,
                row.points_expected,
                row.points_marked,
                row.median_hours,
                row.within_24h,
                None if row.leniency is None else round(row.leniency, 9),
                row.leniency_n,
                row.leniency_interval,
                vars(row.after_debriefs),
            )
            for row in rows
        ],
        "overall": alpha(agreement.overall),
        "topics": [alpha(row) for row in agreement.topics],
        "questions": [alpha(row) for row in agreement.questions],
    }


def assert_fresh(filter_sets):
    assert sums.recompute_sums(check=True) == []
    shown = []
    for filters in filter_sets:
        stored = (
            calibration_sums.interviewer_figures(**filters, resamples=RESAMPLES),
            calibration_sums.agreement_figures(**filters, resamples=RESAMPLES),
        )
        assert described(*stored) == described(*reference(filters)), filters
        shown.append(described(*stored))
    return shown


def day(days_ago):
    return (NOW - datetime.timedelta(days=days_ago)).replace(hour=10, minute=0)


@pytest.fixture
def history(alice, bob, carol):
    """Seven interviews with a panel of three on one set, over three months, and one of
    another stage; every interviewer has a leniency interval."""
    first = planned_interview(interviewers=[alice, bob, carol], questions=3, scheduled_at=day(80))
    interviews = [first]
    for number in range(1, 7):
        interviews.append(
            planned_interview(
                interviewers=[alice, bob, carol],
                question_set=first.question_set,
                scheduled_at=day(80 - 12 * number),
                stage="Technical interview" if number < 6 else "Onsite",
            )
        )
    for number, interview in enumerate(interviews):
        write_scorecard(interview, alice, [4, 3, 4 - number % 2])
        write_scorecard(interview, bob, [2, 2 + number % 2, None], recommendation=1)
        write_scorecard(interview, carol, [3, 3, 2], recommendation=4)
    return interviews


def filter_sets(question_set):
    middle = day(40).date()
    return [
        {},
        {"question_set": question_set},
        {"stage": "Onsite"},
        {"date_from": middle},
        {"date_to": middle},
        {"date_from": day(75).date(), "date_to": day(20).date()},
        {"date_from": middle, "date_to": middle},
        {"date_from": middle.replace(day=1), "date_to": day(0).date()},
    ]


def test_the_stored_sums_stay_fresh_through_every_change(
    history, alice, bob, carol, hiring_manager
):
    question_set = history[0].question_set
    filters = filter_sets(question_set)
    before = assert_fresh(filters)
    assert CalibrationSum.objects.filter(span=Span.MONTH).exists()
    assert [row[0] for row in before[0]["interviewers"]] == ["alice", "bob", "carol"]
    assert all(row[12] is not None for row in before[0]["interviewers"])

    # Submitted, by a panel with a shadow whose scorecard never counts.
    interview = planned_interview(
        interviewers=[alice, bob],
        question_set=question_set,
        scheduled_at=day(40),
        shadows=[carol],
    )
    alices = write_scorecard(interview, alice, [1, 1, 1], recommendation=Recommendation.NO)
    write_scorecard(interview, carol, [4, 4, 4])
    write_scorecard(interview, bob, [4, 4, 4])
    after_submit = assert_fresh(filters)
    assert after_submit != before

    # A decision, replaced, then reopened: the agreement with the decision follows.
    candidate = interview.candidate
    decision = services.record_decision(
        candidate=candidate, manager=hiring_manager, outcome="hire", rationale="Strong."
    )
    decided = assert_fresh(filters)
    assert decided[0]["interviewers"][0][13]["decided"] == 1
    decision = services.record_decision(
        candidate=candidate,
        manager=hiring_manager,
        outcome="no_hire",
        rationale="On reflection.",
        replaces=decision.pk,
    )
    assert assert_fresh(filters)[0]["interviewers"][0][13]["agreed"] == 1
    services.reopen_decision(decision=decision, manager=hiring_manager, reason="New evidence.")
    assert Decision.objects.filter(candidate=candidate, ended_at=None).count() == 0

    # Amended after the debrief opened: the drift figures move.
    answers = {r.interview_question_id: (4, r.notes) for r in alices.ratings.all()}
    services.amend_scorecard(
        scorecard=alices,
        author=alice,
        reason="Mixed up the candidates.",
        recommendation=Recommendation.YES,
        summary="",
        answers=answers,
    )
    after_amend = assert_fresh(filters)
    assert after_amend[0]["interviewers"][0][13]["moved"] == 1

    # A new interview in the loop opens the debrief again, on another day: the amendment now
    # came before the latest opening, so nobody moved after it.
    later = planned_interview(
        interviewers=[carol], candidate=candidate, question_set=question_set, scheduled_at=day(5)
    )
    write_scorecard(later, carol, [3, 3, 3])
    assert candidate.debrief.opening == 2
    reopened = assert_fresh(filters)
    assert reopened[0]["interviewers"][0][13]["moved"] == 0

    # Cancelling and erasing change no figure.
    other = planned_interview(interviewers=[alice, bob], question_set=question_set)
    write_scorecard(other, alice, [2, 2, 2])
    with_other = assert_fresh(filters)
    scheduling.cancel_interview(interview=other)
    assert assert_fresh(filters) == with_other
    services.erase_candidate(candidate=candidate, actor=hiring_manager)
    assert assert_fresh(filters) == with_other


def test_check_reports_a_wrong_sum_and_recompute_mends_it(history, capsys):
    row = CalibrationSum.objects.filter(span=Span.MONTH).order_by("pk").first()
    CalibrationSum.objects.filter(pk=row.pk).update(scorecards=99)
    with pytest.raises(CommandError, match=r"^1 stored result\(s\) differ"):
        call_command("recompute_results", "--check")
    key = (row.interviewer_id, row.question_set_id, row.stage, "month", row.day)
    assert capsys.readouterr().err.splitlines() == [
        f"calibration {key}: scorecards is 99, not {row.scorecards}"
    ]
    call_command("recompute_results")
    call_command("recompute_results", "--check")


def test_intervals_are_read_under_the_sums_revisions_and_unused_ones_pruned(history, alice):
    calibration_sums.interviewer_figures(resamples=RESAMPLES)
    stored = set(StoredInterval.objects.values_list("digest", flat=True))
    assert len(stored) == 3
    # Read again: nothing computed or stored; marked read today.
    StoredInterval.objects.update(used_on=timezone.localdate() - datetime.timedelta(days=3))
    calibration_sums.interviewer_figures(resamples=RESAMPLES)
    assert set(StoredInterval.objects.values_list("digest", flat=True)) == stored
    assert set(StoredInterval.objects.values_list("used_on", flat=True)) == {timezone.localdate()}
    # One interval read on the last day kept, one the day before, one never marked.
    kept = timezone.localdate() - calibration_sums.UNUSED_INTERVALS_KEPT
    for digest, used_on in (("1", kept), ("2", kept - datetime.timedelta(days=1)), ("3", None)):
        StoredInterval.objects.create(digest=digest * 40, low=0, high=1, used_on=used_on)
    # Read again: found, nothing pruned.
    calibration_sums.interviewer_figures(resamples=RESAMPLES)
    assert StoredInterval.objects.count() == 3 + 3
    # A scorecard submitted: new revisions, so new intervals, and the unused ones pruned.
    interview = planned_interview(
        interviewers=[alice], question_set=history[0].question_set, scheduled_at=day(5)
    )
    write_scorecard(interview, alice, [1, 1, 1])
    calibration_sums.interviewer_figures(resamples=RESAMPLES)
    digests = set(StoredInterval.objects.values_list("digest", flat=True))
    assert digests & {"1" * 40, "2" * 40, "3" * 40} == {"1" * 40}
    assert len(digests - stored - {"1" * 40}) == 3


def test_day_sums_of_candidates_apart_add_up_to_those_of_all(history, alice, bob, carol):
    """The benchmark's generator adds up the day rows of batches of candidates."""
    # A second interview on a day of the history's, in the other part: that day's rows add
    # up figures from both.
    shared_day = planned_interview(
        interviewers=[alice, bob, carol],
        question_set=history[0].question_set,
        scheduled_at=history[3].scheduled_at,
    )
    write_scorecard(shared_day, alice, [2, 3, 3])
    write_scorecard(shared_day, bob, [1, 2, 4], recommendation=Recommendation.NO)
    write_scorecard(shared_day, carol, [4, 4, None])
    parts = [[*history[:3], shared_day], history[3:]]

    total = sums.DaySums()
    apart = []
    for part in parts:
        days = sums.DaySums.of(Interview.objects.filter(pk__in=[i.pk for i in part]))
        apart.append(days)
        total.add(days)

    for kind in ("calibration", "agreement", "questions", "points"):
        assert getattr(apart[0], kind).keys() & getattr(apart[1], kind).keys(), kind
    assert sums.recompute_sums(check=True, days=total) == []
    # What check compares: one interview's sums fewer is found out.
    assert sums.recompute_sums(check=True, days=apart[1]) != []
