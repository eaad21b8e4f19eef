"""Writes that plan and run interviews."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from config import roles
from questions.models import AnswerPoint, Question, QuestionSet

from .models import Candidate, Interview, InterviewPoint, InterviewQuestion


def interviewer_pool():
    return User.objects.filter(groups__name=roles.INTERVIEWER, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


@transaction.atomic
def schedule_interview(
    *,
    candidate: Candidate,
    question_set: QuestionSet,
    stage: str,
    scheduled_at: datetime,
    interviewers: Sequence[User],
    questions: Sequence[Question],
    created_by: User | None = None,
) -> Interview:
    """Plan an interview: snapshot the chosen questions, in the given order, with their
    expected points, so later edits to the bank never change what this interview asks."""
    if not interviewers:
        raise ValidationError({"interviewers": "Assign at least one interviewer."})
    pool = set(interviewer_pool().values_list("pk", flat=True))
    outsiders = [u for u in interviewers if u.pk not in pool]
    if outsiders:
        names = ", ".join(u.username for u in outsiders)
        raise ValidationError({"interviewers": f"Not in the Interviewer group: {names}."})
    if not questions:
        raise ValidationError({"questions": "Choose at least one question to ask."})
    for question in questions:
        if question.question_set_id != question_set.pk or not question.is_active:
            raise ValidationError(
                {"questions": f"“{question.prompt}” is not an active question of this set."}
            )
    if len({q.pk for q in questions}) != len(questions):
        raise ValidationError({"questions": "A question can be asked only once."})

    interview = Interview.objects.create(
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        scheduled_at=scheduled_at,
        created_by=created_by,
    )
    interview.interviewers.set(interviewers)
    points_by_question = {}
    for point in AnswerPoint.objects.filter(question__in=questions).order_by("position"):
        points_by_question.setdefault(point.question_id, []).append(point)
    for position, question in enumerate(questions, start=1):
        asked = InterviewQuestion.objects.create(
            interview=interview,
            question=question,
            position=position,
            prompt=question.prompt,
            topic_id=question.topic_id,
            kind=question.kind,
            intent=question.intent,
            guidance=question.guidance,
            reference_answer=question.reference_answer,
            suggested_minutes=question.suggested_minutes,
        )
        InterviewPoint.objects.bulk_create(
            InterviewPoint(
                interview_question=asked, position=p.position, text=p.text, weight=p.weight
            )
            for p in points_by_question.get(question.pk, [])
        )
    return interview


@transaction.atomic
def cancel_interview(*, interview: Interview) -> Interview:
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status == Interview.Status.COMPLETED:
        raise ValidationError("A completed interview cannot be cancelled.")
    interview.status = Interview.Status.CANCELLED
    interview.save(update_fields=["status"])
    return interview


@transaction.atomic
def start_interview(*, interview: Interview) -> Interview:
    """Mark the interview as running from the first time an interviewer opens it live."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    if interview.status == Interview.Status.SCHEDULED:
        interview.status = Interview.Status.IN_PROGRESS
        interview.started_at = timezone.now()
        interview.save(update_fields=["status", "started_at"])
    return interview


@transaction.atomic
def add_follow_up(
    *,
    after: InterviewQuestion,
    interviewer: User,
    prompt: str,
    points: Sequence[str] = (),
    client_key: uuid.UUID | None = None,
) -> InterviewQuestion:
    """Add a follow-up question after `after`, visible to the interviewer who asked it.
    Sending the same `client_key` again returns the follow-up already made."""
    interview = Interview.objects.select_for_update().get(pk=after.interview_id)
    if client_key:
        existing = interview.questions.filter(client_key=client_key).first()
        if existing:
            return existing
    prompt = prompt.strip()
    if not prompt:
        raise ValidationError({"prompt": "Write the follow-up question."})
    points = [text.strip() for text in points if text.strip()]
    last = interview.questions.filter(position=after.position).aggregate(
        last=Max("follow_up_number")
    )["last"]
    follow_up = InterviewQuestion.objects.create(
        interview=interview,
        position=after.position,
        follow_up_number=last + 1,
        added_by=interviewer,
        client_key=client_key,
        prompt=prompt,
        topic_id=after.topic_id,
        kind=after.kind,
        suggested_minutes=2,
    )
    InterviewPoint.objects.bulk_create(
        InterviewPoint(interview_question=follow_up, position=position, text=text[:500])
        for position, text in enumerate(points, start=1)
    )
    return follow_up
