"""One log line per request, with its id (taken from X-Request-ID or made, and sent back), the
user's id, method, route name, status and duration; in production as JSON, errors with their
traceback in the same format."""

import json
import logging

import pytest
from django.urls import reverse

from ops.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "rubric.requests"]


def as_json(record):
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_request_is_one_json_line_with_its_fields(client, alice, caplog):
    client.force_login(alice)
    caplog.set_level(logging.INFO, logger="rubric.requests")
    response = client.get(reverse("my_interviews"), headers={"X-Request-ID": "lb-1234.abc"})
    assert response["X-Request-ID"] == "lb-1234.abc"
    [record] = request_lines(caplog)
    line = as_json(record)
    assert set(line) == {
        "time", "level", "logger", "message", "request_id", "user_id", "method", "route",
        "status", "duration_ms",
    }  # fmt: skip
    assert {key: line[key] for key in sorted(line) if key not in ("time", "duration_ms")} == {
        "level": "INFO",
        "logger": "rubric.requests",
        "message": "GET my_interviews 200",
        "method": "GET",
        "request_id": "lb-1234.abc",
        "route": "my_interviews",
        "status": 200,
        "user_id": alice.pk,
    }
    assert 0 < line["duration_ms"] < 10_000
    assert alice.username not in json.dumps(line)


def test_an_id_is_made_when_none_or_a_strange_one_is_sent(client, caplog):
    caplog.set_level(logging.INFO, logger="rubric.requests")
    made = client.get("/healthz")["X-Request-ID"]
    refused = client.get("/healthz", headers={"X-Request-ID": "<script>"})["X-Request-ID"]
    assert (len(made), len(refused), made != refused) == (32, 32, True)
    assert [as_json(r)["request_id"] for r in request_lines(caplog)] == [made, refused]
    # Nobody is signed in, and the probe read no session to find out.
    assert [as_json(r)["user_id"] for r in request_lines(caplog)] == [None, None]


def test_a_calendar_feeds_secret_in_the_path_is_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="rubric.requests")
    client.get("/calendar/s3cret-token-abc.ics")
    [record] = request_lines(caplog)
    assert "s3cret" not in json.dumps(as_json(record))


def test_an_error_is_logged_with_its_traceback_in_the_same_format(client, alice, database, caplog):
    client.force_login(alice)
    client.raise_request_exception = False
    database.drop()
    response = client.get(reverse("my_interviews"), headers={"X-Request-ID": "req-9"})
    assert response.status_code == 503
    [error] = [r for r in caplog.records if r.name == "django.request"]
    line = as_json(error)
    assert (line["level"], line["request_id"]) == ("ERROR", "req-9")
    assert line["traceback"].startswith("Traceback (most recent call last):")
    assert line["traceback"].endswith(
        "django.db.utils.OperationalError: server closed the connection unexpectedly"
    )
    [request] = request_lines(caplog)
    assert (as_json(request)["status"], as_json(request)["request_id"]) == (503, "req-9")
