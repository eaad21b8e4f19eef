"""Sending queued email, through Django's tasks framework. In development (ImmediateBackend)
an email is sent at once in the process that enqueues it, and a failed one waits for the next
`send_reminders` run; in production (django-tasks-db's DatabaseBackend, DJANGO_TASK_BACKEND)
`manage.py run_worker` sends it, and a failed attempt is a failed task, kept with its error,
that enqueues the next attempt after a growing delay, until OutgoingEmail.MAX_ATTEMPTS."""

import logging
from datetime import timedelta
from email.message import MIMEPart

from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)


# The wait before the 2nd, 3rd, 4th and 5th attempts.
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
]


class EmailNotDelivered(Exception):
    """An attempt failed: the task fails, so that the attempt is kept with its error."""


@task
def send_email(email_id: int) -> bool:
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.sent_at is not None:
        return False
    if deliver(email=email):
        return True
    email.refresh_from_db()
    if email.sent_at is not None or not send_email.get_backend().supports_defer:
        return False  # sent by another process; or, without a worker, left to send_reminders
    if email.attempts < OutgoingEmail.MAX_ATTEMPTS:
        delay = RETRY_DELAYS[min(email.attempts, len(RETRY_DELAYS)) - 1]
        send_email.using(run_after=timezone.now() + delay).enqueue(email_id)
        raise EmailNotDelivered(
            f"Attempt {email.attempts} of {OutgoingEmail.MAX_ATTEMPTS} to send email "
            f"{email_id} failed, retrying in {delay}: {email.last_error}"
        )
    raise EmailNotDelivered(
        f"Gave up sending email {email_id} after {email.attempts} attempts (run this task "
        f"again from the admin to try once more): {email.last_error}"
    )


def message_of(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=email.subject, body=email.text, to=[email.to])
    if email.html:
        message.attach_alternative(email.html, "text/html")
    if email.calendar:
        method = "CANCEL" if "METHOD:CANCEL" in email.calendar else "REQUEST"
        part = MIMEPart()
        # method= lets mail clients offer to accept the invitation or remove the event.
        part.set_content(
            email.calendar,
            subtype="calendar",
            params={"method": method},
            disposition="attachment",
            filename="invite.ics",
        )
        message.attach(part)
    return message


def deliver(*, email: OutgoingEmail) -> bool:
    """Send a queued email, unless it was sent or another process has just claimed it.
    Claiming is counting the attempt, conditionally on the count read: of two processes
    that read the same count, one claims. Must run outside a transaction."""
    claimed = OutgoingEmail.objects.filter(
        pk=email.pk, sent_at__isnull=True, attempts=email.attempts
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        return False
    try:
        message_of(email).send()
    except Exception as error:  # SMTP, TLS, DNS, timeouts: whatever the backend raises
        logger.warning("Sending email %s to %s failed: %r", email.pk, email.to, error)
        OutgoingEmail.objects.filter(pk=email.pk).update(last_error=repr(error)[:2000])
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
    return True
