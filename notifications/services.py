"""Writes of notifications: queueing invitations and reminders, and sending queued email.

An email is first stored as an OutgoingEmail, in the transaction of the change it tells of,
and sent once that transaction commits. A send that fails is logged and left unsent, for the
next `send_reminders` run to retry; nothing about sending can undo or block the change."""

import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config import roles
from interviews import services as interviews
from interviews.models import Candidate, Interview
from questions.models import Question, QuestionSet
from scoring import debrief, results
from scoring.models import Debrief

from . import calendars, selectors, tasks
from .models import KEY_LENGTH, CalendarFeed, InterviewCalendar, OutgoingEmail, Reminder

logger = logging.getLogger(__name__)
ORPHANED_AFTER = timedelta(minutes=5)


# Scheduling. Each change to an interview's time, panel or status is made here, so that in
# its one transaction the candidate's stored result follows (scoring) and the panel is sent
# the invitation or cancellation (below); `interviews.services` makes the change itself.


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
    anonymised: bool = False,
    shadows: Sequence[User] = (),
) -> Interview:
    """Plan the interview (`interviews.services.plan_interview`), store the candidate's
    result on its set and invite the panel."""
    interview = interviews.plan_interview(
        candidate=candidate,
        question_set=question_set,
        stage=stage,
        scheduled_at=scheduled_at,
        interviewers=interviewers,
        questions=questions,
        created_by=created_by,
        anonymised=anonymised,
        shadows=shadows,
    )
    results.refresh_result(candidate_id=candidate.pk, question_set_id=question_set.pk)
    interview_changed(interview=interview)
    return interview


@transaction.atomic
def cancel_interview(*, interview: Interview) -> Interview:
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    interview.cancel()
    results.refresh_result(
        candidate_id=interview.candidate_id, question_set_id=interview.question_set_id
    )
    interview_changed(interview=interview)
    return interview


@transaction.atomic
def reschedule_interview(
    *,
    interview: Interview,
    scheduled_at: datetime,
    interviewers: Sequence[User],
    anonymised: bool | None = None,
    shadows: Sequence[User] | None = None,
) -> Interview:
    """Move an interview that has not started, or change its panel. Everyone on the new
    panel is sent the updated invitation, and anyone taken off it a cancellation; an
    interviewer who has begun a scorecard for it stays on the panel."""
    interview = Interview.objects.select_for_update().get(pk=interview.pk)
    removed = interviews.move_interview(
        interview=interview,
        scheduled_at=scheduled_at,
        interviewers=interviewers,
        anonymised=anonymised,
        shadows=shadows,
    )
    if removed is not None:
        interview_changed(interview=interview, removed=removed)
    return interview


def interview_changed(*, interview: Interview, removed: Iterable[User] = ()) -> None:
    """Queue an invitation to each interviewer of a newly scheduled, moved or cancelled
    interview, and a cancellation to each one `removed` from its panel; they are sent when
    the caller's transaction commits. Each change raises the event's SEQUENCE by one."""
    try:
        with transaction.atomic():
            emails = _queue_invitations(interview, removed)
    except Exception:
        # A mistake here must not cost the hiring manager their scheduling.
        logger.exception("Could not queue the invitations of interview %s", interview.pk)
        return
    send_after_commit(emails)


def _queue_invitations(interview: Interview, removed: Iterable[User]) -> list[OutgoingEmail]:
    calendar, created = InterviewCalendar.objects.get_or_create(interview=interview)
    if not created:
        InterviewCalendar.objects.filter(pk=calendar.pk).update(sequence=F("sequence") + 1)
        calendar.refresh_from_db()
    interview = (
        Interview.objects.select_related("candidate", "question_set")
        .annotate(planned_minutes=selectors.planned_minutes())
        .get(pk=interview.pk)
    )
    if interview.status == Interview.Status.CANCELLED:
        change = "cancelled"
    elif created:
        change = "scheduled"
    else:
        change = "updated"
    emails = []
    for interviewer in interview.interviewers.order_by("username"):
        emails.append(_invitation(interview, interviewer, calendar.sequence, change))
    for interviewer in removed:
        emails.append(_invitation(interview, interviewer, calendar.sequence, "removed"))
    return [email for email in emails if email is not None]


