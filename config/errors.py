"""The app's own error pages: the reason the app gave, navigation when the user is known, and a
way back. Wired as handler400/403/404/500 in config/urls.py and as the CSRF failure view."""

import logging
import sys

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
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


def outage_errors():
    """What a request raises when the database or the cache does not answer."""
    errors = [OperationalError, InterfaceError]
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover (redis is a requirement)
        pass
    else:
        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    return tuple(errors)


OUTAGE_ERRORS = outage_errors()
UNAVAILABLE = "The server is unavailable for a moment. Nothing was saved: try again shortly."


def service_unavailable(request):
    """503 with Retry-After: the client may try again, and the live page's queue does."""
    if request.path.startswith("/api/"):  # the API's errors are {"detail": …}
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    elif "application/json" in request.headers.get("Accept", ""):  # the live page's saves
        response = JsonResponse({"error": UNAVAILABLE}, status=503)
    else:
        # Without the request, as the 500 page: nothing may read the database or the cache.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # Django calls this while handling the exception: an outage of the database or the cache
    # is a 503 the client can ride out, not a 500, wherever in the request it was raised.
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return service_unavailable(request)
    # Rendered without the request: no context processors, so nothing reads the session or
    # the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
