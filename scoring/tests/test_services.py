import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interviews.models import Interview
from interviews.services import add_follow_up
from interviews.tests.factories import planned_interview
from notifications.services import cancel_interview
from scoring import selectors, services
from scoring.models import Mark, PointMark, Rating, Recommendation, Scorecard

pytestmark = pytest.mark.django_db


def first_question(interview):
    return interview.questions.order_by("position").first()


def test_a_scorecard_is_one_per_interviewer_and_only_for_the_assigned(interview, alice, carol):
    first = services.scorecard_for(interview=interview, interviewer=alice)
    assert services.scorecard_for(interview=interview, interviewer=alice) == first
    with pytest.raises(PermissionDenied):
        services.scorecard_for(interview=interview, interviewer=carol)
    assert Scorecard.objects.count() == 1


def test_rating_skipping_and_notes(interview, alice):
    services.scorecard_for(interview=interview, interviewer=alice)
    question = first_question(interview)
    services.save_answer(interview_question=question, interviewer=alice, score=3)
    services.save_answer(interview_question=question, interviewer=alice, notes="Clear.")
    rating = Rating.objects.get()
    assert (rating.score, rating.skipped, rating.notes) == (3, False, "Clear.")

    services.save_answer(interview_question=question, interviewer=alice, skipped=True)
    rating.refresh_from_db()
    assert (rating.score, rating.skipped, rating.notes) == (None, True, "Clear.")

    services.save_answer(interview_question=question, interviewer=alice, score=2)
    rating.refresh_from_db()
    assert (rating.score, rating.skipped) == (2, False)

    services.save_answer(interview_question=question, interviewer=alice, score=None)
    rating.refresh_from_db()
    assert rating.score is None


def test_the_same_change_twice_leaves_one_result(interview, alice):
    services.scorecard_for(interview=interview, interviewer=alice)
    question = first_question(interview)
    point = question.points.first()
    for _ in range(2):
        services.save_answer(interview_question=question, interviewer=alice, score=4)
        services.save_answer(
            interview_question=question,
            interviewer=alice,
            marks={point.pk: Mark.PARTIAL},
        )
    assert list(Rating.objects.values_list("score", flat=True)) == [4]
    assert list(PointMark.objects.values_list("mark", flat=True)) == [Mark.PARTIAL]


def test_marks_are_set_changed_and_cleared(interview, alice):
    services.scorecard_for(interview=interview, interviewer=alice)
    question = first_question(interview)
    point = question.points.first()
    services.save_answer(
        interview_question=question,
        interviewer=alice,
        marks={point.pk: Mark.COVERED},
    )
    services.save_answer(
        interview_question=question,
        interviewer=alice,
        marks={point.pk: Mark.MISSED},
    )
    assert list(PointMark.objects.values_list("mark", flat=True)) == [Mark.MISSED]
    services.save_answer(interview_question=question, interviewer=alice, marks={point.pk: None})
    assert PointMark.objects.count() == 0


@pytest.mark.parametrize("score", [0, 5, -1])
def test_a_rating_outside_1_to_4_is_refused(interview, alice, score):
    services.scorecard_for(interview=interview, interviewer=alice)
    with pytest.raises(ValidationError, match="A rating is 1 to 4"):
        services.save_answer(
            interview_question=first_question(interview),
            interviewer=alice,
            score=score,
        )
    assert Rating.objects.count() == 0


def test_a_mark_for_a_point_of_another_question_is_refused(interview, alice):
    services.scorecard_for(interview=interview, interviewer=alice)
    first, second = interview.questions.order_by("position")[:2]
    with pytest.raises(ValidationError, match="belongs to another question"):
        services.save_answer(
            interview_question=first,
            interviewer=alice,
            marks={second.points.first().pk: Mark.COVERED},
        )
    assert PointMark.objects.count() == 0


