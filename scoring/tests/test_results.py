"""The numbers, against examples computed by hand (see scoring/selectors.py for the rules)."""

import pytest
from django.utils import timezone

from interviews.tests.factories import CandidateFactory, interviewer_user, planned_interview
from questions.tests.factories import (
    AnswerPointFactory,
    QuestionFactory,
    QuestionSetFactory,
    TopicFactory,
)
from scoring import results, selectors, services
from scoring.models import CandidateResult, Mark, Rating, Recommendation, Scorecard
from scoring.templatetags import scoring as filters

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_example(alice, bob):
    """One interview of three questions: Q1 (topic T1) with point weights 1, 2, 1; Q2 (T2)
    with weights 1, 1; Q3 (T1) without points."""
    question_set = QuestionSetFactory(slug="worked")
    t1, t2 = (
        TopicFactory(slug="t1", name="T1", position=1),
        TopicFactory(slug="t2", name="T2", position=2),
    )
    for position, topic, weights in [(1, t1, [1, 2, 1]), (2, t2, [1, 1]), (3, t1, [])]:
        question = QuestionFactory(question_set=question_set, position=position, topic=topic)
        for point_position, weight in enumerate(weights, start=1):
            AnswerPointFactory(question=question, position=point_position, weight=weight)
    candidate = CandidateFactory(name="Worked Example")
    interview = planned_interview(
        interviewers=[alice, bob], candidate=candidate, question_set=question_set
    )
    q1, q2, q3 = interview.questions.order_by("position")

    def answer(scorecard, question, score=None, marks=(), skipped=False):
        points = question.points.order_by("position")
        services.save_answer(
            interview_question=question,
            interviewer=scorecard.interviewer,
            score=score,
            skipped=skipped,
            marks={
                point.pk: mark
                for point, mark in zip(points, marks, strict=False)
                if mark is not None
            },
        )

    alices = services.scorecard_for(interview=interview, interviewer=alice)
    # Q1: covered (1), partial (2 × ½), unmarked → 2 / 4 = 0.5
    answer(alices, q1, 4, [Mark.COVERED, Mark.PARTIAL, None])
    # Q2: partial (½), covered (1) → 1.5 / 2 = 0.75
    answer(alices, q2, 2, [Mark.PARTIAL, Mark.COVERED])
    answer(alices, q3, 3)  # no points: no coverage
    services.submit_scorecard(scorecard=alices, recommendation=Recommendation.YES, summary="")

    bobs = services.scorecard_for(interview=interview, interviewer=bob)
    answer(bobs, q1, skipped=True, marks=[Mark.COVERED])  # skipped: not in the score
    answer(bobs, q2, 1)  # no marks: coverage 0
    services.submit_scorecard(scorecard=bobs, recommendation=Recommendation.NO, summary="")
    return {
        "candidate": candidate,
        "set": question_set,
        "alice": alices,
        "bob": bobs,
        "topics": [t1, t2],
    }


def test_rating_coverage_weighs_points_and_counts_partial_as_half(worked_example):
    coverage = dict(
        selectors.with_coverage(
            Rating.objects.filter(scorecard=worked_example["alice"])
        ).values_list("interview_question__position", "coverage")
    )
    assert coverage == {1: 0.5, 2: 0.75, 3: None}


def test_scorecard_score_and_coverage(worked_example):
    alices, bobs = worked_example["alice"], worked_example["bob"]
    alices.refresh_from_db()
    bobs.refresh_from_db()
    assert (alices.score_mean, alices.coverage, round(alices.score_percent, 4)) == (
        3.0,
        0.625,
        66.6667,
    )
    # Bob skipped Q1 and left Q3 unrated: only Q2 counts.
    assert (bobs.score_mean, bobs.coverage, bobs.score_percent) == (1.0, 0.0, 0.0)


def test_scorecard_topic_means(worked_example):
    assert selectors.topic_means(Rating.objects.filter(scorecard=worked_example["alice"])) == [
        {"interview_question__topic__name": "T1", "mean": 3.5, "count": 2},
        {"interview_question__topic__name": "T2", "mean": 2.0, "count": 1},
    ]


def stored_result(candidate, question_set):
    return CandidateResult.objects.get(candidate=candidate, question_set=question_set)


def test_candidate_result(worked_example):
    t1, t2 = worked_example["topics"]
    result = stored_result(worked_example["candidate"], worked_example["set"])
    assert (
        result.scorecard_count,
        result.mean,
        result.median,
        result.spread,
        result.coverage,
    ) == (2, 2.0, 2.0, 2.0, 0.3125)
    assert (result.strong_no, result.no, result.yes, result.strong_yes) == (0, 1, 1, 0)
    # T1: alice 4 and 3; T2: alice 2, bob 1.
    assert result.topic_means == {f"topic_{t1.pk}": 3.5, f"topic_{t2.pk}": 1.5}
    assert result.disagreement is True
    assert selectors.disagreement_reasons(result) == [
        "the recommendations fall on both sides of hire",
        "the scorecard scores are 2.00 apart (flagged from 1.5)",
    ]


