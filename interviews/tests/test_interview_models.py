"""An interview keeps what it asked: bank questions it used cannot be deleted, and editing
them later changes nothing in the interview."""

import pytest
from django.db.models import ProtectedError

from interviews.models import InterviewPoint
from questions.models import AnswerPoint, Question

pytestmark = [pytest.mark.django_db, pytest.mark.interview(questions=2, points=2)]


def snapshot(interview):
    return [
        (
            asked.position,
            asked.prompt,
            asked.guidance,
            [(point.position, point.text, point.weight) for point in asked.points.all()],
        )
        for asked in interview.questions.prefetch_related("points")
    ]


def test_a_question_an_interview_asked_cannot_be_deleted(interview):
    question = interview.questions.first().question
    with pytest.raises(ProtectedError):
        question.delete()
    assert Question.objects.filter(pk=question.pk).exists()
    assert interview.questions.count() == 2


def test_a_question_an_interview_asked_can_be_retired(interview):
    question = interview.questions.first().question
    question.is_active = False
    question.save()
    question.refresh_from_db()
    assert question.is_active is False
    assert interview.questions.first().question == question


def test_a_question_no_interview_asked_can_still_be_deleted(interview):
    unused = interview.question_set.questions.create(
        slug="unused", position=99, prompt="Unused?", topic=interview.questions.first().topic
    )
    unused.delete()
    assert not Question.objects.filter(pk=unused.pk).exists()


def test_editing_the_bank_leaves_the_interview_as_planned(interview):
    asked = interview.questions.first()
    question = asked.question
    prompt, points = question.prompt, list(question.points.values_list("text", "weight"))
    assert (asked.prompt, list(asked.points.values_list("text", "weight"))) == (prompt, points)
    before = snapshot(interview)

    question.prompt = "A reworded question?"
    question.guidance = "New guidance."
    question.save()
    question.points.filter(position=1).update(text="A reworded point", weight=3)
    question.points.filter(position=2).delete()
    AnswerPoint.objects.create(question=question, position=3, text="A new point")

    assert snapshot(interview) == before
    asked.refresh_from_db()
    assert asked.prompt == prompt
    assert (
        list(InterviewPoint.objects.filter(interview_question=asked).values_list("text", "weight"))
        == points
    )
