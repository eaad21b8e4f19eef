"""send_reminders: late scorecards, the managers' digest, each at most once."""

import io
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from interviews.tests.factories import CandidateFactory, planned_interview
from notifications import selectors, services
from notifications.models import OutgoingEmail, Reminder
from scoring.tests.factories import write_scorecard

from .conftest import SITE, smtp_to

pytestmark = pytest.mark.django_db

REMINDERS = OutgoingEmail.objects.exclude(kind=OutgoingEmail.Kind.INVITATION)


@pytest.fixture
def ended(db, alice, bob, hiring_manager):
    """An interview of alice and bob that ended (10 minutes after it began) three hours ago;
    bob has submitted his scorecard, alice has not."""
    interview = planned_interview(
        interviewers=[alice, bob],
        candidate=CandidateFactory(name="Ada Lovelace"),
        scheduled_at=timezone.now() - timedelta(hours=3, minutes=10),
    )
    write_scorecard(interview, bob, summary="Yes.")
    return interview


def sent():
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def test_a_late_scorecard_is_reminded_and_managers_get_a_digest(ended, alice, hiring_manager):
    call_command("send_reminders", stdout=io.StringIO())
    assert sent() == [
        ("alice@example.com", "Your scorecard for Ada Lovelace · Technical interview is waiting"),
        ("harper@example.com", "1 overdue scorecard"),
    ]
    reminder, digest = sorted(mail.outbox, key=lambda message: message.to)
    assert f"{SITE}/interviews/{ended.pk}/live/" in reminder.body
    assert "more than 2 hours ago" in reminder.body
    assert f"{SITE}/interviews/{ended.pk}/" in digest.body
    assert "- alice: Ada Lovelace · Technical interview, ended " in digest.body
    assert sorted(Reminder.objects.values_list("key", flat=True)) == [
        f"digest:{hiring_manager.pk}:{timezone.localdate()}",
        f"scorecard:{ended.pk}:{alice.pk}:2h",
    ]


def test_each_reminder_is_sent_once_and_again_after_24_hours(ended, alice):
    now = timezone.now()
    runs = [now, now + timedelta(hours=1), now + timedelta(hours=22), now + timedelta(hours=23)]
    for moment in runs:
        services.send_reminders(now=moment)
    reminders = Reminder.objects.filter(recipient=alice).values_list("key", flat=True)
    assert sorted(reminders) == [
        f"scorecard:{ended.pk}:{alice.pk}:24h",
        f"scorecard:{ended.pk}:{alice.pk}:2h",
    ]
    assert [m.to for m in mail.outbox].count(["alice@example.com"]) == 2
    # One digest a day, whatever the number of runs.
    days = {timezone.localdate(moment) for moment in runs}
    assert [m.to for m in mail.outbox].count(["harper@example.com"]) == len(days)


def test_a_run_after_a_pause_sends_the_latest_reminder_only(ended, alice):
    services.send_reminders(now=timezone.now() + timedelta(days=3))
    assert list(Reminder.objects.filter(recipient=alice).values_list("key", flat=True)) == [
        f"scorecard:{ended.pk}:{alice.pk}:24h"
    ]


def test_nothing_is_due_before_the_first_threshold_nor_for_submitted_or_cancelled(
    alice, hiring_manager
):

    now = timezone.now()
    # Ended 1 h 50 min ago: not yet late.
    planned_interview(interviewers=[alice], scheduled_at=now - timedelta(hours=2))
    cancelled = planned_interview(interviewers=[alice], scheduled_at=now - timedelta(days=1))
    services.cancel_interview(interview=cancelled)
    assert selectors.due_reminders(now=now) == []


def test_dry_run_lists_and_sends_nothing(ended, alice, capsys):
    call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert f"would send scorecard:{ended.pk}:{alice.pk}:2h to alice@example.com" in out
    assert "2 reminder(s) due, 0 email(s) to retry." in out
    assert (mail.outbox, Reminder.objects.count()) == ([], 0)


def test_two_runs_that_saw_the_same_reminders_send_each_once(ended):
    """The race of overlapping runs, step by step: both read what is due before either
    records it; the unique key lets only the first record and send."""
    now = timezone.now()
    first, second = selectors.due_reminders(now=now), selectors.due_reminders(now=now)
    assert [d.key for d in first] == [d.key for d in second]
    assert [services.record_reminder(due=d) is None for d in first] == [False, False]
    assert [services.record_reminder(due=d) for d in second] == [None, None]
    assert REMINDERS.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(alice, bob, hiring_manager):
    """Two runs in two threads, each with its own database connection, start together."""
    if connection.vendor == "sqlite":
        # Its in-memory test database (shared cache) refuses a second writer at once with
        # "database table is locked" instead of waiting; the step-by-step race above runs on
        # SQLite too.
        pytest.skip("SQLite's in-memory test database does not let two threads write")
    interview = planned_interview(
        interviewers=[alice, bob], scheduled_at=timezone.now() - timedelta(hours=5)
    )
    now = timezone.now()
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(len(services.send_reminders(now=now)))
        except Exception as error:  # surfaced below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(results) == 3  # alice, bob and the digest, each by one run or the other
    assert sorted(REMINDERS.filter(sent_at__isnull=False).values_list("to", flat=True)) == [
        "alice@example.com",
        "bob@example.com",
        "harper@example.com",
    ]
    assert Reminder.objects.filter(interview=interview).count() == 2


def test_the_command_retries_what_failed_to_send(settings, ended, closed_port):
    settings.MAILERS = smtp_to(closed_port)
    call_command("send_reminders", stdout=io.StringIO())
    # Tried as it was recorded, and again by the same run's retry.
    assert REMINDERS.filter(sent_at=None, attempts=2).count() == 2
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("send_reminders", stdout=io.StringIO())
    assert (REMINDERS.filter(sent_at=None).count(), len(mail.outbox)) == (0, 2)


def test_an_email_is_tried_five_times_at_most(settings, ended, closed_port):
    settings.MAILERS = smtp_to(closed_port)
    services.send_reminders(now=timezone.now())
    for _ in range(6):
        services.retry_unsent()
    assert sorted(REMINDERS.values_list("attempts", flat=True)) == [5, 5]
