"""Browser tests drive Debian's Chromium through Playwright against live_server."""

import contextlib
import os
import shutil
import threading
import time

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from playwright.sync_api import TimeoutError as PlaywrightTimeout

# Playwright's sync API runs an event loop in this thread; the ORM calls in tests are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# A browser step that times out (a wait for a request, a click on an element that never came)
# is run once more: on a loaded two-core machine Chromium can miss a 10 s deadline. A failed
# assertion, or a second time-out, still fails the test.
ONCE_MORE_ON_TIMEOUT = pytest.mark.flaky(reruns=1, only_rerun=[PlaywrightTimeout])


def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if "tests/browser" in str(item.path)]
    for item in browser_tests:
        item.add_marker(ONCE_MORE_ON_TIMEOUT)
    if os.path.exists(CHROMIUM) or os.environ.get("CI"):
        return  # in CI a missing browser must fail, not skip
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    for item in browser_tests:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class TrackedServer(ThreadedWSGIServer):
    """live_server, counting the requests it is handling, so that a test's end can wait for
    them: closing a page does not stop a request the server has begun (a last autosave),
    and emptying the database under it would deadlock on PostgreSQL or lose its rows.

    On SQLite its threads share the test's one connection to an in-memory database, so two
    requests at once (two tabs, a keepalive) would interleave their transactions on it:
    there each runs alone. Real concurrency is tested against a server over a SQLite file in
    scoring/tests/test_concurrent_saves.py."""

    one_at_a_time = threading.Lock()
    handling = threading.Condition()
    in_flight = 0

    def set_app(self, application):
        serial = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

        def tracked(environ, start_response):
            with TrackedServer.handling:
                TrackedServer.in_flight += 1
            try:
                with self.one_at_a_time if serial else contextlib.nullcontext():
                    return application(environ, start_response)
            finally:
                with TrackedServer.handling:
                    TrackedServer.in_flight -= 1
                    TrackedServer.handling.notify_all()

        super().set_app(tracked)

    @classmethod
    def wait_until_idle(cls, timeout=10):
        """Wait until no request has been in flight for a moment (one sent as a page closed
        may reach the server just after)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with cls.handling:
                cls.handling.wait_for(lambda: cls.in_flight == 0, deadline - time.monotonic())
            time.sleep(0.1)
            if cls.in_flight == 0:
                return


@pytest.fixture(scope="session", autouse=True)
def tracked_live_server():
    original, LiveServerThread.server_class = LiveServerThread.server_class, TrackedServer
    yield
    LiveServerThread.server_class = original


@pytest.fixture
def log_in(live_server, page):
    """Log in through the login form, as a person would."""

    def log_in_as(user, password="secret"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return log_in_as


@pytest.fixture
def go_offline():
    """Switch a page's browser context offline, and wait until the page knows it: under
    load, a save sent right after the switch could otherwise still leave."""

    def switch_off(page):
        page.context.set_offline(True)
        page.wait_for_function("!navigator.onLine")

    return switch_off


@pytest.fixture
def page_for(transactional_db, live_server, browser):
    """A page in a browser context of its own, already logged in as `user`. Asking for the
    database first makes the pages close, and the server finish what they sent, before the
    database is emptied after the test, so that no request is still running against it then."""
    contexts = []

    def new_page(user, **context_options):
        """`context_options` go to the browser context: a viewport, has_touch, bypass_csp."""
        client = Client()
        client.force_login(user)
        # Without animations a dialog is open, or closed, as soon as it is asked to be.
        context = browser.new_context(
            base_url=live_server.url, reduced_motion="reduce", **context_options
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        context.set_default_timeout(10000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()
    TrackedServer.wait_until_idle()
