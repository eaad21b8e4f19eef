import signal
import socket

import pytest
from aiosmtpd.controller import Controller
from django.db import connections
from django.tasks import task_backends
from django_tasks_db import DatabaseBackend

from notifications.tests.test_smtp import Inbox


@pytest.fixture
def database_tasks():
    """Tasks are stored for the worker, as in production (DJANGO_TASK_BACKEND=database).
    Django does not reload its task backends when TASKS changes in a test: set it directly."""
    task_backends["default"] = DatabaseBackend(
        alias="default", params={"BACKEND": "django_tasks_db.DatabaseBackend"}
    )
    yield task_backends["default"]
    del task_backends["default"]


@pytest.fixture
def keep_signal_handlers():
    """The worker takes SIGINT and SIGTERM for a graceful stop: give them back afterwards."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in handlers.items():
        signal.signal(name, handler)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    """A loopback port for an SMTP server that is not started yet (a server that is down)."""
    return free_port()


@pytest.fixture
def start_smtp(smtp_port):
    """Start the SMTP server on smtp_port; its inbox."""
    controllers = []

    def start():
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def smtp_to(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


class Database:
    """The database, which can go away: every new query then fails in the driver, as while
    PostgreSQL restarts, and Django raises its OperationalError (Django's cursors are made
    to fail, not the app's code). For the connections of every thread: a live server's too."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def drop(self):
        wrapper = type(connections["default"])

        def refuse(connection, name=None):
            raise connection.Database.OperationalError("server closed the connection unexpectedly")

        self.monkeypatch.setattr(wrapper, "create_cursor", refuse)

    def restore(self):
        self.monkeypatch.undo()


@pytest.fixture
def database(monkeypatch):
    return Database(monkeypatch)
