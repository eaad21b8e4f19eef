"""Calibration and question analytics figures, against examples computed by hand (the rules
are in scoring/calibration.py)."""

import datetime
import math

import numpy as np
import pytest
from django.utils import timezone

from interviews.models import Interview
from interviews.tests.factories import planned_interview
from questions.tests.factories import AnswerPointFactory, QuestionFactory, QuestionSetFactory
from scoring import calibration, services
from scoring.calibration import PointAnalytics, QuestionAnalytics
from scoring.models import Mark
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

N = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers
# A–D (rows), twelve units, values 1–5, blanks missing. The paper gives α = 0.743 (nominal);
# the ordinal value 0.815 (and interval 0.849) are the ones the lead quoted from the same
# example, and the package reproduces all three.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def value_counts(reliability_data, values=4):
    """Units × values counts from coders × units data, NaN missing."""
    data = np.array(reliability_data, dtype=float)
    return np.array(
        [
            [np.sum(data[:, unit] == value) for value in range(1, values + 1)]
            for unit in range(data.shape[1])
        ]
    )


# Krippendorff's α ---------------------------------------------------------------------------


def test_alpha_matches_krippendorffs_worked_example():
    assert round(calibration.ordinal_alpha(value_counts(KRIPPENDORFF_2011, 5)), 3) == 0.815


@pytest.mark.parametrize(
    "data, expected",
    [
        ([[1, 2, 3, 4], [1, 2, 3, 4]], 1.0),  # perfect agreement
        ([[1, 2, N], [1, 2, 4]], 1.0),  # a missing value takes nothing away
        # Systematic disagreement on two units, by hand: o₁₂ = o₂₁ = 2, n₁ = n₂ = 2, n = 4,
        # δ²(1, 2) = (n₁ + n₂ − (n₁ + n₂) / 2)² = 4, α = 1 − 3 · 16 / (2 · 2 · 2 · 4) = −0.5.
        ([[1, 2], [2, 1]], -0.5),
        ([[1, 2, 3]], None),  # a single coder: nothing to agree on
        ([[3, 3, 3], [3, 3, 3]], None),  # all values equal: α is 0 / 0
        ([[1, N], [N, 2]], None),  # no unit rated twice
    ],
)
def test_alpha_by_hand(data, expected):
    assert calibration.ordinal_alpha(value_counts(data)) == expected


def test_the_vectorised_alpha_of_the_bootstrap_is_the_packages_on_the_data_itself():
    counts = value_counts(KRIPPENDORFF_2011, 5)
    counts = counts[counts.sum(axis=1) >= 2]
    resampled = calibration.ordinal_alpha_resampled(counts, np.ones((1, len(counts))))
    assert round(float(resampled[0]), 12) == round(calibration.ordinal_alpha(counts), 12)


def test_alpha_interval_is_seeded_and_brackets_the_estimate():
    counts = value_counts(KRIPPENDORFF_2011, 5)
    first = calibration.bootstrap_alpha(counts, key=(0,), resamples=200)
    assert first == calibration.bootstrap_alpha(counts, key=(0,), resamples=200)
    assert first[0] < 0.815 < first[1]
    assert calibration.bootstrap_alpha(counts, key=(1,), resamples=200) != first


@pytest.mark.parametrize(
    "alpha, reading",
    [(0.8, "Reliable"), (0.79, "Tentative"), (0.667, "Tentative"), (0.66, "The ratings disagree")],
)
def test_reading_of_alpha(alpha, reading):
    assert calibration.read_alpha(alpha).startswith(reading)


# Bootstrap of a mean -----------------------------------------------------------------------


def test_bootstrap_mean_by_hand():
    # Constant differences: every resample has the same mean.
    assert calibration.bootstrap_mean(np.array([2.0] * 5), key=(1,), resamples=50) == (2.0, 2.0)
    # Two values: a quarter of the resamples are all 0 and a quarter all 1.
    assert calibration.bootstrap_mean(np.array([0.0, 1.0]), key=(1,), resamples=400) == (
        0.0,
        1.0,
    )
    assert calibration.bootstrap_mean(np.array([1.0]), key=(1,)) is None


def test_bootstrap_mean_is_stable_for_the_same_key_only():
    values = np.array([0.5, -0.25, 1.0, 0.0, 0.75, 1.5])
    first = calibration.bootstrap_mean(values, key=(7,), resamples=100)
    assert calibration.bootstrap_mean(values, key=(7,), resamples=100) == first
    assert calibration.bootstrap_mean(values, key=(8,), resamples=100) != first


