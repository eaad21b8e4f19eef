"""The tallies of submitted answers (scoring/results.py) follow submission and amendment, count
nothing of a draft, and recompute_results rebuilds and checks them."""

import pytest
from django.core.management import CommandError, call_command

from interviews import services as interview_services
from interviews.tests.factories import planned_interview
from scoring import results, services
from scoring.models import AnswerTally, Mark, PointTally, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db

C, P, M = Mark.COVERED, Mark.PARTIAL, Mark.MISSED


def answer(interview_question, interviewer, score, marks=()):
    points = interview_question.points.order_by("position")
    services.save_answer(
        interview_question=interview_question,
        interviewer=interviewer,
        score=score,
        skipped=score is None,
        marks={point.pk: mark for point, mark in zip(points, marks, strict=False)},
    )


def sheet(scorecard):
    scorecard.refresh_from_db()
    return {field: getattr(scorecard, field) for field in results.SCORECARD_FIELDS}


def answers(question):
    tally = AnswerTally.objects.get(interview_question=question)
    return {field: getattr(tally, field) for field in results.ANSWER_FIELDS[3:]}


def points(question):
    return [
        (tally.position, tally.answers, tally.covered, tally.partial)
        for tally in PointTally.objects.filter(point__interview_question=question).order_by(
            "position"
        )
    ]


@pytest.fixture
def panel(alice, bob, carol):
    """Two questions of two points. Alice rates 4 (point 1 covered, 2 partial) and skips
    the second; bob rates 2 (point 1 missed) and 3 (nothing marked) and adds a follow-up,
    rated 1; carol drafts a 1 on the first and never submits."""
    interview = planned_interview(interviewers=[alice, bob, carol], questions=2, points=2)
    first, second = interview.questions.order_by("position")
    answer(first, alice, 4, [C, P])
    answer(second, alice, None)
    answer(first, bob, 2, [M])
    answer(second, bob, 3)
    follow_up = interview_services.add_follow_up(
        after=second, interviewer=bob, prompt="Why?", points=["Because"]
    )
    answer(follow_up, bob, 1)
    answer(first, carol, 1, [C, C])
    return interview, first, second, follow_up


def test_submitting_stores_the_tallies(panel, alice, bob, carol):
    interview, first, second, follow_up = panel
    assert not AnswerTally.objects.exists()
    alices = write_scorecard(interview, alice)
    assert sheet(alices) == {
        "question_count": 2,
        "skipped_count": 1,
        "scored_1": 0,
        "scored_2": 0,
        "scored_3": 0,
        "scored_4": 1,
        "points_expected": 2,
        "points_marked": 2,
    }
    # Alice rated a single question: nothing to correlate it with.
    assert answers(first) == {
        "answers": 1,
        "skipped": 0,
        "scored_1": 0,
        "scored_2": 0,
        "scored_3": 0,
        "scored_4": 1,
        "paired": 0,
        "x_sum": 0,
        "xx_sum": 0,
        "y_sum": 0,
        "yy_sum": 0,
        "xy_sum": 0,
    }
    assert answers(second)["skipped"] == 1
    assert points(first) == [(1, 1, 1, 0), (2, 1, 0, 1)]
    assert points(second) == []  # skipped: no rated answer
    # Bob's follow-up is in no submitted scorecard's plan yet.
    assert not AnswerTally.objects.filter(interview_question=follow_up).exists()

    bobs = write_scorecard(interview, bob)
    assert sheet(bobs) == {
        "question_count": 3,
        "skipped_count": 0,
        "scored_1": 1,
        "scored_2": 1,
        "scored_3": 1,
        "scored_4": 0,
        "points_expected": 5,
        "points_marked": 1,
    }
    # Bob's ratings 2, 3 and 1: against the mean of his others, 2 with 2, 3 with 1.5.
    assert answers(first) == {
        "answers": 2,
        "skipped": 0,
        "scored_1": 0,
        "scored_2": 1,
        "scored_3": 0,
        "scored_4": 1,
        "paired": 1,
        "x_sum": 2,
        "xx_sum": 4,
        "y_sum": 2.0,
        "yy_sum": 4.0,
        "xy_sum": 4.0,
    }
    assert (answers(second)["paired"], answers(second)["y_sum"]) == (1, 1.5)
    assert (answers(follow_up)["answers"], answers(follow_up)["scored_1"]) == (1, 1)
    assert points(first) == [(1, 2, 1, 0), (2, 2, 0, 1)]
    assert points(second) == [(1, 1, 0, 0), (2, 1, 0, 0)]
    assert points(follow_up) == []  # a follow-up is no bank question
    # Carol's draft counts nowhere.
    assert sheet(Scorecard.objects.get(interviewer=carol))["scored_1"] == 0
    assert results.recompute_tallies(check=True) == []


def test_amending_stores_the_tallies_afresh(panel, alice, bob):
    interview, first, second, _ = panel
    alices, bobs = write_scorecard(interview, alice), write_scorecard(interview, bob)
    services.amend_scorecard(
        scorecard=alices,
        author=alice,
        reason="Rated the second after all",
        recommendation=3,
        summary="",
        answers={first.pk: (None, ""), second.pk: (2, "")},
    )
    # Her first answer is no longer rated, so its marks no longer count.
    assert sheet(alices) == {
        "question_count": 2,
        "skipped_count": 0,
        "scored_1": 0,
        "scored_2": 1,
        "scored_3": 0,
        "scored_4": 0,
        "points_expected": 2,
        "points_marked": 0,
    }
    assert points(first) == [(1, 1, 0, 0), (2, 1, 0, 0)]
    assert answers(second)["scored_2"] == 1
    assert sheet(bobs)["scored_3"] == 1
    assert results.recompute_tallies(check=True) == []


def test_recompute_names_a_wrong_tally_and_rebuilds_it(panel, alice, bob):
    interview, first, _, follow_up = panel
    alices, _ = write_scorecard(interview, alice), write_scorecard(interview, bob)
    Scorecard.objects.filter(pk=alices.pk).update(scored_4=0)
    AnswerTally.objects.filter(interview_question=first).update(skipped=5)
    AnswerTally.objects.filter(interview_question=follow_up).delete()
    assert results.recompute_tallies(check=True) == [
        f"scorecard {alices.pk}: scored_4 is 0, not 1",
        f"asked question {first.pk}: skipped is 5, not 0",
        f"asked question {follow_up.pk}: tally missing",
    ]
    with pytest.raises(CommandError, match="3 stored result"):
        call_command("recompute_results", "--check")
    call_command("recompute_results")
    assert results.recompute_tallies(check=True) == []
    assert sheet(alices)["scored_4"] == 1
    assert answers(first)["skipped"] == 0
