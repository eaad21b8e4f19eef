"""/healthz and /readyz: JSON, no login, no session, no more than a few queries, and each state
of readiness."""

from datetime import timedelta

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ops.models import WorkerHeartbeat

from .conftest import free_port

pytestmark = pytest.mark.django_db

READY = {"database": "ok", "cache": "not configured", "worker": "not configured"}


@pytest.fixture
def database_down(database):
    database.drop()


def redis_cache(settings, port, db=5):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{db}",
        }
    }


def probe(client, url):
    response = client.get(url)
    return response.status_code, response.json()


def test_healthz_answers_without_the_database(client, database_down):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Content-Type"] == "application/json"
    assert "Set-Cookie" not in str(response.cookies.output())
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_in_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert probe(client, "/readyz") == (200, {"status": "ready", "checks": READY})


def test_probes_need_no_login_and_start_no_session(client, alice):
    client.force_login(alice)
    client.cookies.clear()
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert (response.status_code, response.cookies.output()) == (200, "")


def test_probes_take_no_post(client):
    assert client.post("/readyz").status_code == 405


def test_readyz_is_unready_when_the_database_is_down(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "status": "unready",
        "checks": {
            "database": "unreachable",
            "cache": "not configured",
            "worker": "not configured",
        },
    }


def test_readyz_is_unready_while_migrations_are_pending(client):
    MigrationRecorder.Migration.objects.filter(app="ops").delete()
    assert probe(client, "/readyz") == (
        503,
        {"status": "unready", "checks": {**READY, "database": "migrations pending"}},
    )


def test_readyz_checks_a_configured_cache(client, settings):
    redis_cache(settings, 6379)
    assert probe(client, "/readyz") == (
        200,
        {"status": "ready", "checks": {**READY, "cache": "ok"}},
    )
    redis_cache(settings, free_port())
    assert probe(client, "/readyz") == (
        503,
        {"status": "unready", "checks": {**READY, "cache": "unreachable"}},
    )


@pytest.mark.usefixtures("database_tasks")
def test_readyz_wants_a_worker_seen_in_the_last_minute(client, django_assert_max_num_queries):
    assert probe(client, "/readyz") == (
        503,
        {"status": "unready", "checks": {**READY, "worker": "not seen"}},
    )
    now = timezone.now()
    beat = WorkerHeartbeat.objects.create(
        worker_id="w1", started_at=now - timedelta(hours=1), seen_at=now - timedelta(seconds=20)
    )
    with django_assert_max_num_queries(2):
        assert probe(client, "/readyz") == (
            200,
            {"status": "ready", "checks": {**READY, "worker": "ok"}},
        )
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(seen_at=now - timedelta(seconds=61))
    assert probe(client, "/readyz")[1]["checks"]["worker"] == "not seen"


@pytest.mark.usefixtures("database_tasks")
def test_readyz_does_not_guess_the_worker_without_a_database(client, database_down):
    assert probe(client, "/readyz") == (
        503,
        {
            "status": "unready",
            "checks": {"database": "unreachable", "cache": "not configured", "worker": "unknown"},
        },
    )


def test_probes_answer_the_process_address_over_http(client, settings):
    """Orchestrators probe a process by its address, over plain HTTP; other pages still
    refuse a host that is not allowed."""
    settings.ALLOWED_HOSTS = ["rubric.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    for url in ("/healthz", "/readyz"):
        assert client.get(url, HTTP_HOST="10.1.2.3:8000").status_code == 200
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="rubric.example.com").status_code == 301
