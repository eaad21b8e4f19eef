"""Read-side queries of what is owed and what a calendar shows."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from config import roles
from interviews.models import Interview, InterviewQuestion
from scoring.models import Scorecard

from .models import KEY_LENGTH, CalendarFeed, Reminder, feed_signature

# An interview has no duration of its own; with no planned questions, this is its length.
DEFAULT_MINUTES = 60
# The feed keeps the past week, so that a calendar does not drop an interview as it starts.
FEED_PAST_DAYS = 7
OPEN = [Interview.Status.SCHEDULED, Interview.Status.IN_PROGRESS]


def planned_minutes(interview_ref: str = "pk") -> Coalesce:
    """The sum of the suggested minutes of an interview's planned questions (follow-ups added
    live are not planned), as an expression over the interview named by `interview_ref`."""
    minutes = (
        InterviewQuestion.objects.filter(interview=OuterRef(interview_ref), added_by__isnull=True)
        .order_by()
        .values("interview")
        .annotate(total=Sum("suggested_minutes"))
        .values("total")
    )
    return Coalesce(Subquery(minutes), 0)


def scheduled_end(interview: Interview) -> datetime:
    """When the interview is planned to end: its scheduled time plus the suggested minutes of
    its planned questions (annotated as `planned_minutes`, or counted here), or an hour."""
    minutes = getattr(interview, "planned_minutes", None)
    if minutes is None:
        minutes = (
            interview.questions.filter(added_by__isnull=True).aggregate(
                total=Sum("suggested_minutes")
            )["total"]
            or 0
        )
    return interview.scheduled_at + timedelta(minutes=minutes or DEFAULT_MINUTES)


def waiting_scorecards(user: User, *, now: datetime | None = None) -> int:
    """How many of the user's scorecards are owed: interviews started live, or whose time has
    come, without their submitted scorecard (the In progress and Waiting sections of My
    interviews)."""
    now = now or timezone.now()
    return (
        Interview.objects.filter(interviewers=user)
        .filter(
            Q(status=Interview.Status.IN_PROGRESS)
            | Q(status=Interview.Status.SCHEDULED, scheduled_at__lte=now)
        )
        .exclude(
            Exists(
                Scorecard.objects.filter(
                    interview=OuterRef("pk"), interviewer=user, submitted_at__isnull=False
                )
            )
        )
        .count()
    )


def feed_interviews(user: User, *, now: datetime | None = None) -> QuerySet[Interview]:
    """The interviews a user's calendar feed lists: theirs, not cancelled, from a week ago on."""
    now = now or timezone.now()
    return (
        Interview.objects.filter(
            interviewers=user, scheduled_at__gte=now - timedelta(days=FEED_PAST_DAYS)
        )
        .exclude(status=Interview.Status.CANCELLED)
        .select_related("candidate", "question_set", "calendar")
        .annotate(planned_minutes=planned_minutes())
        .order_by("scheduled_at", "pk")
    )


@dataclass
class OwedScorecard:
    interview: Interview
    interviewer: User
    ends_at: datetime


def owed_scorecards(*, now: datetime) -> list[OwedScorecard]:
    """Every assigned interviewer's unsubmitted scorecard of an open interview whose
    scheduled end has passed, the longest overdue first."""
    Panel = Interview.interviewers.through
    rows = (
        Panel.objects.filter(interview__status__in=OPEN, interview__scheduled_at__lte=now)
        .exclude(
            Exists(
                Scorecard.objects.filter(
                    interview=OuterRef("interview_id"),
                    interviewer=OuterRef("user_id"),
                    submitted_at__isnull=False,
                )
            )
        )
        .select_related("interview__candidate", "interview__question_set", "user")
        .annotate(planned_minutes=planned_minutes("interview_id"))
        .order_by("interview__scheduled_at", "interview_id", "user__username")
    )
    owed = []
    for row in rows:
        row.interview.planned_minutes = row.planned_minutes
        ends_at = scheduled_end(row.interview)
        if ends_at <= now:
            owed.append(OwedScorecard(row.interview, row.user, ends_at))
    return owed


@dataclass
class DueReminder:
    key: str
    recipient: User
    hours: int | None = None  # of a scorecard reminder
    owed: OwedScorecard | None = None  # of a scorecard reminder
    overdue: list[OwedScorecard] | None = None  # of a digest


def due_reminders(*, now: datetime) -> list[DueReminder]:
    """The reminders to send now and not yet recorded.

    An interviewer is reminded of a scorecard REMINDER_HOURS after the interview's scheduled
    end (2 and 24 by default); only the latest threshold passed counts, so a run after a
    pause sends one reminder, not a backlog. Each hiring manager gets one digest a day
    (in TIME_ZONE) of the scorecards overdue by the first threshold, when there are any."""
    hours = settings.REMINDER_HOURS
    owed = owed_scorecards(now=now)
    due = []
    for item in owed:
        passed = [h for h in hours if item.ends_at + timedelta(hours=h) <= now]
        if passed and item.interviewer.email:
            key = f"scorecard:{item.interview.pk}:{item.interviewer.pk}:{max(passed)}h"
            due.append(DueReminder(key, item.interviewer, hours=max(passed), owed=item))
    overdue = [item for item in owed if item.ends_at + timedelta(hours=hours[0]) <= now]
    if overdue:
        day = timezone.localdate(now).isoformat()
        managers = User.objects.filter(groups__name=roles.HIRING_MANAGER, is_active=True).exclude(
            email=""
        )
        for manager in managers.order_by("username"):
            due.append(DueReminder(f"digest:{manager.pk}:{day}", manager, overdue=overdue))
    recorded = set(
        Reminder.objects.filter(key__in=[d.key for d in due]).values_list("key", flat=True)
    )
    return [d for d in due if d.key not in recorded]


def feed_for_token(token: str) -> CalendarFeed | None:
    """The active user's feed that `token` opens, or None; the signature is compared in
    constant time, so a guess learns nothing from how long the refusal took."""
    key, signature = token[:KEY_LENGTH], token[KEY_LENGTH:]
    feed = (
        CalendarFeed.objects.select_related("user").filter(key=key, user__is_active=True).first()
    )
    if feed is None or not constant_time_compare(signature, feed_signature(key)):
        return None
    return feed
