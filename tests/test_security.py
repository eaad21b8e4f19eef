"""The hardened configuration: headers, cookies, login throttling, hashing, idle sessions."""

import datetime
import json
import os
import runpy
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.middleware import IdleSessionMiddleware
from tests.test_settings import BASE_DIR, ENV_NAMES, PRODUCTION_KEY, SETTINGS

pytestmark = pytest.mark.django_db


def test_every_response_carries_the_security_headers(client, interviewer):
    client.force_login(interviewer)
    response = client.get(reverse("question_sets"))
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


class InlineCode(HTMLParser):
    """What the Content Security Policy would block in a page: a script written in the page
    (whatever its type), a style element or attribute, an event handler attribute."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names or tag == "style":
            self.found.append(self.get_starttag_text())
        self.found += [f"{tag} {name}=" for name in sorted(names) if name.startswith("on")]
        if "style" in names:
            self.found.append(f"{tag} style=")


def test_inline_code_is_found_however_it_is_written():
    html = """<script type="module">go()</script><SCRIPT>go()</SCRIPT><script src="/a.js">
        </script><style>p{}</style><p style='color: red'>x</p><a ONCLICK="go()">y</a>"""
    assert InlineCode(html).found == [
        '<script type="module">',
        "<SCRIPT>",
        "<style>",
        "p style=",
        "a onclick=",
    ]


@pytest.mark.parametrize(
    "url", ["login", "question_sets", "admin:index", "compare", "calibration", "api_docs"]
)
def test_pages_have_no_inline_scripts_or_styles(client, superuser, url):
    client.force_login(superuser)
    response = client.get(reverse(url), follow=True)
    assert response.status_code == 200
    assert InlineCode(response.text).found == []


# Static files are not collected here, so the script swaps the manifest storage for the plain
# one; everything else is the production configuration.
PRODUCTION_CHECK = """
from django.conf import settings
from django.test import Client
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
response = Client().get("/accounts/login/", secure=True)
cookie = response.cookies["csrftoken"]
print(json.dumps({
    "status": response.status_code,
    "headers": {k: v for k, v in response.items()},
    "csrf_cookie": {"secure": cookie["secure"], "httponly": cookie["httponly"],
                    "samesite": cookie["samesite"]},
    "insecure": Client().get("/accounts/login/").status_code,
}))
"""


def test_the_production_configuration_hardens_responses():
    env = {
        k: v for k, v in os.environ.items() if k not in {*ENV_NAMES, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "import json\n" + PRODUCTION_CHECK,
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    assert answer["insecure"] == 301  # plain HTTP is sent to HTTPS
    headers = answer["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert answer["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_production_cookies_and_sessions(monkeypatch):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", PRODUCTION_KEY)
    monkeypatch.setenv("DJANGO_SESSION_IDLE_MINUTES", "15")
    settings = runpy.run_path(str(SETTINGS))
    assert (
        settings["SESSION_COOKIE_SECURE"],
        settings["SESSION_COOKIE_HTTPONLY"],
        settings["SESSION_COOKIE_SAMESITE"],
        settings["CSRF_COOKIE_SECURE"],
        settings["CSRF_COOKIE_HTTPONLY"],
    ) == (True, True, "Lax", True, True)
    assert settings["SESSION_COOKIE_AGE"] == 900
    assert settings["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert make_password("correct horse battery staple").startswith("argon2$argon2id$")


def test_weak_passwords_are_refused(settings):
    with pytest.raises(ValidationError) as error:
        validate_password("1234")
    assert "This password is too short." in " ".join(error.value.messages)


def test_a_session_ends_after_being_idle(client, interviewer):
    client.force_login(interviewer)
    assert client.get(reverse("question_sets")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + datetime.timedelta(minutes=59)
    # Within a minute of the last save a page writes nothing…
    soon = timezone.now() + datetime.timedelta(minutes=30)
    Session.objects.update(expire_date=soon)
    assert client.get(reverse("question_sets")).status_code == 200
    assert Session.objects.get().expire_date == soon
    # …after it, a request moves the expiry on.
    stored = client.session
    stored[IdleSessionMiddleware.REFRESHED] -= IdleSessionMiddleware.INTERVAL
    stored.save()
    Session.objects.update(expire_date=soon)
    assert client.get(reverse("question_sets")).status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + datetime.timedelta(minutes=59)
    # One that comes too late finds the session over.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("question_sets"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_failed_logins_lock_the_username_out_from_that_address(client, interviewer):
    for _ in range(4):
        assert log_in(client, "ivy", "wrong").status_code == 200
    locked = log_in(client, "ivy", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    # Locked: even the right password is refused now…
    assert log_in(client, "ivy", "secret").status_code == 429
    # …but only for that username from that address.
    assert log_in(client, "ivy", "secret", address="10.0.0.2").status_code == 302


def test_a_successful_login_clears_the_failures(client, interviewer):
    for _ in range(4):
        log_in(client, "ivy", "wrong")
    assert log_in(client, "ivy", "secret").status_code == 302
    client.logout()
    for _ in range(4):
        assert log_in(client, "ivy", "wrong").status_code == 200
