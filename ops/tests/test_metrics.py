"""/metrics: refused unless from DJANGO_METRICS_ALLOWED_IPS or with DJANGO_METRICS_TOKEN; request
counts and latency per route, autosave outcomes, the task queue and scorecards submitted."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from notifications.tasks import send_email
from scoring.models import Scorecard
from scoring.tests.factories import write_scorecard
from scoring.tests.live_saves import JSON, questions, save_url

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-0123456789"


def samples(response):
    """Every sample as {(name, sorted labels): value}."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN
    return lambda: samples(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))


def test_metrics_are_refused_by_default(client, alice, superuser):
    for user in (None, alice, superuser):
        if user:
            client.force_login(user)
        response = client.get("/metrics")
        assert (response.status_code, response.text) == (
            403,
            "Metrics are only for DJANGO_METRICS_ALLOWED_IPS or DJANGO_METRICS_TOKEN.\n",
        )


def test_the_token_opens_metrics_and_a_wrong_one_does_not(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    for wrong in (f"Bearer {TOKEN}x", TOKEN, "Bearer ", ""):
        assert client.get("/metrics", headers={"Authorization": wrong}).status_code == 403


def test_no_token_configured_opens_nothing(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_allowed_addresses_and_networks(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "192.168.1.5"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.5").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.6").status_code == 403
    # Without proxies configured, a client cannot choose its address with X-Forwarded-For.
    forged = {"X-Forwarded-For": "10.1.2.3"}
    assert client.get("/metrics", REMOTE_ADDR="8.8.8.8", headers=forged).status_code == 403


def test_behind_a_proxy_the_address_it_saw_counts(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.7"]
    settings.AXES_IPWARE_PROXY_COUNT = 1
    seen = {"X-Forwarded-For": "1.2.3.4, 10.0.0.7"}
    assert client.get("/metrics", REMOTE_ADDR="172.16.0.1", headers=seen).status_code == 200
    other = {"X-Forwarded-For": "10.0.0.7, 1.2.3.4"}
    assert client.get("/metrics", REMOTE_ADDR="172.16.0.1", headers=other).status_code == 403


def test_requests_and_autosaves_are_counted_per_route(client, scrape, interview, alice):
    client.force_login(alice)
    client.post(reverse("start_interview", args=[interview.pk]))
    question = questions(interview)[0]
    before = scrape()
    saved = ("rubric_autosaves_total", (("outcome", "saved"),))
    invalid = ("rubric_autosaves_total", (("outcome", "invalid"),))
    labels = (("method", "POST"), ("route", "save_answer"), ("status", "200"))
    route = ("rubric_http_requests_total", labels)
    latency = ("rubric_http_request_duration_seconds_count", (("route", "save_answer"),))
    client.post(save_url(interview, question), {"score": "3", "version": "1"}, headers=JSON)
    client.post(save_url(interview, question), {"score": "3", "version": "2"}, headers=JSON)
    client.post(save_url(interview, question), {"score": "9", "version": "3"}, headers=JSON)
    after = scrape()
    assert after[saved] - before.get(saved, 0) == 2
    assert after[invalid] - before.get(invalid, 0) == 1
    assert after[route] - before.get(route, 0) == 2
    assert after[latency] - before.get(latency, 0) == 3


def test_the_queue_and_submitted_scorecards_are_read_from_the_database(
    scrape, database_tasks, interview, alice
):
    send_email.enqueue(1)
    send_email.enqueue(2)
    DBTaskResult.objects.filter(pk=DBTaskResult.objects.first().pk).update(status="FAILED")
    write_scorecard(interview, alice, [3], summary="Hire.")
    metrics = scrape()
    assert {
        status: metrics[("rubric_tasks", (("status", status),))]
        for status in ("ready", "running", "failed", "successful")
    } == {  # fmt: skip
        "ready": 1,
        "running": 0,
        "failed": 1,
        "successful": 0,
    }
    assert Scorecard.objects.filter(submitted_at__isnull=False).count() == 1
    assert metrics[("rubric_scorecards_submitted_total", ())] == 1
