"""Interviews as iCalendar (RFC 5545) events, built with the icalendar package. Times are
written in UTC, so no calendar has to know the server's time zone."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from interviews.models import Interview

from .selectors import scheduled_end

PRODID = "-//Rubric//Structured interviews//EN"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def event_uid(interview: Interview) -> str:
    """Stable for the life of the interview, so every update replaces the same event."""
    return f"interview-{interview.pk}@{urlsplit(settings.SITE_URL).hostname or 'rubric'}"


def sequence_of(interview: Interview) -> int:
    try:
        return interview.calendar.sequence
    except Interview.calendar.RelatedObjectDoesNotExist:
        return 0


def interview_event(
    interview: Interview, *, sequence: int, cancelled: bool = False, attendee=None
) -> icalendar.Event:
    live_url = absolute(reverse("live_interview", args=[interview.pk]))
    event = icalendar.Event()
    event.add("uid", event_uid(interview))
    event.add("sequence", sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", interview.scheduled_at.astimezone(UTC))
    event.add("dtend", scheduled_end(interview).astimezone(UTC))
    event.add("summary", f"Interview: {interview.candidate_name_for_panel} · {interview.stage}")
    event.add(
        "description",
        f"Candidate: {interview.candidate_name_for_panel}\nStage: {interview.stage}\n"
        f"Question set: {interview.question_set.title}\nLive page: {live_url}",
    )
    event.add("url", live_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    if attendee is not None:
        event.add(
            "attendee",
            f"mailto:{attendee.email}",
            parameters={
                "CN": attendee.get_full_name() or attendee.username,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
            },
        )
    return event


def calendar_of(events, *, method: str | None = None, name: str = "") -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical().decode()


def invitation(interview: Interview, *, sequence: int, method: str, attendee) -> str:
    """The attachment of an invitation: METHOD:REQUEST, or CANCEL for a cancelled interview
    or an interviewer taken off its panel."""
    event = interview_event(
        interview, sequence=sequence, cancelled=method == "CANCEL", attendee=attendee
    )
    return calendar_of([event], method=method)


def download(interview: Interview) -> str:
    """One interview to import by hand; the same UID and SEQUENCE as its invitations."""
    cancelled = interview.status == Interview.Status.CANCELLED
    event = interview_event(interview, sequence=sequence_of(interview), cancelled=cancelled)
    return calendar_of([event], method="PUBLISH")


def feed(interviews, *, name: str) -> str:
    events = [interview_event(i, sequence=sequence_of(i)) for i in interviews]
    return calendar_of(events, name=name)


def _address(from_email: str) -> str:
    """The bare address of "Name <address>"."""
    return from_email.rpartition("<")[2].rstrip(">").strip()


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y, %H:%M %Z")
