"""`python -m bench [--sizes 50 500]` (or `make bench SIZES="50 500 50000"`): generate the
data at each size on SQLite (up to 5,000 candidates), and on PostgreSQL when DATABASE_URL
is set (in a database of that name with "bench" appended, emptied first), serve Rubric with
gunicorn in production settings, time the result pages against the login page in the same
run, print a table per database and write it into docs/performance.md between its markers
(`--no-write` leaves the file alone). Exits 1 when a target is missed."""

import argparse
import datetime
import gzip
import http.client
import json
import os
import platform
import re
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url

from bench import CURATOR, INTERVIEWERS, MANAGER, PASSWORD
from bench.pages import BOUNDED, pages

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LIVE_PAGE_BYTES = 100 * 1024  # issue 26
ANSWER_ROWS_PER_SECOND = 100_000  # issue 26
# An answers CSV without rows: the fixed cost of the request, taken off its time for the
# rate (at N = 50 it is most of it), the same view and queries on the set no one used.
EMPTY_ANSWERS = "/compare/answers.csv?set=backend-developer"
SQLITE_UP_TO = 5000  # larger sizes are for PostgreSQL: generating them on SQLite takes long
CSV_BOUNDED_UP_TO = 500  # the compare CSV holds all N rows: bounded by the login page up to here
AUTOSAVE_QUERIES = 8
MEMORY_GROWTH_MB = 25  # "flat": the worker's peak may grow this much from the smallest size
PERFORMANCE = ROOT / "docs" / "performance.md"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[50, 500])
    parser.add_argument("--repeat", type=int, default=9, help="timed requests per page")
    parser.add_argument(
        "--no-write",
        action="store_true",
        help=f"print the tables only; leave {PERFORMANCE.relative_to(ROOT)} as it is",
    )
    options = parser.parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The bench times pages, not enrolment: its manager has no second factor.
        "DJANGO_REQUIRE_2FA": "",
        "PYTHONPATH": str(ROOT),
    }
    run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"], env)
    databases = [("SQLite", None)]
    if os.environ.get("DATABASE_URL"):
        databases.append(("PostgreSQL", bench_postgres_url(os.environ["DATABASE_URL"])))
    missed = []
    for label, url in databases:
        sizes = options.sizes
        if not url and max(sizes) > SQLITE_UP_TO:
            sizes = [n for n in sizes if n <= SQLITE_UP_TO]
            skipped = ", ".join(f"{n:,}" for n in options.sizes if n > SQLITE_UP_TO)
            print(
                f"SQLite: N = {skipped} skipped; SQLite is benchmarked up to "
                f"{SQLITE_UP_TO:,} candidates, larger sizes on PostgreSQL (set DATABASE_URL).",
                file=sys.stderr,
                flush=True,
            )
            if not sizes:
                continue
        load_before = os.getloadavg()
        results = {}
        with tempfile.TemporaryDirectory(prefix="rubric-bench-") as scratch:
            for size in sizes:
                database = url or f"sqlite:///{scratch}/bench-{size}.sqlite3"
                if url:
                    recreate_postgres(url)
                print(f"{label}, N = {size}: generating…", file=sys.stderr, flush=True)
                prepared = json.loads(
                    run(
                        [PYTHON, "-m", "bench.prepare", str(size)],
                        {**env, "DATABASE_URL": database},
                    )
                )
                print(
                    f"{label}, N = {size}: generated in {prepared['generated']:.0f} s "
                    f"({prepared['generator_peak_mb']:.0f} MB at most); timing…",
                    file=sys.stderr,
                    flush=True,
                )
                results[size] = {
                    **prepared,
                    **measure(prepared["addresses"], {**env, "DATABASE_URL": database}, options),
                }
        table = results_table(results)
        print(f"\n### {label}\n\n{table}")
        database_missed = check(label, results)
        missed += database_missed
        if not options.no_write:
            about = run_description(
                label,
                url,
                sizes,
                sessions="cache" if env.get("REDIS_URL") else "database",
                load=(load_before, os.getloadavg()),
            )
            verdict = (
                "Missed targets:\n\n" + "\n".join(f"- {m}" for m in database_missed)
                if database_missed
                else "Every target met."
            )
            key = block_key(label, sizes)
            PERFORMANCE.write_text(
                replace_block(PERFORMANCE.read_text(), key, f"{about}\n\n{table}\n{verdict}")
            )
            print(f"Written to {PERFORMANCE.relative_to(ROOT)} ({key}).", file=sys.stderr)
    if missed:
        print("\nMissed targets:\n" + "\n".join(f"- {m}" for m in missed))
        sys.exit(1)
    print("\nEvery target met.")


