"""Prometheus metrics (the official client). Counters and histograms are per process; with
several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py) and /metrics
adds up every process's files. Queue depth and scorecards are read from the database when
scraped, so they are the same whichever process answers."""

import os

from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from scoring.models import Scorecard

REQUESTS = Counter(
    "rubric_http_requests", "Requests answered, by route name", ["route", "method", "status"]
)
LATENCY = Histogram(
    "rubric_http_request_duration_seconds",
    "Time to answer a request, by route name",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
AUTOSAVES = Counter("rubric_autosaves", "Answers saved from the live page or API", ["outcome"])

# The routes an interviewer's answer is saved through, and what their statuses mean.
AUTOSAVE_ROUTES = {"save_answer", "api_my_answer"}
AUTOSAVE_OUTCOMES = {
    200: "saved",
    302: "saved",
    400: "invalid",
    409: "refused",
    503: "unavailable",
}


def record_request(*, route, method, status, seconds):
    label = route or "-"
    REQUESTS.labels(route=label, method=method, status=str(status)).inc()
    LATENCY.labels(route=label).observe(seconds)
    if route in AUTOSAVE_ROUTES and method in ("POST", "PATCH"):
        AUTOSAVES.labels(outcome=AUTOSAVE_OUTCOMES.get(status, "other")).inc()


class DatabaseCollector:
    """Read when scraped: the task queue by status, and scorecards submitted."""

    def collect(self):
        tasks = GaugeMetricFamily("rubric_tasks", "Background tasks by status", labels=["status"])
        by_status = dict(
            DBTaskResult.objects.order_by().values_list("status").annotate(Count("id"))
        )
        for status in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
            tasks.add_metric([status.lower()], by_status.get(status, 0))
        yield tasks
        submitted = Scorecard.objects.filter(submitted_at__isnull=False).count()
        yield CounterMetricFamily(
            "rubric_scorecards_submitted", "Scorecards submitted", value=submitted
        )


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, LATENCY, AUTOSAVES):
            registry.register(collector)
    registry.register(DatabaseCollector())
    return generate_latest(registry)


CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
