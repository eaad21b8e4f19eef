"""The app's own error pages: the reason the app gave, navigation when the user is known, and a
way back. Wired as handler400/403/404/500 in config/urls.py and as the CSRF failure view."""

import logging

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import HttpResponseServerError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger(__name__)

GENERIC_400 = "The request could not be read. Go back and try again."
GENERIC_403 = "Your account may not open this page."
# Django's messages for these name settings; these say the same to a person.
UNREADABLE = {
    RequestDataTooBig: "This request is too big to read.",
    TooManyFieldsSent: "This request has too many fields to read.",
    TooManyFilesSent: "This request has too many files to read.",
    MultiPartParserError: "This form's data arrived broken. Go back and send it again.",
}


def reason_of(exception, *, own_types, default):
    """The message the app put in `exception`, if it is one of ours; `default` otherwise,
    since Django's own messages can name internals (hosts, settings, sizes)."""
    if type(exception) in own_types:
        if isinstance(exception, ValidationError):
            return " ".join(exception.messages)
        return str(exception) or default
    return default


def error_page(request, status, *, title, reason):
    return render(request, f"{status}.html", {"title": title, "reason": reason}, status=status)


def bad_request(request, exception=None):
    default = UNREADABLE.get(type(exception), GENERIC_400)
    reason = reason_of(exception, own_types={BadRequest, ValidationError}, default=default)
    return error_page(request, 400, title="Bad request", reason=reason)


def permission_denied(request, exception=None):
    reason = reason_of(exception, own_types={PermissionDenied}, default=GENERIC_403)
    return error_page(request, 403, title="Not allowed", reason=reason)


def page_not_found(request, exception=None):
    # Http404's messages name models ("No Candidate matches…"): never shown.
    return error_page(
        request,
        404,
        title="Page not found",
        reason="There is no such page, or it is not one your account may open.",
    )


def csrf_failure(request, reason=""):
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return error_page(
        request,
        403,
        title="Form expired",
        reason="This form was open too long or cookies are blocked. Reload the page and try "
        "again.",
    )


def server_error(request):
    # Rendered without the request: no context processors, so nothing reads the session or
    # the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
