"""Two interviewers saving at once, 30 parallel saves each, against a real threaded server:
every save is answered 200 and the later version of every field is what is stored.

The server is gunicorn in a subprocess: on SQLite over a file made for the test (the test
database is in memory, shared by live_server's threads over one connection, so it would not
show file locking); on PostgreSQL over the test database."""

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "c" * 32  # an unmasked secret, sent as both cookie and header
SAVES_EACH = 30


def make_world() -> dict:
    """Two interviewers logged in, and their interview; run in the server's database."""
    from interviews.tests.factories import interviewer_user, planned_interview

    ann, ben = interviewer_user("ann"), interviewer_user("ben")
    interview = planned_interview(interviewers=[ann, ben], questions=3, points=2)
    sessions = []
    for user in (ann, ben):
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    questions = interview.questions.order_by("position").prefetch_related("points")
    return {
        "sessions": sessions,
        "urls": [reverse("save_answer", args=[interview.pk, q.pk]) for q in questions],
        "points": [[p.pk for p in q.points.all()] for q in questions],
    }


def create_roles() -> None:
    """The roles' groups, which a migration makes and a transactional test's flush takes away."""
    import_module("questions.migrations.0002_roles").create_roles(apps, None)


def stored_answers() -> list:
    from scoring.models import Rating

    return sorted(
        [
            rating.scorecard.interviewer.username,
            rating.interview_question.position,
            rating.score,
            rating.notes,
            sorted(rating.marks.values_list("point_id", "mark")),
        ]
        for rating in Rating.objects.select_related("scorecard__interviewer", "interview_question")
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SaveServer:
    """gunicorn with 16 threads over `database_url`, as in production."""

    def __init__(self, database_url):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        self.cwd = settings.BASE_DIR

    def start(self):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, "config.wsgi", "-b", f"127.0.0.1:{port}", "-k", "gthread"]
            + ["--threads", "16", "--log-level", "warning"],
            cwd=self.cwd,
            env=self.env,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)

    def run(self, args):
        return subprocess.run(
            [sys.executable, *args], cwd=self.cwd, env=self.env, check=True, capture_output=True
        ).stdout

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class SqliteFileServer(SaveServer):
    """Over a SQLite file made for the test, a copy of the test database's schema (copying
    is much faster than migrating afresh); its data is made and read in a subprocess too."""

    def __init__(self, directory):
        path = directory / "rubric.sqlite3"
        super().__init__(f"sqlite:///{path}")
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        self.call("create_roles")
        self.start()

    def call(self, function):
        code = (
            "import django, json; django.setup(); "
            "from scoring.tests import test_concurrent_saves as t; "
            f"print(json.dumps(t.{function}()))"
        )
        # The last line: scheduling in the subprocess may print its invitations first.
        return json.loads(self.run(["-c", code]).splitlines()[-1])


class PostgresServer(SaveServer):
    """Over the test database itself, whose rows a transactional test commits."""

    def __init__(self):
        db = connection.settings_dict
        super().__init__(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        )
        create_roles()
        self.start()

    def call(self, function):
        return globals()[function]()


@pytest.fixture
def server(tmp_path):
    server = SqliteFileServer(tmp_path) if connection.vendor == "sqlite" else PostgresServer()
    yield server
    server.close()


def post(server, session, url, data):
    request = urllib.request.Request(
        server.url + url,
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Accept": "application/json",
            "X-CSRFToken": CSRF,
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_interviewers_saving_in_parallel_get_only_200s(server):
    world = server.call("make_world")
    changes, expected = [], {}
    for who, session in zip(("ann", "ben"), world["sessions"], strict=True):
        for version in range(1, SAVES_EACH + 1):
            question = version % 3
            url, points = world["urls"][question], world["points"][question]
            kind = version % 4
            if kind == 0:
                data = {"score": str(version % 4 + 1)}
            elif kind in (1, 2):
                data = {"notes": f"{who} note {version}"}
            else:
                data = {f"mark-{points[version % 2]}": str(version % 3)}
            changes.append((session, url, data | {"version": str(version)}))
            for field, value in data.items():
                expected[(who, question + 1, field)] = value
    random.Random(8).shuffle(changes)

    with ThreadPoolExecutor(max_workers=len(changes)) as pool:
        statuses = list(pool.map(lambda change: post(server, *change), changes))

    assert statuses == [200] * len(changes)
    # Whatever the order they arrived in, the latest version of each field is the one stored.
    answers = {}
    for who, position, score, notes, marks in server.call("stored_answers"):
        answers[(who, position, "score")] = None if score is None else str(score)
        answers[(who, position, "notes")] = notes
        for point, mark in marks:
            answers[(who, position, f"mark-{point}")] = str(mark)
    assert {key: answers.get(key) for key in expected} == expected
