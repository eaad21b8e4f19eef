"""Scheduling, rescheduling and cancelling email the panel a calendar invitation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from interviews.tests.factories import CandidateFactory, planned_interview
from notifications import services as scheduling
from notifications.models import OutgoingEmail
from notifications.services import retry_unsent
from scoring import services as scoring_services
from scoring.tests.factories import write_scorecard

from .conftest import SITE, at, attachment, event_of, smtp_to

pytestmark = pytest.mark.django_db

START = at(2030, 5, 6, 10, 30)


def schedule(interviewers, **extra):
    return planned_interview(
        interviewers=interviewers,
        candidate=CandidateFactory(name="Ada O'Lovelace"),
        stage="Technical interview",
        scheduled_at=START,
        **extra,
    )


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def invitation_of(message):
    content_type, method_param, calendar = attachment(message)
    event = event_of(calendar)
    return {
        "content_type": content_type,
        "method_param": method_param,
        "method": str(calendar["METHOD"]),
        "uid": str(event["UID"]),
        "sequence": event["SEQUENCE"],
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "start_utc": event["DTSTART"].to_ical().decode(),
        "status": str(event["STATUS"]),
        "attendee": str(event["ATTENDEE"]),
    }


def test_scheduling_invites_each_interviewer_with_an_ics(send_now, alice, bob):
    with send_now():
        interview = schedule([alice, bob])
        assert mail.outbox == []  # not before the scheduling commits
    assert sorted(by_recipient()) == ["alice@example.com", "bob@example.com"]
    message = by_recipient()["alice@example.com"]
    live_url = f"{SITE}/interviews/{interview.pk}/live/"
    assert live_url == SITE + reverse("live_interview", args=[interview.pk])
    assert message.subject == (
        "Interview: Ada O'Lovelace · Technical interview, 6 May 2030, 10:30 UTC"
    )
    assert message.from_email == "Rubric <rubric@example.com>"
    assert "Candidate:    Ada O'Lovelace" in message.body
    assert f"Question set: {interview.question_set.title}" in message.body
    assert live_url in message.body
    [(html, mimetype)] = message.alternatives
    assert (mimetype, f'href="{live_url}"' in html) == ("text/html", True)
    assert "Ada O&#x27;Lovelace" in html
    assert invitation_of(message) == {
        "content_type": "text/calendar",
        "method_param": "REQUEST",
        "method": "REQUEST",
        "uid": f"interview-{interview.pk}@rubric.example.com",
        "sequence": 0,
        "start": START,
        # Two planned questions of five minutes each.
        "end": START + timedelta(minutes=10),
        "start_utc": "20300506T103000Z",
        "status": "CONFIRMED",
        "attendee": "mailto:alice@example.com",
    }
    event = event_of(attachment(message)[2])
    assert str(event["SUMMARY"]) == "Interview: Ada O'Lovelace · Technical interview"
    assert str(event["URL"]) == live_url
    assert f"Question set: {interview.question_set.title}" in str(event["DESCRIPTION"])
    assert OutgoingEmail.objects.filter(sent_at__isnull=False).count() == 2


def test_times_are_written_in_utc_whatever_the_time_zone(settings, send_now, alice):
    settings.TIME_ZONE = "Europe/Berlin"
    with send_now():
        schedule([alice])
    [message] = mail.outbox
    assert message.subject.endswith("6 May 2030, 12:30 CEST")
    assert invitation_of(message)["start_utc"] == "20300506T103000Z"


def test_rescheduling_updates_the_panel_and_cancels_for_whoever_left(send_now, alice, bob, carol):
    interview = schedule([alice, bob])
    later = START + timedelta(days=1)
    with send_now():
        scheduling.reschedule_interview(
            interview=interview, scheduled_at=later, interviewers=[alice, carol]
        )
    sent = {to: invitation_of(message) for to, message in by_recipient().items()}
    uid = f"interview-{interview.pk}@rubric.example.com"
    assert {to: (i["method"], i["uid"], i["sequence"], i["start"]) for to, i in sent.items()} == {
        "alice@example.com": ("REQUEST", uid, 1, later),
        "carol@example.com": ("REQUEST", uid, 1, later),
        "bob@example.com": ("CANCEL", uid, 1, later),
    }
    assert by_recipient()["alice@example.com"].subject.startswith("Updated interview: ")
    assert by_recipient()["bob@example.com"].subject.startswith("Removed from the panel: ")
    assert sent["bob@example.com"]["method_param"] == "CANCEL"
    assert list(interview.interviewers.order_by("username")) == [alice, carol]


def test_cancelling_sends_a_cancel_with_the_next_sequence(send_now, alice):
    interview = schedule([alice])
    scheduling.reschedule_interview(
        interview=interview, scheduled_at=START + timedelta(hours=1), interviewers=[alice]
    )
    with send_now():
        scheduling.cancel_interview(interview=interview)
    [message] = mail.outbox
    assert message.subject.startswith("Cancelled interview: ")
    assert {k: invitation_of(message)[k] for k in ("method", "sequence", "status")} == {
        "method": "CANCEL",
        "sequence": 2,
        "status": "CANCELLED",
    }


def test_rescheduling_to_the_same_time_and_panel_sends_nothing(send_now, alice):
    interview = schedule([alice])
    with send_now():
        scheduling.reschedule_interview(
            interview=interview, scheduled_at=START, interviewers=[alice]
        )
    assert mail.outbox == []


def test_only_a_scheduled_interview_moves(alice):
    interview = schedule([alice])
    scoring_services.start_interview(interview=interview)
    with pytest.raises(ValidationError, match="in progress: only a scheduled interview"):
        scheduling.reschedule_interview(
            interview=interview, scheduled_at=START, interviewers=[alice]
        )


def test_an_interviewer_with_a_scorecard_stays_on_the_panel(alice, bob):
    interview = schedule([alice, bob])
    scoring_services.scorecard_for(interview=interview, interviewer=bob)
    with pytest.raises(ValidationError, match="staying on the panel: bob"):
        scheduling.reschedule_interview(
            interview=interview, scheduled_at=START, interviewers=[alice]
        )


def test_an_interview_with_a_submitted_scorecard_keeps_its_day(alice, bob, carol):
    # Its scorecard is counted on that day in calibration's and the questions' sums.
    interview = schedule([alice, bob])
    write_scorecard(interview, bob, [3])
    assert interview.status == interview.Status.SCHEDULED
    with pytest.raises(ValidationError, match="was submitted: it took place"):
        scheduling.reschedule_interview(
            interview=interview, scheduled_at=START + timedelta(days=1), interviewers=[alice, bob]
        )
    interview.refresh_from_db()
    assert interview.scheduled_at == START
    # Its panel can still change.
    scheduling.reschedule_interview(
        interview=interview, scheduled_at=START, interviewers=[alice, bob, carol]
    )
    assert set(interview.interviewers.all()) == {alice, bob, carol}


def test_a_hiring_manager_reschedules_from_the_page(client, send_now, hiring_manager, alice, bob):
    interview = schedule([alice])
    client.force_login(hiring_manager)
    url = reverse("reschedule_interview", args=[interview.pk])
    assert url in client.get(reverse("interview_detail", args=[interview.pk])).text
    with send_now():
        response = client.post(url, {"scheduled_at": "2030-05-07T09:00", "interviewers": [bob.pk]})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.scheduled_at == at(2030, 5, 7, 9)
    assert sorted(by_recipient()) == ["alice@example.com", "bob@example.com"]


def test_the_reschedule_page_says_why_it_refuses(client, hiring_manager, alice):
    interview = schedule([alice])
    scheduling.cancel_interview(interview=interview)
    client.force_login(hiring_manager)
    url = reverse("reschedule_interview", args=[interview.pk])
    response = client.post(url, {"scheduled_at": "2030-05-07T09:00", "interviewers": [alice.pk]})
    assert response.status_code == 200
    assert "only a scheduled interview can be moved" in response.text


def test_a_failed_send_keeps_the_scheduling_and_is_retried(settings, send_now, closed_port, alice):
    settings.MAILERS = smtp_to(closed_port)
    with send_now():
        interview = schedule([alice])
    assert interview.pk is not None
    email = OutgoingEmail.objects.get()
    assert (email.sent_at, email.attempts, "ConnectionRefusedError" in email.last_error) == (
        None,
        1,
        True,
    )
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert retry_unsent() == 1
    email.refresh_from_db()
    assert (email.attempts, email.last_error, len(mail.outbox)) == (2, "", 1)
    assert retry_unsent() == 0
