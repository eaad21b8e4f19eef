"""Question analytics reads stored sums (scoring/question_sums.py), and what it shows is
always what the reference computation over the tallies gives (calibration.question_analytics):
after every kind of change; the admin's list likewise; `recompute_results --check` finds
nothing to mend."""

import datetime

import pytest
from django.utils import timezone

from interviews.tests.factories import planned_interview
from notifications import services as scheduling
from questions.models import Question
from questions.tests.factories import QuestionFactory, QuestionSetFactory
from scoring import calibration, question_sums, services, sums
from scoring.models import QuestionSum, Recommendation, Span
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def described(rows):
    def rounded(value):
        return None if value is None else round(value, 9)

    return [
        (
            row.question.pk,
            row.times_asked,
            row.answers,
            row.rated,
            row.skipped,
            rounded(row.mean),
            row.ratings,
            rounded(row.discrimination),
            row.discrimination_n,
            [vars(point) for point in row.points],
            row.flags,
            vars(row.exposure),
            [vars(version) for version in row.versions],
            None
            if row.leak is None
            else {
                name: rounded(value) if isinstance(value, float) else value
                for name, value in vars(row.leak).items()
            },
            rounded(row.interviews_share),
        )
        for row in rows
    ]


def assert_fresh(question_set):
    assert sums.recompute_sums(check=True) == []
    stored = described(question_sums.question_analytics(question_set))
    reference = described(calibration.question_analytics(question_set))
    # A question never asked has no leak figures in the reference, zeros in the sums.
    assert stored == [
        row if row[13] is not None or stored_row[1] else (*row[:13], stored_row[13], row[14])
        for row, stored_row in zip(reference, stored, strict=True)
    ]
    listed = question_sums.with_exposure_and_usage(
        Question.objects.filter(question_set=question_set)
    )
    reference_list = calibration.with_exposure(
        calibration.with_usage(Question.objects.filter(question_set=question_set))
    )
    columns = [
        "pk",
        "candidates_30",
        "candidates_90",
        "candidates_365",
        "candidates_all",
        "first_asked",
        "last_asked",
        "times_asked",
        "over_exposed",
    ]
    assert list(listed.order_by("pk").values_list(*columns)) == list(
        reference_list.order_by("pk").values_list(*columns)
    )
    means = dict(listed.values_list("pk", "mean_rating"))
    for pk, mean in reference_list.values_list("pk", "mean_rating"):
        assert means[pk] == pytest.approx(mean)
    return stored


def ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def question_set(alice, bob):
    """Three questions asked of 24 candidates over a year by alice and bob, the first
    question rising lately; its wording changed half way."""
    question_set = QuestionSetFactory()
    for position in (1, 2, 3):
        QuestionFactory(question_set=question_set, position=position)
    for number in range(24):
        if number == 12:
            first = Question.objects.get(question_set=question_set, position=1)
            first.prompt = "Reworded"
            first.save()
        interview = planned_interview(
            interviewers=[alice, bob],
            question_set=question_set,
            scheduled_at=ago(360 - number * 15),
        )
        recent = number >= 18
        write_scorecard(interview, alice, [4 if recent else 2, 2, 3])
        write_scorecard(interview, bob, [3 if recent else 2, None, 3 - number % 2])
    return question_set


def test_the_stored_sums_stay_fresh_through_every_change(question_set, alice, bob, hiring_manager):
    before = assert_fresh(question_set)
    assert QuestionSum.objects.filter(span=Span.MONTH).exists()
    assert before[0][12] and before[0][13]["recent_interviews"]

    # A candidate asked again, later: counted once, on the later day.
    interview = Question.objects.filter(question_set=question_set).first()
    again = planned_interview(
        interviewers=[alice, bob],
        question_set=question_set,
        candidate=services.Interview.objects.filter(question_set=question_set)
        .order_by("scheduled_at")
        .first()
        .candidate,
        scheduled_at=ago(2),
    )
    alices = write_scorecard(again, alice, [1, 1, 1])
    assert assert_fresh(question_set) != before
    write_scorecard(again, bob, [4, 4, 4], recommendation=Recommendation.STRONG_YES)
    after_submit = assert_fresh(question_set)

    services.amend_scorecard(
        scorecard=alices,
        author=alice,
        reason="Wrong candidate.",
        recommendation=Recommendation.YES,
        summary="",
        answers={r.interview_question_id: (3, "") for r in alices.ratings.all()},
    )
    after_amend = assert_fresh(question_set)
    assert after_amend != after_submit

    # Cancelling an unsubmitted interview and erasing a candidate change nothing.
    other = planned_interview(interviewers=[alice], question_set=question_set)
    scheduling.cancel_interview(interview=other)
    services.erase_candidate(candidate=again.candidate, actor=hiring_manager)
    assert assert_fresh(question_set) == after_amend
    assert interview is not None


def test_analytics_reads_the_same_number_of_queries_whatever_the_history(
    question_set, django_assert_num_queries
):
    question_sums.question_analytics(question_set)  # its leak intervals stored
    # Questions, month sums, window sums, points' texts and sums, versions; and the stored
    # leak intervals when a question has enough answers for one (none here).
    with django_assert_num_queries(6):
        question_sums.question_analytics(question_set)


def test_a_planted_leaks_stored_interval_is_the_fresh_one(alice):
    """As scoring/tests/test_leaks.py plants it: the stored path reads the same figures and
    interval as the reference, stored once and then read."""
    from scoring.models import StoredInterval
    from scoring.tests.test_leaks import history

    question_set = history(
        alice,
        recent=20,
        earlier=20,
        scores=lambda period, number: [4 if period == "recent" else 2 + number % 2, 2, 3],
    )
    reference = described(calibration.question_analytics(question_set))
    stored = described(question_sums.question_analytics(question_set))
    assert stored == reference
    assert stored[0][13]["interval"] is not None
    assert calibration.PROBABLE_LEAK in stored[0][10]
    assert StoredInterval.objects.count() == 3
    assert described(question_sums.question_analytics(question_set)) == reference
    assert StoredInterval.objects.count() == 3
