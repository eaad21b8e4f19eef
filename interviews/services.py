"""Writes that plan and run interviews."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from config import limits, roles
from questions.models import Question, QuestionSet

from .models import Candidate, Interview, InterviewPoint, InterviewQuestion


def interviewer_pool():
    return User.objects.filter(groups__name=roles.INTERVIEWER, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def _check_panel(interviewers: Sequence[User], shadows: Sequence[User] = ()) -> None:
    if not interviewers:
        raise ValidationError({"interviewers": "Assign at least one interviewer."})
    pool = set(interviewer_pool().values_list("pk", flat=True))
    for field, users in (("interviewers", interviewers), ("shadows", shadows)):
        outsiders = [u for u in users if u.pk not in pool]
        if outsiders:
            names = ", ".join(u.username for u in outsiders)
            raise ValidationError({field: f"Not in the Interviewer group: {names}."})
    both = [u for u in shadows if u in interviewers]
    if both:
        names = ", ".join(u.username for u in both)
        raise ValidationError(
            {"shadows": f"Either an interviewer or a shadow, not both: {names}."}
        )


@transaction.atomic
def plan_interview(
    *,
    candidate: Candidate,
    question_set: QuestionSet,
    stage: str,
    scheduled_at: datetime,
    interviewers: Sequence[User],
    questions: Sequence[Question],
    created_by: User | None = None,
    anonymised: bool = False,
    shadows: Sequence[User] = (),
) -> Interview:
    """Plan an interview: snapshot the chosen questions, in the given order, with their
    expected points and level anchors, so later edits to the bank never change what this
    interview asks. It is anonymised when asked, or when its set is. `shadows` join the
    panel as trainees: their scorecards never count.
    `notifications.services.schedule_interview` also stores the candidate's
    result and invites the panel: pages and the API schedule through it."""
    _check_panel(interviewers, shadows)
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
        anonymised=anonymised or question_set.anonymised,
    )
    interview.interviewers.set([*interviewers, *shadows])
    interview.shadows.set(shadows)
    InterviewQuestion.snapshot(
        (interview, position, question) for position, question in enumerate(questions, start=1)
    )
    return interview


def move_interview(
    *,
    interview: Interview,
    scheduled_at: datetime,
    interviewers: Sequence[User],
    anonymised: bool | None = None,
    shadows: Sequence[User] | None = None,
) -> list[User] | None:
    """Move an interview that has not started, or change its panel; an interviewer who has
    begun a scorecard for it stays on the panel, as interviewer or shadow. `shadows` left out
    keeps the shadows there are. Anonymising can change here too (until the interview
    starts; a set marked anonymised keeps it on). Returns those taken off the
    panel, or None when nothing changed. The caller holds the interview's row lock
    (`notifications.services.reschedule_interview`, which also sends the invitations)."""
    if interview.status != Interview.Status.SCHEDULED:
        raise ValidationError(
            f"This interview is {interview.get_status_display().lower()}: only a scheduled "
            "interview can be moved."
        )
    # A submitted scorecard is counted on the interview's day (calibration's and the
    # questions' sums): the interview took place then.
    if (
        scheduled_at != interview.scheduled_at
        and interview.scorecards.filter(submitted_at__isnull=False).exists()
    ):
        raise ValidationError(
            {
                "scheduled_at": "A scorecard of this interview was submitted: it took place and "
                "cannot be moved."
            }
        )
    shadowing = set(interview.shadows.values_list("pk", flat=True))
    if shadows is None:
        shadows = [u for u in User.objects.filter(pk__in=shadowing) if u not in interviewers]
    _check_panel(interviewers, shadows)
    before = set(interview.interviewers.values_list("pk", flat=True))
    after = {u.pk for u in [*interviewers, *shadows]}
    shadows_after = {u.pk for u in shadows}
    writing = User.objects.filter(pk__in=before - after, scorecards__interview=interview)
    if writing:
        names = ", ".join(u.username for u in writing)
        raise ValidationError(
            {"interviewers": f"Already writing a scorecard, so staying on the panel: {names}."}
        )
    switching = User.objects.filter(
        pk__in=(shadowing ^ shadows_after) & before, scorecards__interview=interview
    )
    if switching:
        names = ", ".join(u.username for u in switching)
        raise ValidationError(
            {"shadows": f"Already writing a scorecard, so staying as they are: {names}."}
        )
    if anonymised is None:
        anonymised = interview.anonymised
    anonymised = anonymised or interview.question_set.anonymised
    if (scheduled_at, before, shadowing, anonymised) == (
        interview.scheduled_at,
        after,
        shadows_after,
        interview.anonymised,
    ):
        return None
    interview.scheduled_at = scheduled_at
    interview.anonymised = anonymised
    interview.save(update_fields=["scheduled_at", "anonymised"])
    interview.interviewers.set([*interviewers, *shadows])
    interview.shadows.set(shadows)
    return list(User.objects.filter(pk__in=before - after))


@transaction.atomic
def add_follow_up(
    *,
    after: InterviewQuestion,
    interviewer: User,
    prompt: str,
    points: Sequence[str] = (),
    client_key: uuid.UUID | None = None,
) -> InterviewQuestion:
    """Add a follow-up question after `after`, visible to the interviewer who asked it, while
    the interview is open and their scorecard a draft. Sending the same `client_key` again
    returns the follow-up already made."""
    interview = Interview.objects.select_for_update().get(pk=after.interview_id)
    if not interview.interviewers.filter(pk=interviewer.pk).exists():
        raise PermissionDenied("You are not an interviewer of this interview.")
    if not interview.is_open:
        raise ValidationError(
            f"This interview is {interview.get_status_display().lower()}.", code="locked"
        )
    if interview.scorecards.filter(interviewer=interviewer, submitted_at__isnull=False):
        raise ValidationError(
            "This scorecard was submitted and can no longer change.", code="locked"
        )
    if client_key:
        existing = interview.questions.filter(client_key=client_key).first()
        if existing and existing.added_by_id == interviewer.pk:
            return existing
        if existing:  # a colleague's: say nothing of it
            raise ValidationError({"client_key": "This follow-up's key is already used."})
    prompt = prompt.strip()
    if not prompt:
        raise ValidationError({"prompt": "Write the follow-up question."})
    limits.check_text(prompt, limit=limits.FOLLOW_UP_PROMPT, what="A follow-up question")
    points = [text.strip() for text in points if text.strip()]
    if len(points) > limits.FOLLOW_UP_POINTS:
        raise ValidationError(
            {
                "points": f"A follow-up has at most {limits.FOLLOW_UP_POINTS} expected points "
                f"(this has {len(points):,})."
            }
        )
    for number, text in enumerate(points, start=1):
        limits.check_text(text, limit=limits.POINT_TEXT, what=f"Expected point {number}")
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
        InterviewPoint(interview_question=follow_up, position=position, text=text)
        for position, text in enumerate(points, start=1)
    )
    return follow_up