def test_drafts_and_other_sets_do_not_count(worked_example, alice, bob):
    candidate = worked_example["candidate"]
    other = planned_interview(interviewers=[alice], candidate=candidate)
    draft = services.scorecard_for(interview=other, interviewer=alice)
    services.save_answer(
        interview_question=other.questions.first(), interviewer=draft.interviewer, score=4
    )
    result = stored_result(candidate, worked_example["set"])
    assert (result.scorecard_count, result.mean) == (2, 2.0)
    other_result = stored_result(candidate, other.question_set)
    assert (other_result.scorecard_count, other_result.mean) == (0, None)
    services.submit_scorecard(scorecard=draft, recommendation=Recommendation.YES, summary="")
    other_result = stored_result(candidate, other.question_set)
    assert (other_result.scorecard_count, other_result.mean) == (1, 4.0)
    assert (result.scorecard_count, result.mean) == (2, 2.0)


def scorecards_with_means(means, recommendations=None):
    """A candidate whose interview has one submitted scorecard per mean, stored directly."""
    interviewers = [interviewer_user(f"panel{index}") for index in range(len(means))]
    interview = planned_interview(interviewers=interviewers)
    for index, (interviewer, mean) in enumerate(zip(interviewers, means, strict=True)):
        Scorecard.objects.create(
            interview=interview,
            interviewer=interviewer,
            recommendation=(recommendations or [Recommendation.YES] * len(means))[index],
            submitted_at=timezone.now(),
            score_mean=mean,
            coverage=0.5,
        )
    return results.refresh_result(
        candidate_id=interview.candidate_id, question_set_id=interview.question_set_id
    )


@pytest.mark.parametrize(
    "means, median",
    [
        ([3.0], 3.0),
        ([1.0, 3.0], 2.0),
        ([2.0, 2.0, 3.0], 2.0),
        ([1.0, 2.0, 3.0, 3.0], 2.5),
        ([1.0, 1.0, 1.0, 4.0], 1.0),
        ([1.0, 1.0, 3.0, 3.0], 2.0),
        ([3.5, 1.25, 2.0, 4.0, 2.75], 2.75),
    ],
)
def test_median_of_scorecard_scores(means, median):
    assert scorecards_with_means(means).median == median


@pytest.mark.parametrize(
    "means, recommendations, disagreement",
    [
        ([2.0, 3.4], [Recommendation.YES, Recommendation.STRONG_YES], False),  # spread 1.4
        ([2.0, 3.5], [Recommendation.YES, Recommendation.STRONG_YES], True),  # spread 1.5
        ([3.0, 3.0], [Recommendation.NO, Recommendation.YES], True),  # both sides of hire
        ([3.0, 3.0], [Recommendation.STRONG_NO, Recommendation.NO], False),
    ],
)
def test_the_disagreement_rule(means, recommendations, disagreement):
    result = scorecards_with_means(means, recommendations)
    assert result.disagreement is disagreement


def test_a_candidate_without_submitted_scorecards_has_an_empty_result(alice):
    interview = planned_interview(interviewers=[alice])
    draft = services.scorecard_for(interview=interview, interviewer=alice)
    services.save_answer(
        interview_question=interview.questions.first(), interviewer=draft.interviewer, score=4
    )
    stored = results.refresh_result(
        candidate_id=interview.candidate_id, question_set_id=interview.question_set_id
    )
    assert (stored.scorecard_count, stored.mean, stored.topic_means) == (0, None, {})
    assert CandidateResult.objects.get().scorecard_count == 0
    result = CandidateResult.objects.get()
    assert (result.scorecard_count, result.mean, result.median, result.spread) == (
        0,
        None,
        None,
        None,
    )
    assert result.disagreement is False


@pytest.mark.parametrize(
    "value, percent, score, band",
    [
        (0.625, "62 %", "0.62", "score-band-1"),
        (3.49, "349 %", "3.49", "score-band-3"),
        (3.5, "350 %", "3.50", "score-band-4"),
        (2.5, "250 %", "2.50", "score-band-3"),
        (None, "–", "–", ""),
        ("", "–", "–", ""),
    ],
)
def test_number_filters(value, percent, score, band):
    assert (filters.percent(value), filters.score(value), filters.score_band(value)) == (
        percent,
        score,
        band,
    )
