"""In the app: the count of waiting scorecards, an interview as .ics, the personal feed."""

from datetime import UTC, timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews.tests.factories import CandidateFactory, planned_interview
from notifications import services
from scoring import services as scoring_services
from scoring.tests.factories import write_scorecard

from .conftest import SITE, at, event_of

pytestmark = pytest.mark.django_db


def calendar_of(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def test_the_navigation_counts_the_scorecards_waiting(client, alice, bob):
    now = timezone.now()
    waiting = planned_interview(interviewers=[alice, bob], scheduled_at=now - timedelta(hours=1))
    planned_interview(interviewers=[alice], scheduled_at=now + timedelta(days=1))  # upcoming
    started = planned_interview(interviewers=[alice], scheduled_at=now + timedelta(hours=1))
    scoring_services.start_interview(interview=started)
    done = planned_interview(interviewers=[alice], scheduled_at=now - timedelta(days=1))
    write_scorecard(done, alice, summary="Yes.")
    gone = planned_interview(interviewers=[alice], scheduled_at=now - timedelta(days=2))
    services.cancel_interview(interview=gone)
    client.force_login(alice)
    badge = (
        '<span class="badge rounded-pill text-bg-warning">2'
        '<span class="visually-hidden"> scorecards waiting</span></span>'
    )
    assert badge in client.get(reverse("question_sets")).text
    # bob owes one; once he submits, no badge.
    write_scorecard(waiting, bob, summary="Yes.")
    client.force_login(bob)
    assert "scorecard waiting" not in client.get(reverse("question_sets")).text


def test_my_interviews_offers_each_interview_as_ics(client, alice, bob):
    interview = planned_interview(
        interviewers=[alice],
        candidate=CandidateFactory(name="Ada"),
        scheduled_at=at(2030, 1, 2, 9),
    )
    url = reverse("interview_calendar", args=[interview.pk])
    client.force_login(alice)
    page = client.get(reverse("my_interviews")).text
    assert (f'href="{url}"' in page, f'href="{reverse("my_calendar")}"' in page) == (True, True)
    response = client.get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="interview-{interview.pk}.ics"'
    )
    calendar = calendar_of(response)
    event = event_of(calendar)
    assert (str(calendar["METHOD"]), str(event["UID"]), event["SEQUENCE"]) == (
        "PUBLISH",
        f"interview-{interview.pk}@rubric.example.com",
        0,
    )
    assert event["DTSTART"].to_ical() == b"20300102T090000Z"
    assert str(event["SUMMARY"]) == "Interview: Ada · Technical interview"
    # Another interviewer does not learn of it.
    client.force_login(bob)
    assert client.get(url).status_code == 404


def feed_url(feed):
    return reverse("calendar_feed", args=[feed.token])


def test_the_feed_lists_upcoming_interviews_without_a_session(alice, bob):
    now = timezone.now().replace(microsecond=0)
    soon = planned_interview(interviewers=[alice], scheduled_at=now + timedelta(days=1))
    yesterday = planned_interview(interviewers=[alice], scheduled_at=now - timedelta(days=1))
    planned_interview(interviewers=[alice], scheduled_at=now - timedelta(days=30))  # long past
    cancelled = planned_interview(interviewers=[alice], scheduled_at=now + timedelta(days=2))
    services.cancel_interview(interview=cancelled)
    planned_interview(interviewers=[bob], scheduled_at=now + timedelta(days=1))  # not hers
    feed = services.renew_calendar_feed(user=alice)

    calendar = calendar_of(Client().get(feed_url(feed)))
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        f"interview-{yesterday.pk}@rubric.example.com",
        f"interview-{soon.pk}@rubric.example.com",
    ]
    assert events[1].decoded("DTSTART") == soon.scheduled_at.astimezone(UTC)
    assert events[1]["SEQUENCE"] == 0


def test_a_renewed_feed_refuses_the_old_token(client, alice):
    old = services.renew_calendar_feed(user=alice).token
    new = services.renew_calendar_feed(user=alice).token
    assert old != new
    assert Client().get(reverse("calendar_feed", args=[old])).status_code == 404
    assert Client().get(reverse("calendar_feed", args=[new])).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # the signature
        lambda token: ("0" if token[0] != "0" else "1") + token[1:],  # the key
        lambda token: token[:20],  # the key alone
        lambda token: "x",
    ],
)
def test_a_wrong_token_is_404(alice, tamper):
    token = services.renew_calendar_feed(user=alice).token
    assert Client().get(reverse("calendar_feed", args=[tamper(token)])).status_code == 404


def test_an_inactive_users_feed_is_404(alice):
    feed = services.renew_calendar_feed(user=alice)
    alice.is_active = False
    alice.save()
    assert Client().get(feed_url(feed)).status_code == 404


def test_the_calendar_page_shows_and_renews_the_link(client, alice):
    client.force_login(alice)
    page = reverse("my_calendar")
    assert "You have no calendar link yet." in client.get(page).text
    assert client.post(reverse("renew_calendar_feed")).url == page
    first = alice.calendar_feed.token
    assert f"{SITE}/calendar/{first}.ics" in client.get(page).text
    client.post(reverse("renew_calendar_feed"))
    alice.calendar_feed.refresh_from_db()
    assert first not in client.get(page).text
    assert alice.calendar_feed.token in client.get(page).text
