"""Settings come from the environment; these run settings.py afresh with a given one."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS = BASE_DIR / "config" / "settings.py"
PRODUCTION_KEY = "x7Hq2-production-like-secret-key-9fPz1mVb4Lr8Tc6Yw3Ns5Kd0Gj-Ua"
ENV_NAMES = [
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_REQUIRE_2FA",
]


def load_settings(monkeypatch, **env):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_local_defaults(monkeypatch):
    settings = load_settings(monkeypatch)
    assert settings["DEBUG"] is True
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DATABASES"]["default"]["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert "CACHES" not in settings
    assert "SESSION_ENGINE" not in settings  # sessions in the database


def test_a_secret_key_is_required_without_debug(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        load_settings(monkeypatch, DJANGO_DEBUG="0")


def test_debug_must_be_a_boolean(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be 0 or 1, not 'maybe'"):
        load_settings(monkeypatch, DJANGO_DEBUG="maybe")


def test_production_environment(monkeypatch):
    settings = load_settings(
        monkeypatch,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="rubric.example.com, www.rubric.example.com",
        DATABASE_URL="postgres://rubric:pw@db.internal:5432/rubric",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == PRODUCTION_KEY
    assert settings["ALLOWED_HOSTS"] == ["rubric.example.com", "www.rubric.example.com"]
    database = settings["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "rubric",
    )
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["STORAGES"]["staticfiles"]["BACKEND"] == (
        "config.staticfiles.ManifestStaticFilesStorage"
    )
    assert settings["REQUIRE_2FA"] == {"superuser", "Question curator", "Hiring manager"}
    assert settings["MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"] is False


def test_two_factor_asked_of_nobody_on_a_development_machine_or_when_set_empty(monkeypatch):
    assert load_settings(monkeypatch)["REQUIRE_2FA"] == frozenset()
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": PRODUCTION_KEY}
    settings = load_settings(monkeypatch, DJANGO_REQUIRE_2FA="", **production)
    assert settings["REQUIRE_2FA"] == frozenset()
    settings = load_settings(monkeypatch, DJANGO_REQUIRE_2FA="Interviewer", **production)
    assert settings["REQUIRE_2FA"] == {"Interviewer"}


def manage(*args, **env):
    # The browser tests' conftest allows async-unsafe ORM calls, which deploy checks refuse.
    unset = {*ENV_NAMES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_configuration_passes_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="rubric.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_starting_without_a_key_in_production_says_why():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_the_served_application_keeps_the_collector_off_what_it_loaded():
    # In a process of its own: the tuning is the server's, not the test run's.
    probe = (
        "import gc, config.wsgi; "
        "print(gc.get_threshold(), gc.get_freeze_count() > 10_000, "
        "gc.get_count()[0] < config.wsgi.GC_THRESHOLDS[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["(50000,", "20,", "10)", "True", "True"]