def test_a_question_of_another_interview_is_refused(interview, alice, bob):
    other = planned_interview(interviewers=[bob])
    services.scorecard_for(interview=interview, interviewer=alice)
    with pytest.raises(PermissionDenied, match="not an interviewer of this interview"):
        services.save_answer(interview_question=first_question(other), interviewer=alice, score=3)
    assert Rating.objects.count() == 0


def test_another_interviewers_follow_up_is_not_mine_to_rate(interview, alice, bob):
    follow_up = add_follow_up(
        after=first_question(interview), interviewer=bob, prompt="Why?", points=["Because"]
    )
    services.scorecard_for(interview=interview, interviewer=alice)
    with pytest.raises(ValidationError, match="not part of this interview"):
        services.save_answer(interview_question=follow_up, interviewer=alice, score=3)
    assert list(selectors.questions_for(interview, alice)) == list(
        interview.questions.filter(added_by=None)
    )
    assert follow_up in selectors.questions_for(interview, bob)


def test_submitting_locks_the_scorecard(interview, alice):
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    question = first_question(interview)
    services.save_answer(interview_question=question, interviewer=alice, score=3)
    services.submit_scorecard(
        scorecard=scorecard, recommendation=Recommendation.YES, summary="  Good.  "
    )
    scorecard.refresh_from_db()
    assert (scorecard.recommendation, scorecard.summary, scorecard.is_submitted) == (
        Recommendation.YES,
        "Good.",
        True,
    )
    with pytest.raises(services.ScorecardLocked):
        services.save_answer(interview_question=question, interviewer=alice, score=1)
    with pytest.raises(services.ScorecardLocked):
        services.submit_scorecard(
            scorecard=scorecard, recommendation=Recommendation.NO, summary=""
        )
    assert list(Rating.objects.values_list("score", flat=True)) == [3]
    scorecard.refresh_from_db()
    assert scorecard.recommendation == Recommendation.YES


@pytest.mark.parametrize("recommendation", [None, 0, 5])
def test_a_recommendation_is_required(interview, alice, recommendation):
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    with pytest.raises(ValidationError, match="Choose a recommendation"):
        services.submit_scorecard(scorecard=scorecard, recommendation=recommendation, summary="")
    scorecard.refresh_from_db()
    assert not scorecard.is_submitted


def test_the_interview_completes_when_the_last_interviewer_submits(interview, alice, bob):
    for interviewer, expected in [(alice, "scheduled"), (bob, "completed")]:
        services.submit_scorecard(
            scorecard=services.scorecard_for(interview=interview, interviewer=interviewer),
            recommendation=Recommendation.NO,
            summary="",
        )
        interview.refresh_from_db()
        assert interview.status == expected
    assert interview.completed_at is not None


def test_a_cancelled_interview_takes_no_scores(interview, alice):
    services.scorecard_for(interview=interview, interviewer=alice)
    cancel_interview(interview=interview)
    with pytest.raises(services.ScorecardLocked, match="cancelled"):
        services.save_answer(
            interview_question=first_question(interview),
            interviewer=alice,
            score=3,
        )
    assert Rating.objects.count() == 0
    assert Interview.objects.get().status == "cancelled"


def test_follow_ups_only_while_the_interview_is_open_and_the_scorecard_a_draft(
    interview, alice, bob, carol
):
    question = first_question(interview)
    with pytest.raises(PermissionDenied):
        add_follow_up(after=question, interviewer=carol, prompt="Mine?")
    services.submit_scorecard(
        scorecard=services.scorecard_for(interview=interview, interviewer=alice),
        recommendation=Recommendation.YES,
        summary="",
    )
    with pytest.raises(ValidationError, match="was submitted") as error:
        add_follow_up(after=question, interviewer=alice, prompt="Late?")
    assert error.value.code == "locked"
    cancel_interview(interview=interview)
    with pytest.raises(ValidationError, match="cancelled"):
        add_follow_up(after=question, interviewer=bob, prompt="Cancelled?")
    assert interview.questions.filter(added_by__isnull=False).count() == 0
