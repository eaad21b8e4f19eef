"""Run in a subprocess per database and size, with the benchmark's environment: migrate an
empty database, generate the data, and count each page's queries in-process. Prints one JSON
object: the addresses from bench/data.py and the query counts.

Queries are counted as the suite's autosave test counts them, without the transaction's
BEGIN and COMMIT and the session's save (once a minute, on whichever request comes), and
for the autosave, a save like every later one (the first also starts the scorecard)."""

import json
import resource
import sys
import time

import django

TRANSACTION = ("BEGIN", "COMMIT")
# The session is saved at most once a minute (IdleSessionMiddleware), on whichever request
# comes a minute after the last save: at N = 50,000, after the answers CSV's long requests,
# that may be a counted one. Not the page's query.
SESSION_SAVE = 'UPDATE "django_session"'


def main(size: int) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import CURATOR, INTERVIEWERS, MANAGER, data
    from bench.pages import pages

    started = time.monotonic()
    call_command("migrate", "--no-input", "-v", "0")
    addresses = data.generate(size)
    generated = time.monotonic() - started
    if connection.vendor == "postgresql":
        # Autovacuum would gather statistics after a bulk load and mark the pages all-visible
        # (what an index-only scan needs to skip the table); this machine runs without it.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    vacuumed = time.monotonic() - started - generated
    # The generator's peak memory, before any page is requested (ru_maxrss is in KB).
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clients = {None: Client(HTTP_HOST="127.0.0.1")}
    users = (("manager", MANAGER), ("interviewer", INTERVIEWERS[0]), ("curator", CURATOR))
    for who, username in users:
        clients[who] = Client(HTTP_HOST="127.0.0.1")
        clients[who].force_login(User.objects.get(username=username))
        clients[who].get("/accounts/login/", secure=True)  # the session's first save
    queries = {}
    for page in pages(addresses):
        client = clients[page.get("who", "manager")]
        send = client.post if page.get("method") == "POST" else client.get
        # Counted on the second request, as the timed ones run: after a first autosave
        # made the draft, and a first page view filled the cache (scoring/figures.py).
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = send(
                    page["path"], page.get("data"), secure=True, HTTP_ACCEPT="application/json"
                )
                if response.streaming:
                    for _ in response.streaming_content:  # read, not kept
                        pass
            if response.status_code != 200:
                raise SystemExit(f"{page['name']}: {page['path']} answered {response.status_code}")
        queries[page["name"]] = sum(
            not query["sql"].startswith((*TRANSACTION, SESSION_SAVE))
            for query in captured.captured_queries
        )
    json.dump(
        {
            "addresses": addresses,
            "queries": queries,
            "generated": generated,
            "vacuumed": vacuumed,
            "generator_peak_mb": peak_mb,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
