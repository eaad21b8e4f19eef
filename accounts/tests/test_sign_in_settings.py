"""Single sign-on is configured by the environment alone: settings.py run afresh with one."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent.parent / "config" / "settings.py"
NAMES = [
    "DJANGO_PASSWORD_LOGIN",
    "DJANGO_OIDC_ISSUER",
    "DJANGO_OIDC_CLIENT_ID",
    "DJANGO_OIDC_CLIENT_SECRET",
    "DJANGO_OIDC_BUTTON",
    "DJANGO_OIDC_GROUPS_CLAIM",
    "DJANGO_OIDC_ROLES",
]


def load_settings(monkeypatch, **env):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_an_issuer_there_is_no_provider_and_passwords_work(monkeypatch):
    settings = load_settings(monkeypatch)
    assert settings["PASSWORD_LOGIN"] is True
    assert settings["OIDC_ISSUER"] == ""
    assert settings["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []


def test_the_provider_comes_from_the_environment(monkeypatch):
    settings = load_settings(
        monkeypatch,
        DJANGO_OIDC_ISSUER="https://id.example.com/realms/corp/",
        DJANGO_OIDC_CLIENT_ID="rubric",
        DJANGO_OIDC_CLIENT_SECRET="s3cret",
        DJANGO_OIDC_BUTTON="Sign in with Corp ID",
        DJANGO_OIDC_GROUPS_CLAIM="roles",
        DJANGO_OIDC_ROLES="Interviewer=eng-interviewers, design-interviewers;"
        "Hiring manager=eng-managers;Question curator=bank-editors",
        DJANGO_PASSWORD_LOGIN="0",
    )
    assert settings["PASSWORD_LOGIN"] is False
    assert settings["OIDC_GROUPS_CLAIM"] == "roles"
    assert settings["OIDC_ROLES"] == {
        "Interviewer": {"eng-interviewers", "design-interviewers"},
        "Hiring manager": {"eng-managers"},
        "Question curator": {"bank-editors"},
    }
    assert settings["SOCIALACCOUNT_PROVIDERS"] == {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Sign in with Corp ID",
                    "client_id": "rubric",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://id.example.com/realms/corp"},
                }
            ],
        }
    }
    assert settings["SOCIALACCOUNT_EMAIL_AUTHENTICATION"] is False
    assert settings["SECURE_CSP"]["form-action"] == ["'self'", "https://id.example.com"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_PASSWORD_LOGIN": "0"}, "DJANGO_PASSWORD_LOGIN=0 needs DJANGO_OIDC_ISSUER"),
        ({"DJANGO_OIDC_ISSUER": "https://id.example.com"}, "needs DJANGO_OIDC_CLIENT_ID"),
        ({"DJANGO_OIDC_ROLES": "Admin=it"}, "'Admin=it' is not Role=group"),
        ({"DJANGO_OIDC_ROLES": "Interviewer="}, "'Interviewer=' is not Role=group"),
        ({"DJANGO_PASSWORD_LOGIN": "maybe"}, "DJANGO_PASSWORD_LOGIN must be 0 or 1"),
    ],
)
def test_a_configuration_that_cannot_work_is_refused_at_start(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load_settings(monkeypatch, **env)
