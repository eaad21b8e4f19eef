"""Sending queued email, through Django's tasks framework. The default backend
(ImmediateBackend) sends at once in the process that enqueues; a deployment can set TASKS to
a worker-backed backend to move sending out of requests, with no change here."""

import logging
from email.message import MIMEPart

from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)


@task
def send_email(email_id: int) -> bool:
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    return email is not None and deliver(email=email)


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
