"""Errors to Sentry when SENTRY_DSN is set, and nothing personal with them.

What an error event keeps: the exception's type, its stack (file, function, line; no local
variables, whose values may be a candidate's name or a note), the request's method and path,
and the user's id. What it loses: the request's body, query string, cookies and headers, the
user's name and email, breadcrumbs' data, and any email address in a message.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

# What of an event's request survives: enough to find the route, nothing a user typed.
REQUEST_KEPT = ("method", "url")
OFF = {"mode": "off"}
EMAIL = re.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:]+")


def start(dsn: str, *, environment: str, release: str = "", transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        # Collect nothing personal in the first place; `scrub` is the second guard.
        data_collection={
            "user_info": False,
            "cookies": OFF,
            "http_headers": {"request": OFF},
            "http_bodies": [],
            "url_query_params": OFF,
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        traces_sample_rate=0,
        before_send=scrub,
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )


def scrub(event, hint):
    request = event.get("request")
    if request:
        event["request"] = {key: request[key] for key in REQUEST_KEPT if key in request}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in event.get("exception", {}).get("values", []):
        if exception.get("value"):
            exception["value"] = without_emails(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    if isinstance(event.get("logentry"), dict):
        event["logentry"] = {
            "message": without_emails(str(event["logentry"].get("message", ""))),
        }
    if event.get("message"):
        event["message"] = without_emails(str(event["message"]))
    event.pop("extra", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [
            scrub_breadcrumb(crumb, None) for crumb in breadcrumbs.get("values", [])
        ]
    return event


def scrub_breadcrumb(crumb, hint):
    crumb.pop("data", None)
    if crumb.get("message"):
        crumb["message"] = without_emails(str(crumb["message"]))
    return crumb


def without_emails(text: str) -> str:
    return EMAIL.sub("[email]", text)
