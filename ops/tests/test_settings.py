"""The service settings from the environment: the task backend (immediate for `make run`, the
worker's in production), the log format, metrics' access."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.test_settings import PRODUCTION_KEY, load_settings

SERVICE_NAMES = [
    "DJANGO_TASK_BACKEND",
    "DJANGO_LOG_FORMAT",
    "DJANGO_METRICS_ALLOWED_IPS",
    "DJANGO_METRICS_TOKEN",
    "DJANGO_RETRY_AFTER_SECONDS",
]


@pytest.fixture
def service_env(monkeypatch):
    for name in SERVICE_NAMES:
        monkeypatch.delenv(name, raising=False)


def backend(settings):
    return settings["TASKS"]["default"]["BACKEND"]


def test_development_needs_no_worker(monkeypatch, service_env):
    settings = load_settings(monkeypatch)
    assert backend(settings) == "django.tasks.backends.immediate.ImmediateBackend"
    assert settings["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    assert (settings["METRICS_ALLOWED_IPS"], settings["METRICS_TOKEN"]) == ([], "")
    assert settings["MIDDLEWARE"][:2] == [
        "ops.middleware.RequestRecordMiddleware",
        "ops.middleware.ProbeMiddleware",
    ]


def test_production_sends_through_the_worker_and_logs_json(monkeypatch, service_env):
    settings = load_settings(
        monkeypatch,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_METRICS_ALLOWED_IPS="10.0.0.0/8, 192.168.1.5",
        DJANGO_METRICS_TOKEN="t0ken",
        DJANGO_RETRY_AFTER_SECONDS="10",
    )
    assert backend(settings) == "django_tasks_db.DatabaseBackend"
    assert settings["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert settings["METRICS_ALLOWED_IPS"] == ["10.0.0.0/8", "192.168.1.5"]
    assert (settings["METRICS_TOKEN"], settings["RETRY_AFTER_SECONDS"]) == ("t0ken", 10)


def test_the_backend_can_be_chosen_and_must_be_known(monkeypatch, service_env):
    settings = load_settings(monkeypatch, DJANGO_TASK_BACKEND="database")
    assert backend(settings) == "django_tasks_db.DatabaseBackend"
    with pytest.raises(
        ImproperlyConfigured,
        match="DJANGO_TASK_BACKEND must be one of immediate, database, not 'celery'.",
    ):
        load_settings(monkeypatch, DJANGO_TASK_BACKEND="celery")
