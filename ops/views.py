"""Probes for the orchestrator and metrics for the dashboards: JSON or text, no login, no
session, no personal data, at most two queries each."""

import ipaddress
import secrets
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache as default_cache
from django.db import DatabaseError
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse, JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_tasks_db.backend import DatabaseBackend

from . import metrics
from .models import WorkerHeartbeat


def probe(view):
    return login_not_required(csrf_exempt(never_cache(require_GET(view))))


@probe
def healthz(request):
    """The process is up and answering: no database, no cache."""
    return JsonResponse({"status": "ok"})


@cache
def migrations_on_disk():
    """The latest migration of each app, as (app, name) with the migrations it replaces."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: loader.graph.nodes[key].replaces or [] for key in loader.graph.leaf_nodes()}


def check_database():
    """One query: the applied migrations ("unreachable" when the database does not answer)."""
    try:
        applied = set(MigrationRecorder.Migration.objects.values_list("app", "name"))
    except DatabaseError:
        return "unreachable"
    for leaf, replaces in migrations_on_disk().items():
        if leaf not in applied and not (replaces and set(map(tuple, replaces)) <= applied):
            return "migrations pending"
    return "ok"


def check_cache():
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return "not configured"
    try:
        default_cache.get("readyz")
    except Exception:  # whatever the cache's client raises when it cannot connect
        return "unreachable"
    return "ok"


def check_worker(database):
    if not isinstance(task_backends["default"], DatabaseBackend):
        return "not configured"
    if database != "ok":
        return "unknown"
    since = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS)
    try:
        seen = WorkerHeartbeat.objects.filter(seen_at__gte=since).exists()
    except DatabaseError:
        return "unreachable"
    return "ok" if seen else "not seen"


@probe
def readyz(request):
    """Ready for traffic: database reachable, migrations applied, cache reachable (when one is
    configured), a worker seen within WORKER_HEARTBEAT_SECONDS (with the database backend)."""
    database = check_database()
    checks = {"database": database, "cache": check_cache(), "worker": check_worker(database)}
    ready = all(value in ("ok", "not configured") for value in checks.values())
    response = JsonResponse({"status": "ready" if ready else "unready", "checks": checks})
    if not ready:
        response.status_code = 503
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind DJANGO_PROXY_COUNT proxies the address
    the first of them saw (the last ones in X-Forwarded-For are the proxies' own)."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def may_scrape(request):
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(allowed, strict=False)
        for allowed in settings.METRICS_ALLOWED_IPS
    )


@probe
def prometheus_metrics(request):
    if not may_scrape(request):
        return HttpResponse(
            "Metrics are only for DJANGO_METRICS_ALLOWED_IPS or DJANGO_METRICS_TOKEN.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