# Interviewers ------------------------------------------------------------------------------


@pytest.fixture
def panels(alice, bob, carol):
    """Interview 1 (alice, bob) and interview 2 (alice, bob, carol) on one set of two
    questions with two points each, five minutes each: each interview ends 10 minutes
    after it starts."""
    start = timezone.make_aware(datetime.datetime(2026, 11, 2, 10, 0))
    first = planned_interview(interviewers=[alice, bob], questions=2, points=2)
    second = planned_interview(
        interviewers=[alice, bob, carol], question_set=first.question_set, stage="Final"
    )
    Interview.objects.filter(pk=first.pk).update(scheduled_at=start, started_at=start)
    Interview.objects.filter(pk=second.pk).update(scheduled_at=start + datetime.timedelta(days=1))
    end = start + datetime.timedelta(minutes=10)
    hours = datetime.timedelta(hours=1)
    # Interview 1: alice 4, 4 (mean 4), bob 2, 2 (mean 2).
    write_scorecard(
        first,
        alice,
        [4, 4],
        marks=[[Mark.COVERED, Mark.PARTIAL]],
        recommendation=4,
        submitted_at=end + 2 * hours,
    )
    write_scorecard(first, bob, [2, 2], recommendation=2, submitted_at=end + 48 * hours)
    # Interview 2 (never started: it ends 10 minutes after its scheduled time):
    # alice 3, skipped (mean 3); bob 2, 2 (2); carol 1, 3 (2).
    end = end + datetime.timedelta(days=1)
    write_scorecard(second, alice, [3, None], recommendation=3, submitted_at=end + 30 * hours)
    write_scorecard(second, bob, [2, 2], recommendation=2, submitted_at=end + 4 * hours)
    write_scorecard(second, carol, [1, 3], recommendation=1, submitted_at=end + 1 * hours)
    return first, second