SUBJECTS = {
    "scheduled": "Interview",
    "updated": "Updated interview",
    "cancelled": "Cancelled interview",
    "removed": "Removed from the panel",
}


def _invitation(
    interview: Interview, interviewer: User, sequence: int, change: str
) -> OutgoingEmail | None:
    if not interviewer.email:
        logger.info("No invitation for %s: no email address", interviewer.username)
        return None
    method = "REQUEST" if change in ("scheduled", "updated") else "CANCEL"
    context = {
        "interview": interview,
        "interviewer": interviewer,
        "change": change,
        "starts": calendars.local(interview.scheduled_at),
        "ends": calendars.local(selectors.scheduled_end(interview)),
        "live_url": calendars.absolute(reverse("live_interview", args=[interview.pk])),
        "my_interviews_url": calendars.absolute(reverse("my_interviews")),
    }
    return queue_email(
        kind=OutgoingEmail.Kind.INVITATION,
        to=interviewer.email,
        subject=f"{SUBJECTS[change]}: {interview.candidate_name_for_panel} · {interview.stage}, "
        f"{context['starts']}",
        template="notifications/email/invitation",
        context=context,
        calendar=calendars.invitation(
            interview, sequence=sequence, method=method, attendee=interviewer
        ),
    )


def queue_email(
    *, kind: str, to: str, subject: str, template: str, context: dict, calendar: str = ""
) -> OutgoingEmail:
    """Store an email in the outbox, its text and HTML rendered from `template` (.txt and
    .html); send it with send_after_commit."""
    return OutgoingEmail.objects.create(
        kind=kind,
        to=to,
        subject=subject,
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        calendar=calendar,
    )


def send_after_commit(emails: Iterable[OutgoingEmail]) -> None:
    ids = [email.pk for email in emails]

    def enqueue():
        # Some may be gone by now (seed_demo drops the demo users' invitations).
        unsent = OutgoingEmail.objects.filter(pk__in=ids, sent_at__isnull=True)
        for pk in unsent.values_list("pk", flat=True):
            tasks.send_email.enqueue(pk)

    # robust: a failure to enqueue is logged, and never reaches the request that committed.
    transaction.on_commit(enqueue, robust=True)


def unsent_emails():
    """Emails whose sending failed, fewer than MAX_ATTEMPTS times, and emails never tried a
    while after they were queued (their process stopped between commit and sending)."""
    orphaned = Q(attempts=0, created_at__lte=timezone.now() - ORPHANED_AFTER)
    return OutgoingEmail.objects.filter(
        Q(attempts__gt=0) | orphaned, sent_at__isnull=True, attempts__lt=OutgoingEmail.MAX_ATTEMPTS
    )


def retry_unsent() -> int:
    """Send again every unsent email; how many went out."""
    return sum(tasks.deliver(email=email) for email in unsent_emails())


def record_reminder(*, due: selectors.DueReminder) -> OutgoingEmail | None:
    """Record a due reminder and queue its email, together; None when another run recorded
    it first (the unique key refuses the second)."""
    try:
        with transaction.atomic():
            email = _reminder_email(due)
            Reminder.objects.create(
                key=due.key,
                recipient=due.recipient,
                interview=due.owed.interview if due.owed else None,
                email=email,
            )
    except IntegrityError:
        return None
    return email


