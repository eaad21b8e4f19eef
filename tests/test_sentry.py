"""Sentry is optional (SENTRY_DSN), and what reaches it names no one: an error raised while a
candidate's name, email and note are in the request, its cookies and the view's variables
arrives with its type, stack and path only."""

import json

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from sentry_sdk.transport import Transport

from config import sentry
from config.urls import urlpatterns as rubric_urlpatterns
from tests.test_settings import load_settings

NAME = "Canary Carmichael"
EMAIL = "canary.carmichael@example.org"
NOTE = "mentioned her daughter's school"


def saving_a_note(request, pk):
    candidate_name = request.POST["name"]  # a local variable Sentry would otherwise send
    note = request.POST["note"]
    if candidate_name and note:
        raise ValueError(f"duplicate key value (email)=({EMAIL}) violates unique constraint")
    return HttpResponse()


urlpatterns = [path("boom/<int:pk>/", saving_a_note), *rubric_urlpatterns]


class Captured(Transport):
    def __init__(self):
        super().__init__({"dsn": "https://key@sentry.example/1"})
        self.events = []

    def capture_envelope(self, envelope):
        self.events += [item.payload.json for item in envelope.items if item.type == "event"]


@pytest.fixture
def sent():
    transport = Captured()
    sentry.start("https://key@sentry.example/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.mark.urls("tests.test_sentry")
def test_an_error_reaches_sentry_without_personal_data(sent, db, admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    client.cookies["candidate"] = NAME
    response = client.post(
        f"/boom/7/?email={EMAIL}",
        {"name": NAME, "note": NOTE, "email": EMAIL},
        HTTP_X_CANDIDATE=NAME,
    )
    assert response.status_code == 500
    sentry_sdk.flush()

    assert sent  # the exception, and the error lines logged about it
    text = json.dumps(sent)
    for personal in (NAME, EMAIL, NOTE, admin_user.username, admin_user.email):
        assert personal not in text
    [event] = [event for event in sent if "exception" in event]
    [exception] = event["exception"]["values"]
    assert exception["type"] == "ValueError"
    assert exception["value"] == (
        "duplicate key value (email)=([email]) violates unique constraint"
    )
    assert set(event["request"]) <= {"method", "url"}  # gunicorn's WSGI path adds both
    assert event["transaction"] == "/boom/{pk}/"
    frames = exception["stacktrace"]["frames"]
    assert frames[-1]["function"] == "saving_a_note"
    assert all("vars" not in frame for frame in frames)


def test_the_scrubber_keeps_the_route_and_the_user_id_only():
    request = {
        "method": "POST",
        "url": "https://rubric.example/boom/7/",
        "query_string": f"email={EMAIL}",
        "data": {"name": NAME},
        "cookies": {"candidate": NAME},
        "headers": {"X-Candidate": NAME},
        "env": {"REMOTE_ADDR": "10.0.0.9"},
    }
    user = {"id": 4, "username": "alice", "email": EMAIL, "ip_address": "10.0.0.9"}
    crumb = {"message": f"sent to {EMAIL}", "data": {"to": EMAIL}}
    event = sentry.scrub(
        {"request": request, "user": user, "breadcrumbs": {"values": [crumb]}, "extra": {1: 2}},
        None,
    )
    assert event == {
        "request": {"method": "POST", "url": "https://rubric.example/boom/7/"},
        "user": {"id": 4},
        "breadcrumbs": {"values": [{"message": "sent to [email]"}]},
    }


def test_sentry_starts_only_with_a_dsn(monkeypatch):
    started = []
    monkeypatch.setattr(sentry, "start", lambda dsn, **options: started.append((dsn, options)))
    load_settings(monkeypatch)
    assert started == []
    load_settings(monkeypatch, SENTRY_DSN="https://key@sentry.example/1", SENTRY_RELEASE="v9")
    assert started == [
        ("https://key@sentry.example/1", {"environment": "production", "release": "v9"})
    ]
