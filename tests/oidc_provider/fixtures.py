"""The test provider, started once per test process, and the settings that point Rubric at
it."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "rubric-tests"
CLIENT_SECRET = "rubric-tests-secret"
ROLES = {
    "Interviewer": {"eng-interviewers"},
    "Hiring manager": {"eng-managers"},
    "Question curator": {"bank-editors"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Provider(SimpleNamespace):
    def control(self, **body):
        response = requests.post(f"{self.url}/control/", json=body, timeout=10)
        response.raise_for_status()

    def register(self, *redirect_uris):
        self.control(
            client={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": list(redirect_uris),
            }
        )

    def person(self, username, *, groups=None, email=None, verified=True, name=None):
        person = {"username": username, "password": "provider-pass", "name": name or username}
        if groups is not None:
            person["groups"] = groups
        if email is not None:
            person["email"] = email
            person["email_verified"] = verified
        self.control(person=person)


@pytest.fixture(scope="session")
def oidc_provider():
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "OIDC_PROVIDER_DB": str(Path(folder) / "provider.sqlite3")}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None:
                    raise RuntimeError(server.stderr.read().decode())
                try:
                    requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            yield Provider(url=url, issuer=f"{url}/o")
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture
def sso(settings, oidc_provider):
    """Rubric's settings for single sign-on through the test provider, which is told to
    forget any fault a previous test left."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_BUTTON = "Sign in with Test IdP"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_ROLES = ROLES
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": settings.OIDC_BUTTON,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": oidc_provider.issuer},
                }
            ],
        }
    }
    oidc_provider.control(fault="")
    return oidc_provider
