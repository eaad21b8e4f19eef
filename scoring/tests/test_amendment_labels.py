"""An amendment names each changed answer by its question's number, a follow-up's included:
amending a question and its follow-up at once keeps both (a mutant that labelled the
follow-up as its question survived `make mutate`, and one change overwrote the other)."""

import pytest

from interviews import services as interview_services
from interviews.tests.factories import planned_interview
from scoring import services
from scoring.models import Recommendation

pytestmark = pytest.mark.django_db


def test_a_question_and_its_follow_up_are_amended_side_by_side(alice):
    interview = planned_interview(interviewers=[alice], questions=1)
    question = interview.questions.get()
    follow_up = interview_services.add_follow_up(
        after=question, interviewer=alice, prompt="Why that index?"
    )
    for asked in (question, follow_up):
        services.save_answer(interview_question=asked, interviewer=alice, score=2)
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    services.submit_scorecard(scorecard=scorecard, recommendation=Recommendation.NO, summary="")

    amendment = services.amend_scorecard(
        scorecard=scorecard,
        author=alice,
        reason="Misread my notes.",
        recommendation=Recommendation.NO,
        summary="",
        answers={question.pk: (3, ""), follow_up.pk: (4, "")},
    )
    assert (amendment.before, amendment.after) == (
        {"Question 1": {"score": 2, "notes": ""}, "Question 1.1": {"score": 2, "notes": ""}},
        {"Question 1": {"score": 3, "notes": ""}, "Question 1.1": {"score": 4, "notes": ""}},
    )