def test_interviewer_figures_by_hand(panels, alice, bob, carol, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = calibration.interviewer_calibration(calibration.counted_scorecards(), resamples=20)
    by_name = {row.name: row for row in rows}
    assert [row.name for row in rows] == ["alice", "bob", "carol"]
    a, b, c = by_name["alice"], by_name["bob"], by_name["carol"]
    assert (a.scorecards, b.scorecards, c.scorecards) == (2, 2, 1)
    assert a.recommendations == [0, 0, 1, 1]
    assert b.recommendations == [0, 2, 0, 0]
    assert a.ratings == [0, 0, 1, 2]
    assert c.ratings == [1, 0, 1, 0]
    # Alice rated 3 of the 4 questions in her plans, skipped one, and marked 2 of the 4
    # points of the questions she rated (two questions of two points in interview 2 count 2).
    assert (a.rated, a.skipped, a.questions, a.rated_share) == (3, 1, 4, 0.75)
    assert (a.points_marked, a.points_expected, a.marked_share) == (2, 6, 1 / 3)
    # Alice: 4 − 2 = +2, then 3 − (2 + 2) / 2 = +1 → 1.5. Bob: 2 − 4 = −2, then
    # 2 − (3 + 2) / 2 = −0.5 → −1.25. Carol: 2 − 2.5 = −0.5.
    assert (a.leniency, a.leniency_n) == (1.5, 2)
    assert (b.leniency, b.leniency_n) == (-1.25, 2)
    assert (c.leniency, c.leniency_n) == (-0.5, 1)
    # Too few scorecards for an interval, so nobody is flagged.
    assert a.leniency_interval is None and a.leniency_flag == ""
    # Hours from the end: alice 2 and 30, bob 48 and 4, carol 1.
    assert (a.median_hours, a.within_24h) == (16.0, 0.5)
    assert (b.median_hours, b.within_24h) == (26.0, 0.5)
    assert (c.median_hours, c.within_24h) == (1.0, 1.0)


def test_filters_narrow_the_scorecards(panels):
    first, second = panels
    assert calibration.counted_scorecards(stage="Final").count() == 3
    assert calibration.counted_scorecards(date_to=datetime.date(2026, 11, 2)).count() == 2
    assert calibration.counted_scorecards(date_from=datetime.date(2026, 11, 3)).count() == 3
    other = QuestionSetFactory()
    assert calibration.counted_scorecards(question_set=other).count() == 0


def test_a_draft_never_counts(panels, alice, bob):
    third = planned_interview(interviewers=[alice, bob], question_set=panels[0].question_set)
    write_scorecard(third, alice, [4, 4])
    draft = services.scorecard_for(interview=third, interviewer=bob)
    services.save_answer(
        interview_question=third.questions.first(), interviewer=draft.interviewer, score=1
    )
    rows = {
        row.name: row
        for row in calibration.interviewer_calibration(
            calibration.counted_scorecards(), resamples=20
        )
    }
    assert rows["bob"].scorecards == 2
    assert rows["bob"].ratings == [0, 4, 0, 0]
    # Alice's third scorecard has no submitted colleague: no leniency term.
    assert (rows["alice"].scorecards, rows["alice"].leniency_n) == (3, 2)


@pytest.fixture
def lenient_panel(alice, bob):
    """Five interviews: alice rates 4, 4 and 4, 3 alternately; bob always 2, 2."""
    first = planned_interview(interviewers=[alice, bob], questions=2, points=1)
    for number in range(5):
        interview = (
            first
            if number == 0
            else planned_interview(interviewers=[alice, bob], question_set=first.question_set)
        )
        write_scorecard(interview, alice, [4, 4] if number % 2 == 0 else [4, 3])
        write_scorecard(interview, bob, [2, 2])


def test_leniency_interval_flags_and_is_stable(lenient_panel):
    def rows():
        return {
            row.name: row
            for row in calibration.interviewer_calibration(
                calibration.counted_scorecards(), resamples=200
            )
        }

    first = rows()
    alice, bob = first["alice"], first["bob"]
    # Differences +2, +1.5, +2, +1.5, +2: mean 1.8; bob the mirror image.
    assert (round(alice.leniency, 12), alice.leniency_n) == (1.8, 5)
    assert round(bob.leniency, 12) == -1.8
    low, high = alice.leniency_interval
    assert 1.5 <= low <= 1.8 <= high <= 2.0
    assert bob.leniency_interval[1] < 0
    assert (alice.leniency_flag, bob.leniency_flag) == ("rates higher", "rates lower")
    again = rows()
    assert again["alice"].leniency_interval == alice.leniency_interval
    assert again["bob"].leniency_interval == bob.leniency_interval


def test_leniency_flag_thresholds():
    row = calibration.InterviewerCalibration(1, "x", 5, [0] * 4, [0] * 4, 0, 0, 0, 0, 0)
    for interval, flag in [
        ((0.01, 1.0), "rates higher"),
        ((0.0, 1.0), ""),
        ((-1.0, -0.01), "rates lower"),
        ((-1.0, 0.0), ""),
        (None, ""),
    ]:
        row.leniency_interval = interval
        assert row.leniency_flag == flag


# Panel agreement -----------------------------------------------------------------------------


def test_panel_agreement_by_hand(alice, bob, carol, django_assert_num_queries):
    # Alice 1, 2 and bob 2, 1 on the two questions: α = −0.5 as worked out above. Carol
    # skipped both: missing values, which change nothing.
    interview = planned_interview(interviewers=[alice, bob, carol], questions=2, points=0)
    write_scorecard(interview, alice, [1, 2])
    write_scorecard(interview, bob, [2, 1])
    write_scorecard(interview, carol, [None, None])
    # Three, the stored intervals read, and those computed afresh stored.
    with django_assert_num_queries(5):
        agreement = calibration.panel_agreement(calibration.counted_scorecards(), resamples=20)
    assert (agreement.overall.alpha, agreement.overall.units) == (-0.5, 2)
    # Per question (and per topic: each question has its own) a single unit of 1 against
    # 2: n₁ = n₂ = 1, o₁₂ = o₂₁ = 1, δ²(1, 2) = (2 − 1)² = 1, α = 1 − 1 · 2 / (1 · 1 · 2) = 0.
    q1, q2 = interview.questions.order_by("position")
    assert sorted((row.question_id, row.units, row.alpha) for row in agreement.questions) == [
        (q1.question_id, 1, 0.0),
        (q2.question_id, 1, 0.0),
    ]
    assert [(row.units, row.alpha, row.interval) for row in agreement.topics] == [
        (1, 0.0, None),
        (1, 0.0, None),
    ]


def test_panel_agreement_perfect_and_empty(alice, bob):
    assert calibration.panel_agreement(calibration.counted_scorecards()).overall.alpha is None
    interview = planned_interview(interviewers=[alice, bob], questions=3, points=0)
    write_scorecard(interview, alice, [1, 2, 4])
    write_scorecard(interview, bob, [1, 2, 4])
    agreement = calibration.panel_agreement(calibration.counted_scorecards(), resamples=20)
    assert (agreement.overall.alpha, agreement.overall.units) == (1.0, 3)
    assert agreement.overall.reading.startswith("Reliable")


# Question analytics ----------------------------------------------------------------------------


@pytest.fixture
def analysed(alice):
    """Three questions, Q1 with two points; five scorecards by one interviewer, each its own
    interview (the analytics need no panel)."""
    question_set = QuestionSetFactory(slug="analysed")
    for position in (1, 2, 3):
        question = QuestionFactory(question_set=question_set, position=position)
        if position == 1:
            AnswerPointFactory(question=question, position=1, text="First point")
            AnswerPointFactory(question=question, position=2, text="Second point")
    sheets = [
        ([1, 1, 1], [Mark.COVERED]),
        ([2, 2, 3], [Mark.COVERED, Mark.PARTIAL]),
        ([4, 3, 3], [Mark.COVERED, Mark.MISSED]),
        ([3, 4, 4], [Mark.PARTIAL]),
        ([None, 2, 2], [Mark.COVERED]),  # Q1 skipped: its mark does not count
    ]
    for scores, marks in sheets:
        interview = planned_interview(interviewers=[alice], question_set=question_set)
        write_scorecard(interview, alice, scores, marks=[marks])
    # A draft that must not count.
    planned_interview(interviewers=[alice], question_set=question_set)
    return question_set


def test_question_analytics_by_hand(analysed, django_assert_num_queries):
    with django_assert_num_queries(8):
        rows = calibration.question_analytics(analysed)
    q1, q2, q3 = rows
    assert (q1.times_asked, q1.answers, q1.rated, q1.skipped, q1.skip_rate) == (5, 5, 4, 1, 0.2)
    assert q1.mean == 2.5
    assert q1.ratings == [1, 1, 1, 1]
    # Q1 against the mean of the other two: (1, 1), (2, 2.5), (4, 3), (3, 4):
    # r = (4·30 − 10·10.5) / √((4·30 − 10²)(4·32.25 − 10.5²)) = 15 / √375 = √0.6.
    assert q1.discrimination_n == 4
    assert round(q1.discrimination, 12) == round(math.sqrt(0.6), 12)
    # Q2 has five scorecards with others: the skipped Q1 leaves Q3 alone as "the rest".
    assert q2.discrimination_n == 5
    points = [(p.text, p.answers, p.covered, p.partial, p.missed) for p in q1.points]
    assert points == [("First point", 4, 3, 1, 0), ("Second point", 4, 0, 1, 3)]
    assert q3.points == []
    assert q1.flags == []  # n below ten: nothing flagged


def test_correlation_by_hand():
    assert calibration.correlation(3, 6, 6, 14, 14, 14) == 1.0  # x = y = 1, 2, 3
    assert calibration.correlation(3, 6, 6, 10, 14, 14) == -1.0  # y = 3, 2, 1
    assert calibration.correlation(3, 6, 6, 12, 14, 12) is None  # y constant
    assert calibration.correlation(2, 3, 3, 5, 5, 5) is None  # too few


def question(**figures):
    item = QuestionAnalytics(question=None)
    for name, value in figures.items():
        setattr(item, name, value)
    return item


@pytest.mark.parametrize(
    "figures, interviews, flags",
    [
        ({"discrimination": 0.19, "discrimination_n": 10}, 0, ["does not separate candidates"]),
        ({"discrimination": 0.2, "discrimination_n": 10}, 0, []),
        ({"discrimination": -0.5, "discrimination_n": 9}, 0, []),
        ({"answers": 10, "skipped": 6}, 0, ["usually skipped"]),
        ({"answers": 10, "skipped": 5}, 0, []),
        ({"answers": 9, "skipped": 9}, 0, []),
        ({"times_asked": 4}, 20, ["rarely asked"]),
        ({"times_asked": 5}, 20, []),
        ({"times_asked": 0}, 9, []),
        ({"points": [PointAnalytics(1, "p", 10, 0, 4)]}, 0, ["point 1: nobody covers it"]),
        ({"points": [PointAnalytics(2, "p", 10, 10, 0)]}, 0, ["point 2: everybody covers it"]),
        ({"points": [PointAnalytics(1, "p", 9, 0, 0), PointAnalytics(2, "p", 10, 9, 1)]}, 0, []),
    ],
)
def test_each_flag_at_its_threshold(figures, interviews, flags):
    assert calibration.question_flags(question(**figures), interviews=interviews) == flags


def test_admin_usage_counts_submitted_only(analysed):
    rows = {
        question.position: (question.times_asked, question.mean_rating)
        for question in calibration.with_usage(analysed.questions.all())
    }
    assert rows == {1: (5, 2.5), 2: (5, 2.4), 3: (5, 2.6)}