def _reminder_email(due: selectors.DueReminder) -> OutgoingEmail:
    if due.owed:
        interview = due.owed.interview
        return queue_email(
            kind=OutgoingEmail.Kind.REMINDER,
            to=due.recipient.email,
            subject=f"Your scorecard for {interview.candidate_name_for_panel} · {interview.stage} "
            "is waiting",
            template="notifications/email/reminder",
            context={
                "interview": interview,
                "interviewer": due.recipient,
                "hours": due.hours,
                "ended": calendars.local(due.owed.ends_at),
                "live_url": calendars.absolute(reverse("live_interview", args=[interview.pk])),
            },
        )
    rows = [
        {
            "item": item,
            "ended": calendars.local(item.ends_at),
            "url": calendars.absolute(reverse("interview_detail", args=[item.interview.pk])),
        }
        for item in due.overdue
    ]
    count = len(rows)
    return queue_email(
        kind=OutgoingEmail.Kind.DIGEST,
        to=due.recipient.email,
        subject=f"{count} overdue scorecard{'s' if count != 1 else ''}",
        template="notifications/email/digest",
        context={"manager": due.recipient, "rows": rows},
    )


def debrief_key(opened: Debrief, recipient: User) -> str:
    """What a "debrief ready" email is recorded under: one per recipient and opening (the
    first opening's key has no number, as before openings were counted)."""
    key = f"debrief:{opened.candidate_id}:{recipient.pk}"
    return key if opened.opening == 1 else f"{key}:{opened.opening}"


def debrief_ready(*, candidate: Candidate) -> list[OutgoingEmail]:
    """Once a candidate's debrief has opened, queue one email to each hiring manager and each
    interviewer of the loop that it is ready, sent after the caller's transaction commits.
    Idempotent: each recipient's email is recorded under a unique key per opening of the
    debrief, so calling it again (after every submission, or from two at once) sends nothing
    twice, and a loop that became ready again sends one new email each. Called by the views
    that submit a scorecard, after submitting."""
    opened = Debrief.objects.filter(candidate=candidate).first()
    if opened is None or not debrief.is_loop_ready(candidate):
        return []
    managers = User.objects.filter(groups__name=roles.HIRING_MANAGER, is_active=True)
    panel = User.objects.filter(interviews__in=debrief.loop_interviews(candidate), is_active=True)
    recipients = (managers | panel).exclude(email="").distinct().order_by("username")
    context = {"debrief_url": calendars.absolute(reverse("debrief", args=[candidate.pk]))}
    # The panel of an anonymised interview knows the candidate by their code only, and so do
    # hiring managers while the loop's names are hidden until decided.
    manager_ids = set(managers.values_list("pk", flat=True))
    names = {True: debrief.name_for(True, candidate), False: debrief.name_for(False, candidate)}
    emails = []
    for recipient in recipients:
        try:
            with transaction.atomic():
                name = names[recipient.pk in manager_ids]
                email = queue_email(
                    kind=OutgoingEmail.Kind.DEBRIEF,
                    to=recipient.email,
                    subject=f"Debrief ready: {name}",
                    template="notifications/email/debrief",
                    context={**context, "recipient": recipient, "candidate_name": name},
                )
                Reminder.objects.create(
                    key=debrief_key(opened, recipient), recipient=recipient, email=email
                )
        except IntegrityError:
            continue  # already told
        emails.append(email)
    send_after_commit(emails)
    return emails


def send_reminders(*, now: datetime) -> list[OutgoingEmail]:
    """Record and send every due reminder; what this run sent (a reminder recorded by an
    overlapping run is left to it)."""
    sent = []
    for due in selectors.due_reminders(now=now):
        email = record_reminder(due=due)
        if email is not None and tasks.deliver(email=email):
            sent.append(email)
    return sent


@transaction.atomic
def renew_calendar_feed(*, user: User) -> CalendarFeed:
    """Give the user a calendar feed with a new key; the URL of the old one stops working."""
    feed, _ = CalendarFeed.objects.select_for_update().get_or_create(
        user=user,
        defaults={"key": secrets.token_hex(KEY_LENGTH // 2), "created_at": timezone.now()},
    )
    feed.key = secrets.token_hex(KEY_LENGTH // 2)
    feed.created_at = timezone.now()
    feed.save()
    return feed
