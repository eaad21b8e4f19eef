"""`make deploy-check`: Rubric as deployed, under load and through failures, on this machine.

Starts its own PostgreSQL cluster and Redis (never the machine's: it restarts its database),
a local SMTP sink, two gunicorn processes on two ports and one task worker; drives simulated
interviewers saving answers across both processes, and a hiring manager scheduling interviews
through the API (which queues invitations); kills one app process and restarts PostgreSQL
during the run. Then asserts: every save answered 200 is in the database, once; no response
was a 500 (503s are allowed while the database is away); every email queued was delivered
once to the sink; /readyz went unready and ready again. Prints a table, exits 1 on a failure.
Not in CI (it takes a few minutes)."""

import contextlib
import glob
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DURATION = int(os.environ.get("CHECK_SECONDS", 60))
INTERVIEWERS = int(os.environ.get("CHECK_INTERVIEWERS", 50))
KILL_AT, RESTART_AT = DURATION * 0.25, DURATION * 0.5


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise SystemExit(f"deploy-check: {what} did not happen within {seconds} s")


class Sink:
    """The SMTP server the worker sends to: every message, as (recipient, subject)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        for recipient in envelope.rcpt_tos:
            self.messages.append((recipient, str(message["Subject"])))
        return "250 OK"


class Postgres:
    """A throwaway cluster owned by the postgres user, on a port of its own."""

    def __init__(self, directory):
        [self.bin] = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1:]
        self.data = directory / "pg"
        self.port = free_port()
        self.data.mkdir()
        shutil.chown(self.data, "postgres", "postgres")
        self.as_postgres(f"{self.bin}/initdb", "-A", "trust", "-U", "postgres", "-D", self.data)

    def as_postgres(self, *command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def pg_ctl(self, *action):
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        self.as_postgres(
            f"{self.bin}/pg_ctl", "-D", self.data, "-o", options, "-l", self.data / "log", "-w",
            *action,
        )  # fmt: skip

    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/rubric_check"


def main():
    work = Path(tempfile.mkdtemp(prefix="rubric-deploy-check-"))
    os.chmod(work, 0o755)
    processes = []
    postgres = None
    try:
        postgres = Postgres(work)
        postgres.pg_ctl("start")
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres",
             "rubric_check"], check=True,
        )  # fmt: skip
        redis_port = free_port()
        processes.append(
            subprocess.Popen(
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        sink = Sink()
        smtp_port = free_port()
        smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "deploy-check-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": postgres.url(),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DJANGO_TASK_BACKEND": "database",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp_port),
            "DJANGO_EMAIL_USE_TLS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "GUNICORN_WORKERS": "2",
        }

        def manage(*args, **extra):
            return subprocess.run(
                [PYTHON, "manage.py", *args], cwd=ROOT, env={**env, **extra}, check=True,
                capture_output=True, text=True,
            ).stdout  # fmt: skip

        print("deploy-check: migrating and making the data…", flush=True)
        manage("migrate", "--no-input")
        manage("collectstatic", "--no-input")
        script = (ROOT / "deploy" / "check_data.py").read_text()
        data = json.loads(manage("shell", "-c", script, CHECK_STEP="setup").splitlines()[-1])

        ports = [free_port(), free_port()]
        apps = {}
        for port in ports:
            metrics = work / f"metrics-{port}"
            apps[port] = subprocess.Popen(
                [GUNICORN, "-c", "deploy/gunicorn.conf.py"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                     "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                stdout=subprocess.DEVNULL, stderr=open(work / f"gunicorn-{port}.log", "w"),  # noqa: SIM115 (the process keeps it)
                start_new_session=True,
            )  # fmt: skip
            processes.append(apps[port])
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "run_worker", "--no-reload", "--interval", "0.5"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=open(work / "worker.log", "w"),  # noqa: SIM115 (the process keeps it)
            start_new_session=True,
        )  # fmt: skip
        processes.append(worker)

        def ready(port):
            try:
                return requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).ok
            except requests.RequestException:
                return False

        wait_for(lambda: all(ready(port) for port in ports), 60, "/readyz on both processes")
        print(f"deploy-check: {DURATION} s of load on ports {ports}…", flush=True)
        result = run_load(data, ports, apps, postgres)
        print("deploy-check: waiting for the queue to drain…", flush=True)
        verified = drain(manage, script, sink)
        return report(result, verified, sink)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if postgres is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                postgres.pg_ctl("stop", "-m", "fast")
        shutil.rmtree(work, ignore_errors=True)


class Load:
    def __init__(self, ports):
        self.alive = list(ports)
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.acked = {}  # "username:question" -> last notes answered 200
        self.sent = {}  # "username:question" -> every notes sent
        self.readyz = []  # (seconds, status)
        self.scheduled = 0
        self.stop = threading.Event()

    def post(self, session, path, method="POST", **kwargs):
        """Send until answered other than 503 or a lost connection, to any live process, as
        the page's queue and a load balancer do (for up to 30 s once the run is over). The
        final response, or None."""
        deadline = None
        while True:
            if self.stop.is_set():
                deadline = deadline or time.monotonic() + 30
                if time.monotonic() > deadline:
                    return None
            url = f"http://127.0.0.1:{random.choice(self.alive)}{path}"
            try:
                response = session.request(method, url, timeout=15, **kwargs)
            except requests.ConnectionError:
                with self.lock:
                    self.statuses["connection lost"] += 1
                time.sleep(0.2)
                continue
            with self.lock:
                self.statuses[response.status_code] += 1
            if response.status_code != 503:
                return response
            time.sleep(float(response.headers.get("Retry-After", 1)) / 5)


def interviewer(load, data, person):
    session = requests.Session()
    session.cookies.set("sessionid", person["session"])
    session.cookies.set("csrftoken", data["csrf"])
    session.headers.update({"X-CSRFToken": data["csrf"], "Accept": "application/json"})
    version = 0
    while not load.stop.is_set():
        question = random.choice(person["questions"])
        key = f"{person['username']}:{question}"
        version += 1
        notes = f"note {version}"
        load.sent.setdefault(key, []).append(notes)
        path = f"/interviews/{person['interview']}/live/questions/{question}/"
        response = load.post(session, path, data={"notes": notes, "version": version})
        if response is not None and response.status_code == 200:
            load.acked[key] = notes
        time.sleep(random.uniform(0.3, 0.8))


def manager(load, data):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {data['token']}"
    for candidate, person in zip(data["candidates"], data["interviewers"] * 4, strict=False):
        if load.stop.is_set():
            return
        body = {
            "candidate": candidate,
            "question_set": data["question_set"],
            "scheduled_at": "2031-01-01T10:00:00Z",
            "interviewers": [person["username"]],
            "questions": data["bank_questions"],
        }
        response = load.post(session, "/api/v1/interviews/", json=body)
        if response is not None and response.status_code == 201:
            load.scheduled += 1
        time.sleep(1)


def restart(postgres):
    """Down for three seconds, as a restart with a checkpoint to write is."""
    postgres.pg_ctl("stop", "-m", "fast")
    time.sleep(3)
    postgres.pg_ctl("start")


def run_load(data, ports, apps, postgres):
    load = Load(ports)
    threads = [
        threading.Thread(target=interviewer, args=(load, data, person), daemon=True)
        for person in data["interviewers"]
    ]
    threads.append(threading.Thread(target=manager, args=(load, data), daemon=True))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    killed = restarted = False
    survivor = ports[1]
    while time.monotonic() - started < DURATION:
        elapsed = time.monotonic() - started
        try:
            status = requests.get(f"http://127.0.0.1:{survivor}/readyz", timeout=2).status_code
        except requests.RequestException:
            status = "no answer"
        load.readyz.append((round(elapsed, 1), status))
        if not killed and elapsed >= KILL_AT:
            with load.lock:
                load.alive.remove(ports[0])  # the load balancer's health check notices
            os.killpg(apps[ports[0]].pid, signal.SIGKILL)
            killed = True
            print(f"deploy-check: killed the app process on {ports[0]} at {elapsed:.0f} s")
        if not restarted and elapsed >= RESTART_AT:
            print(f"deploy-check: restarting PostgreSQL at {elapsed:.0f} s", flush=True)
            restarted = threading.Thread(target=restart, args=(postgres,))
            restarted.start()
        time.sleep(0.5)
    load.stop.set()
    if restarted:
        restarted.join()
    for thread in threads:
        thread.join(timeout=30)
    return load


def drain(manage, script, sink):
    """Wait until every queued email is sent (the timer's send_reminders retries one whose
    task the restart interrupted); what the database holds then."""
    deadline = time.monotonic() + 120
    reminded = False
    while True:
        verified = json.loads(manage("shell", "-c", script, CHECK_STEP="verify").splitlines()[-1])
        unsent = [email for email in verified["emails"] if not email[2]]
        if not unsent or time.monotonic() > deadline:
            return verified
        if not reminded and time.monotonic() > deadline - 90:
            manage("send_reminders")  # what deploy/rubric-reminders.timer runs
            reminded = True
        time.sleep(2)


def report(load, verified, sink):
    lost = [
        key for key, notes in load.acked.items() if notes not in verified["ratings"].get(key, [])
    ]
    # A later change than the last acknowledged may be stored (its answer was lost): fine.
    stale = [
        key for key, notes in load.acked.items()
        if verified["ratings"].get(key, [None])[0] in load.sent[key]
        and load.sent[key].index(verified["ratings"][key][0]) < load.sent[key].index(notes)
    ]  # fmt: skip
    duplicated = [key for key, rows in verified["ratings"].items() if len(rows) != 1]
    queued = Counter((to, subject) for to, subject, _ in verified["emails"])
    delivered = Counter(sink.messages)
    statuses = [status for _, status in load.readyz]
    unready_then_ready = any(
        status != 200 and 200 in statuses[:i] and 200 in statuses[i:]
        for i, status in enumerate(statuses)
    )
    saves = sum(count for status, count in load.statuses.items() if status == 200)
    checks = [
        ("saves answered 200", f"{len(load.acked)} fields, {saves} responses", True),
        ("saves answered 200 missing from the database", len(lost), not lost),
        ("fields older in the database than answered", len(stale), not stale),
        ("fields stored more than once", len(duplicated), not duplicated),
        ("responses that were 500", load.statuses.get(500, 0), not load.statuses.get(500)),
        ("responses that were 503 (allowed)", load.statuses.get(503, 0), True),
        ("connections lost (allowed)", load.statuses.get("connection lost", 0), True),
        ("interviews scheduled through the API", load.scheduled, load.scheduled > 0),
        ("emails queued", sum(queued.values()), sum(queued.values()) > 0),
        ("emails not delivered", sum((queued - delivered).values()), queued <= delivered),
        ("emails delivered more than once", sum((delivered - queued).values()),
         not delivered - queued),
        ("/readyz went unready and ready again", unready_then_ready, unready_then_ready),
    ]  # fmt: skip
    other = {s: n for s, n in load.statuses.items() if s not in (200, 201, 503, "connection lost")}
    checks.append(("other responses", other or "none", not other))
    width = max(len(name) for name, _, _ in checks)
    print(f"\n| {'check'.ljust(width)} | value | ok |\n|{'-' * (width + 2)}|---|---|")
    for name, value, ok in checks:
        print(f"| {name.ljust(width)} | {value} | {'yes' if ok else 'NO'} |")
    failed = [name for name, _, ok in checks if not ok]
    print(f"\ndeploy-check: {'FAILED: ' + ', '.join(failed) if failed else 'passed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
