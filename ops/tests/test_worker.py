"""The task worker (manage.py run_worker) sends email through a real SMTP server on loopback,
retries a failed attempt after a delay, keeps a task that keeps failing, and runs it again from
the admin."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interviews.tests.factories import planned_interview
from notifications.models import OutgoingEmail
from ops.models import WorkerHeartbeat

from .conftest import smtp_to

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks", "keep_signal_handlers"),
]


def run_worker():
    """Run every task that is due, then stop, as a worker would over that time."""
    call_command(
        "run_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def tasks():
    return list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "args_kwargs"))


def a_minute_passes():
    """Time moves on for the queue: every deferred task is due now."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


def test_the_worker_sends_an_invitation_after_the_request_and_retries_a_failure(
    settings, alice, smtp_port, start_smtp
):
    settings.MAILERS = smtp_to(smtp_port)  # the SMTP server is down at first
    planned_interview(interviewers=[alice])
    [email] = OutgoingEmail.objects.all()
    args = {"args": [email.pk], "kwargs": {}}
    # Scheduling only stored the email and its task: nothing was sent in the request.
    assert (email.attempts, tasks()) == (0, [("READY", args)])

    started = timezone.now()
    run_worker()
    email.refresh_from_db()
    assert (email.attempts, email.sent_at) == (1, None)
    assert "ConnectionRefusedError" in email.last_error
    # The failed attempt is kept, failed, with its error; the next waits a minute.
    assert tasks() == [("FAILED", args), ("READY", args)]
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.exception_class_path == "notifications.tasks.EmailNotDelivered"
    assert "Attempt 1 of 5 to send email" in failed.traceback
    assert timedelta(seconds=59) < retry.run_after - started < timedelta(seconds=61)
    run_worker()  # not due yet
    assert tasks() == [("FAILED", args), ("READY", args)]

    inbox = start_smtp()
    a_minute_passes()
    run_worker()
    email.refresh_from_db()
    assert (email.attempts, email.sent_at is not None, email.last_error) == (2, True, "")
    assert tasks() == [("FAILED", args), ("SUCCESSFUL", args)]
    assert [recipients for _, recipients, _ in inbox.messages] == [["alice@example.com"]]
    # The worker's heartbeat is gone once it stopped.
    assert WorkerHeartbeat.objects.count() == 0


def test_a_task_that_keeps_failing_is_kept_and_an_admin_runs_it_again(
    settings, client, superuser, alice, smtp_port, start_smtp
):
    settings.MAILERS = smtp_to(smtp_port)
    planned_interview(interviewers=[alice])
    [email] = OutgoingEmail.objects.all()
    for _ in range(OutgoingEmail.MAX_ATTEMPTS):
        run_worker()
        a_minute_passes()
    email.refresh_from_db()
    assert (email.attempts, email.sent_at) == (5, None)
    assert [status for status, _ in tasks()] == ["FAILED"] * 5  # nothing more is queued
    last = DBTaskResult.objects.order_by("enqueued_at").last()
    assert "Gave up sending email" in last.traceback

    client.force_login(superuser)
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(changelist + "?status__exact=FAILED")
    assert page.status_code == 200
    assert str(last.pk) in page.content.decode()
    response = client.post(
        changelist, {"action": "run_again", "_selected_action": [str(last.pk)]}, follow=True
    )
    assert "1 task(s) enqueued again." in response.content.decode()
    assert [status for status, _ in tasks()] == ["FAILED"] * 5 + ["READY"]

    inbox = start_smtp()
    run_worker()
    email.refresh_from_db()
    assert (email.attempts, email.sent_at is not None) == (6, True)
    assert len(inbox.messages) == 1


def test_the_worker_waits_for_the_database_instead_of_exiting(database, caplog):
    database.drop()
    threading.Timer(0.5, database.restore).start()  # PostgreSQL is back half a second later
    run_worker()  # returns once the queue is empty, rather than raising
    assert "Worker lost the database: OperationalError(" in caplog.text


def test_only_superusers_run_tasks_again(client, curator):
    """Staff without the tasks' permissions do not see them (the access table has the rest)."""
    client.force_login(curator)
    response = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert response.status_code == 403