def bench_postgres_url(url):
    """The benchmark's own database beside DATABASE_URL's: never the one in use."""
    config = dj_database_url.parse(url)
    return url.rsplit("/", 1)[0] + "/" + config["NAME"] + "bench"


def recreate_postgres(url):
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    connection.close()


def run(command, env):
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Plain HTTP to 127.0.0.1 with the cookies sent by hand: the production cookies are
    Secure, which a cookie jar would keep from a plain-HTTP server."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, data=None, headers=()):
        headers = {"Accept-Encoding": "gzip", **dict(headers)}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        started = time.perf_counter()
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        response.wire_bytes = len(content)
        if response.headers.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content, elapsed

    def sign_in(self, username):
        _, page, _ = self.request("GET", "/accounts/login/")
        response, _, _ = self.request(
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, **form_token(page)},
        )
        if response.status != 302:
            sys.exit(f"Signing in as {username} failed ({response.status}).")


def form_token(page):
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return {"csrfmiddlewaretoken": token.group(1).decode()} if token else {}


def measure(addresses, env, options):
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--workers=1",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--no-control-socket",
            "--timeout=600",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        browsers = {None: Browser(port)}
        browsers |= {who: Browser(port) for who in ("manager", "interviewer", "curator")}
        deadline = time.monotonic() + 30
        while True:
            try:
                browsers[None].request("GET", "/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("gunicorn did not start.")
                time.sleep(0.2)
        browsers["manager"].sign_in(MANAGER)
        browsers["interviewer"].sign_in(INTERVIEWERS[0])
        browsers["curator"].sign_in(CURATOR)
        measured = pages(addresses)
        live = next(p for p in measured if p["name"] == "live page")
        _, live_html, _ = browsers["interviewer"].request("GET", live["path"])
        csrf = {
            "X-CSRFToken": form_token(live_html)["csrfmiddlewaretoken"],
            "Accept": "application/json",
        }
        timings = {page["name"]: [] for page in measured}
        empty_csv = []
        # What the worker's memory grows by while it streams each answers CSV, over what it
        # held before (pages served earlier, calibration's above all, leave it larger).
        answers_peaks = []
        overall_peaks = []
        # The answers CSV takes seconds from N = 500 on: timed three times, or once past a
        # million answers.
        rounds_of_answers = options.repeat
        if addresses["answers"] > 20_000:
            rounds_of_answers = 3 if addresses["answers"] < 1_000_000 else 1
        for round_ in range(options.repeat + 1):  # the first round warms up
            response, _, elapsed = browsers["manager"].request("GET", EMPTY_ANSWERS)
            if response.status != 200:
                sys.exit(f"{EMPTY_ANSWERS} answered {response.status}")
            if round_:
                empty_csv.append(elapsed)
            for page in measured:
                if page["name"] == "answers CSV" and round_ > rounds_of_answers:
                    continue
                if page["name"] == "answers CSV":
                    # The peak so far is kept before it is reset for the export's own.
                    overall_peaks.append(worker_peak_mb(server.pid))
                    reset_worker_peak(server.pid)
                    resting = worker_peak_mb(server.pid, "VmRSS")
                browser = browsers[page.get("who", "manager")]
                response, content, elapsed = browser.request(
                    page.get("method", "GET"),
                    page["path"],
                    page.get("data"),
                    csrf if page.get("method") == "POST" else (),
                )
                if response.status != 200:
                    sys.exit(f"{page['name']}: {page['path']} answered {response.status}")
                if round_:
                    timings[page["name"]].append(elapsed)
                if page["name"] == "answers CSV" and resting:
                    answers_peaks.append(worker_peak_mb(server.pid) - resting)
        result = {"ms": {name: statistics.median(values) for name, values in timings.items()}}
        result["empty_csv_ms"] = statistics.median(empty_csv)
        result["live_bytes"], result["live_html"] = live_page_bytes(Browser(port), browsers, live)
        overall_peaks.append(worker_peak_mb(server.pid))
        known = [peak for peak in overall_peaks if peak]
        result["worker_peak_mb"] = max(known) if known else None
        result["answers_peak_mb"] = max(answers_peaks) if answers_peaks else None
        return result
    finally:
        server.terminate()
        server.wait()


def live_page_bytes(fresh, browsers, live):
    """Bytes over the wire for a first load of the live page: the page, gzipped, and each
    stylesheet, script and icon it links, as a browser asking for gzip would get them."""
    fresh.cookies = dict(browsers["interviewer"].cookies)
    response, page, _ = fresh.request("GET", live["path"])
    total = response.wire_bytes
    for asset in sorted(set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', page))):
        asset_response, _, _ = fresh.request("GET", asset.decode())
        total += asset_response.wire_bytes
    return total, len(page)


def reset_worker_peak(master):
    """Start the worker's peak memory (VmHWM) afresh, so the next reading is one request's:
    Linux resets it when 5 is written to the process's clear_refs."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        Path(f"/proc/{children[0]}/clear_refs").write_text("5")
    except (OSError, IndexError):
        pass


def worker_peak_mb(master, field="VmHWM"):
    """The peak resident memory of gunicorn's worker (VmHWM; or VmRSS, its present one), in
    MB."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
    except (OSError, IndexError):
        return None
    kilobytes = int(re.search(rf"{field}:\s+(\d+) kB", status).group(1))
    return kilobytes / 1024


def results_table(results):
    """The Markdown table of one database's run, and a line per size on the answers CSV,
    memory and the live page's weight."""
    sizes = sorted(results)
    lines = [
        "| page | " + " | ".join(f"N={n} ms | ×login | queries" for n in sizes) + " |",
        "|---|" + "---:|---:|---:|" * len(sizes),
    ]
    within = {
        page["name"]: page.get("within_ms") for page in pages(results[sizes[0]]["addresses"])
    }
    for name in results[sizes[0]]["ms"]:
        label = f"{name} (< {within[name]:,} ms)" if within.get(name) else name
        cells = []
        for n in sizes:
            ms = results[n]["ms"][name]
            login = results[n]["ms"]["login page"]
            cells += [f"{ms:,.1f}", f"{ms / login:.1f}", str(results[n]["queries"][name])]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for n in sizes:
        r = results[n]
        rows = r["addresses"]["answers"]
        peak = f"{r['worker_peak_mb']:.0f} MB" if r["worker_peak_mb"] else "unknown"
        if r.get("answers_peak_mb") is not None:
            peak += f", {r['answers_peak_mb']:.0f} MB more while streaming the answers CSV"
        vacuum = f", then VACUUM ANALYZE in {r['vacuumed']:.0f} s" if r["vacuumed"] >= 0.5 else ""
        lines.append(
            f"- N={n}: answers CSV {rows:,} rows in {r['ms']['answers CSV']:,.0f} ms, "
            f"{answer_rate(r):,.0f} rows/s net of the {r['empty_csv_ms']:.1f} ms an empty one "
            f"takes ({rows / (r['ms']['answers CSV'] / 1000):,.0f} rows/s gross); worker peak "
            f"memory {peak}; live page {r['live_bytes'] / 1024:.0f} KB over the wire with its "
            f"assets ({r['live_html'] / 1024:.0f} KB of HTML uncompressed); data generated in "
            f"{r['generated']:.0f} s with at most {r['generator_peak_mb']:.0f} MB{vacuum}"
        )
    return "\n".join(lines) + "\n"


def answer_rate(r):
    """The answers CSV's rows per second, net of the request's fixed cost: the time of an
    empty answers CSV (the same view, session and queries) is taken off."""
    streaming_ms = max(r["ms"]["answers CSV"] - r.get("empty_csv_ms", 0), 0.001)
    return r["addresses"]["answers"] / (streaming_ms / 1000)


def run_description(label, url, sizes, *, sessions, load):
    """One paragraph saying when, where and on what the tables were measured: a reader
    compares runs only on comparable machines and loads."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    version = postgres_version(url) if url else f"SQLite {sqlite3.sqlite_version}"
    before, after = (f"{one:.2f}" for one, _, _ in load)
    return (
        f"Measured {now} at commit `{commit or 'unknown'}` with "
        f"`python -m bench --sizes {' '.join(map(str, sizes))}`: {label} ({version}), "
        f"Python {platform.python_version()}, {machine()}, sessions in the {sessions}; "
        f"load average {before} when the {label} run started, {after} when it ended "
        f"({os.cpu_count()} CPUs)."
    )


def machine():
    """The processor and memory, from /proc where there is one."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        return platform.machine()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    memory = int(re.search(r"MemTotal:\s+(\d+) kB", meminfo).group(1)) / 1024**2
    return f"{model.group(1).strip() if model else platform.machine()}, {memory:.0f} GB of memory"


def postgres_version(url):
    import psycopg2

    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    connection.close()
    return f"PostgreSQL {version}"


def block_key(label, sizes):
    """The marker naming a table's place: one per database and set of sizes, so a run at
    N = 5,000 does not replace the default run's table."""
    return f"bench:{label.lower()} {' '.join(map(str, sorted(sizes)))}"


def replace_block(text, key, block):
    """`text` with what lies between `<!-- {key} -->` and the next `<!-- /bench -->` replaced
    by `block`; without those markers, the block is added at the end under its own heading.
    Everything outside the markers stays as it was."""
    start, end = f"<!-- {key} -->", "<!-- /bench -->"
    body = f"{start}\n{block.strip()}\n{end}"
    begin = text.find(start)
    if begin < 0:
        return f"{text.rstrip()}\n\n### {key.removeprefix('bench:')}\n\n{body}\n"
    finish = text.find(end, begin)
    if finish < 0:
        raise ValueError(f"{start} has no {end} after it")
    return text[:begin] + body + text[finish + len(end) :]


def check(label, results):
    missed = []
    sizes = sorted(results)
    for n in sizes:
        r = results[n]
        login = r["ms"]["login page"]
        for page in pages(r["addresses"]):
            ratio = r["ms"][page["name"]] / login
            if page.get("bounded") and ratio > BOUNDED:
                missed.append(f"{label}, N={n}: {page['name']} is {ratio:.1f}× the login page")
            if page.get("within_of"):
                other, times = page["within_of"]
                if r["ms"][page["name"]] > times * r["ms"][other]:
                    missed.append(
                        f"{label}, N={n}: {page['name']} is "
                        f"{r['ms'][page['name']] / r['ms'][other]:.1f}× the {other}"
                    )
            if page.get("within_ms") and r["ms"][page["name"]] > page["within_ms"]:
                missed.append(
                    f"{label}, N={n}: {page['name']} takes {r['ms'][page['name']]:,.0f} ms, "
                    f"over {page['within_ms']:,} ms"
                )
        ratio = r["ms"]["compare CSV"] / login
        if n <= CSV_BOUNDED_UP_TO and ratio > BOUNDED:
            missed.append(f"{label}, N={n}: compare CSV is {ratio:.1f}× the login page")
        rate = answer_rate(r)
        if rate < ANSWER_ROWS_PER_SECOND:
            missed.append(f"{label}, N={n}: answers CSV at {rate:,.0f} rows/s")
        if r["live_bytes"] > LIVE_PAGE_BYTES:
            missed.append(
                f"{label}, N={n}: live page {r['live_bytes'] / 1024:.0f} KB over the wire"
            )
        if r["queries"]["autosave"] > AUTOSAVE_QUERIES:
            missed.append(f"{label}, N={n}: an autosave runs {r['queries']['autosave']} queries")
        for name, count in r["queries"].items():
            if count != results[sizes[0]]["queries"][name]:
                missed.append(
                    f"{label}: {name} runs {count} queries at N={n}, "
                    f"{results[sizes[0]]['queries'][name]} at N={sizes[0]}"
                )
    # The export's own memory, where the worker's peak could be reset before it; else the
    # worker's peak over every page.
    peaks = [results[n].get("answers_peak_mb") for n in sizes]
    what = " while streaming the answers CSV"
    if None in peaks:
        peaks, what = [results[n]["worker_peak_mb"] for n in sizes], ""
    if len(peaks) > 1 and None not in peaks and peaks[-1] - peaks[0] > MEMORY_GROWTH_MB:
        missed.append(
            f"{label}: worker memory grew from {peaks[0]:.0f} to {peaks[-1]:.0f} MB{what}"
        )
    return missed


if __name__ == "__main__":
    main()
