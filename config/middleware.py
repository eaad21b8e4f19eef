"""Request and response rules every view shares, so no view can forget them."""

import logging
import time

from django.contrib.auth import SESSION_KEY
from django.core.exceptions import BadRequest, SuspiciousOperation, ValidationError
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control

from . import errors, limits

logger = logging.getLogger(__name__)

# What reading a request's body can raise when the body is malformed.
UNREADABLE_BODY = (BadRequest, MultiPartParserError, SuspiciousOperation, UnreadablePostError)
# Query-string keys whose value is a link, not a search term or a filter.
LINK_PARAMETERS = {"next"}


class MalformedRequestMiddleware:
    """Answer 400 through the app's error page, before any view runs, when the query string
    has control characters (NUL breaks PostgreSQL) or overlong values, or when the body cannot
    be decoded (a charset other than UTF-8, broken multipart, too big). Django raises those
    lazily, wherever request.GET or request.POST is first read, and its own error reporting
    reads the body again and fails a second time: here they are read once, up front."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            self.check_query_string(request)
        except ValidationError as error:
            return errors.bad_request(request, error)
        except SuspiciousOperation as error:  # too many fields
            logger.warning("Refused a query string: %s", error)
            return errors.bad_request(request, error)
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (parsed here so that a failure is answered here)
            except UNREADABLE_BODY as error:
                logger.warning("Refused a request body: %s", error)
                # Later readers (error reporting included) see an empty form, not the error.
                request._mark_post_parse_error()
                return errors.bad_request(request, error)
        return self.get_response(request)

    @staticmethod
    def check_query_string(request):
        for key, values in request.GET.lists():
            limits.check_text(key, limit=limits.SEARCH, what="A query-string parameter's name")
            limit = limits.URL if key in LINK_PARAMETERS else limits.SEARCH
            for value in values:
                limits.check_text(value, limit=limit, what=f"The query parameter “{key[:40]}”")


class PrivateCacheMiddleware:
    """Nothing shown to a signed-in user may be kept by a shared cache, and nothing at all
    may be stored, on any cache or disk, since almost every page carries candidates' or
    scorecards' data: every signed-in response is `private, no-store`. A view that sets its
    own Cache-Control keeps it, made private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            else:
                patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """A signed-in session ends after SESSION_COOKIE_AGE without a request. Rather than
    saving the session on every request (a database write on every page), the expiry is moved
    on when the session was last saved a minute or more ago: a session may end up to a minute
    early, and a page that changes nothing writes nothing."""

    REFRESHED = "refreshed_at"
    INTERVAL = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(self.REFRESHED, 0) >= self.INTERVAL:
                session[self.REFRESHED] = now
        return self.get_response(request)
