import socket
from datetime import UTC, datetime

import icalendar
import pytest

SITE = "https://rubric.example.com"


@pytest.fixture(autouse=True)
def site(settings):
    """Links in emails and calendars point at SITE; reminders are due 2 and 24 hours on."""
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Rubric <rubric@example.com>"
    settings.REMINDER_HOURS = [2, 24]


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (the sending) as it would in production;
    tests otherwise run inside a transaction that never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def closed_port():
    """A loopback port nobody listens on: an SMTP server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_to(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


def attachment(message):
    """The .ics attached to a sent email, as (content type, parsed calendar)."""
    [part] = message.attachments
    return (
        part.get_content_type(),
        part.get_param("method"),
        icalendar.Calendar.from_ical(part.get_content()),
    )


def event_of(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)
