"""Every request's log line and metrics, and its id."""

import logging
import re
import time
import uuid

from django.urls import resolve
from django.utils.functional import SimpleLazyObject, empty

from . import logs, metrics, views

logger = logging.getLogger("rubric.requests")

# An id from the load balancer is kept when it looks like one (it is echoed and logged).
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def user_id_of(request):
    """The signed-in user's id, if something in answering the request looked the user up:
    looking it up here would read the session of probes that must not touch it."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


def route_of(request):
    match = getattr(request, "resolver_match", None)
    return (match.view_name if match else "") or ""


class RequestRecordMiddleware:
    """Outermost: takes the request id from X-Request-ID (or makes one) and sends it back, and
    after the response logs one line (user id, never a name; the route's name, never the path,
    which can hold a calendar feed's secret) and counts it in the metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request.id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = logs.request_id.set(request.id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            duration = time.perf_counter() - started
            route = route_of(request)
            fields = {
                "user_id": user_id_of(request),
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(duration * 1000, 1),
            }
            level = logging.ERROR if response.status_code >= 500 else logging.INFO
            logger.log(
                level, "%s %s %s", request.method, route or "-", response.status_code, extra=fields
            )
            metrics.record_request(
                route=route, method=request.method, status=response.status_code, seconds=duration
            )
            return response
        finally:
            logs.request_id.reset(token)


class ProbeMiddleware:
    """The orchestrator probes each process by its own address, over plain HTTP, and a scraper
    may too: their URLs are answered here, before the host check (ALLOWED_HOSTS) and the
    redirect to HTTPS, and before anything reads a session."""

    PROBES = {
        "/healthz": views.healthz,
        "/readyz": views.readyz,
        "/metrics": views.prometheus_metrics,
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.PROBES.get(request.path_info)
        if view is None:
            return self.get_response(request)
        request.resolver_match = resolve(request.path_info)
        return view(request)
