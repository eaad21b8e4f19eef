"""The printable scorecard shows, next to each rating, what that level meant for the question
when the interview was planned."""

import pytest
from django.urls import reverse

from interviews.tests.factories import planned_interview
from questions.tests.factories import LevelAnchorFactory, QuestionFactory, QuestionSetFactory
from scoring import services

pytestmark = pytest.mark.django_db


def test_each_rating_shows_its_levels_anchor_as_planned(client, alice):
    question_set = QuestionSetFactory()
    anchored = QuestionFactory(question_set=question_set, position=1)
    for level in (1, 2, 3, 4):
        LevelAnchorFactory(question=anchored, level=level, text=f"Level {level}")
    QuestionFactory(question_set=question_set, position=2)  # without anchors
    interview = planned_interview(interviewers=[alice], question_set=question_set)
    first, second = interview.questions.all()
    scorecard = services.scorecard_for(interview=interview, interviewer=alice)
    services.save_answer(interview_question=first, interviewer=scorecard.interviewer, score=3)
    services.save_answer(interview_question=second, interviewer=scorecard.interviewer, score=4)
    anchored.anchors.filter(level=3).update(text="Edited later")
    client.force_login(alice)

    page = client.get(reverse("scorecard_detail", args=[scorecard.pk])).text

    assert "<strong>Good</strong> for this question: Level 3</p>" in page
    assert page.count('class="rating-anchor') == 1
    assert "Edited later" not in page
