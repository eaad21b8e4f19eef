"""One invitation through a real SMTP server on loopback, with the settings production reads
from its environment."""

import email
import email.policy
import runpy
import socket
from pathlib import Path

import icalendar
import pytest
from aiosmtpd.controller import Controller

from interviews.tests.factories import CandidateFactory, planned_interview

from .conftest import at, event_of

pytestmark = pytest.mark.django_db

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def production_settings(monkeypatch, port):
    for name, value in {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x7Hq2-production-like-secret-key-9fPz1mVb4Lr8Tc6Yw3Ns5Kd0Gj-Ua",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(port),
        "DJANGO_EMAIL_USE_TLS": "0",  # aiosmtpd here speaks plain SMTP
        "DJANGO_DEFAULT_FROM_EMAIL": "Rubric <rubric@example.com>",
        "DJANGO_SITE_URL": "https://rubric.example.com",
    }.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_an_invitation_arrives_through_smtp(settings, monkeypatch, smtp_server, send_now, alice):
    port, inbox = smtp_server
    production = production_settings(monkeypatch, port)
    assert production["MAILERS"]["default"]["BACKEND"] == (
        "django.core.mail.backends.smtp.EmailBackend"
    )
    for name in ("MAILERS", "DEFAULT_FROM_EMAIL", "SITE_URL"):
        setattr(settings, name, production[name])

    with send_now():
        interview = planned_interview(
            interviewers=[alice],
            candidate=CandidateFactory(name="Ada Lovelace"),
            scheduled_at=at(2030, 5, 6, 10, 30),
        )

    [(sender, recipients, content)] = inbox.messages
    assert (sender, recipients) == ("rubric@example.com", ["alice@example.com"])
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == (
        "Interview: Ada Lovelace · Technical interview, 6 May 2030, 10:30 UTC"
    )
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
    assert (ics.get_content_type(), ics.get_param("method")) == ("text/calendar", "REQUEST")
    event = event_of(icalendar.Calendar.from_ical(ics.get_content()))
    assert (str(event["UID"]), event["SEQUENCE"], event["DTSTART"].to_ical()) == (
        f"interview-{interview.pk}@rubric.example.com",
        0,
        b"20300506T103000Z",
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"https://rubric.example.com/interviews/{interview.pk}/live/" in body
