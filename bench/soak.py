"""Soak: the scheduler against 200 sources on 127.0.0.1 for 10 minutes, 10% failing in rotating ways,
while a curator works the queue in the app. Reports crashes, "database is locked" errors, the app's
errors and latency, and memory over time.

    .venv/bin/python bench/soak.py [--minutes 10] [--sources 200] [--database sqlite:///soak.db]

Three processes share the database, as in production: `aggregator schedule`, `aggregator serve`, and
this script, which logs into the app over HTTP as a curator and, every second, opens the queue page,
searches, reads the queue through the JSON API and approves or rejects a few items.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.config import Config  # noqa: E402
from aggregator.core import Aggregator  # noqa: E402
from tests.support.cli import free_port  # noqa: E402
from tests.support.feeds import Entry, rss  # noqa: E402
from tests.support.server import LocalServer, Reply  # noqa: E402

FAILURES = ("HTTP 500", "timeout", "not a feed", "connection reset", "HTTP 404")
START = time.monotonic()


def page(source: int, n: int) -> bytes:
    rng = random.Random(source * 100_000 + n)
    words = [
        "council",
        "assembly",
        "residents",
        "budget",
        "housing",
        "climate",
        "school",
        "panel",
        "evidence",
        "members",
        "vote",
    ]
    body = "".join("<p>" + " ".join(rng.choice(words) for _ in range(50)) + ".</p>" for _ in range(4))
    return f"<html><body><article><h1>S{source} #{n}</h1>{body}</article></body></html>".encode()


def feed_route(server: LocalServer, source: int, failing: set[int]):  # type: ignore[no-untyped-def]
    def handler(headers: dict[str, str]) -> Reply:
        minute = int((time.monotonic() - START) // 60)
        # A rotating 10% of sources fails, each in a way that changes with the minute.
        if (source + minute * 7) % 10 == 0:
            mode = FAILURES[(source + minute) % len(FAILURES)]
            failing.add(source)
            if mode == "HTTP 500":
                return Reply(b"oops", status=500)
            if mode == "timeout":
                return Reply(b"", delay=12)
            if mode == "not a feed":
                return Reply(b"<html><body>maintenance</body></html>")
            if mode == "connection reset":
                return Reply(rss([]) * 50, send_first=100, cut=True)
            return Reply(b"gone", status=404)
        count = 3 + minute  # one new entry a minute
        day = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        entries = [
            Entry(server.url(f"/s{source}/{n}"), f"S{source} #{n}", day + dt.timedelta(hours=n))
            for n in range(count)
        ]
        return Reply(rss(entries), content_type="application/rss+xml")

    return handler


CURATOR = "soak-curator"
PASSWORD = secrets.token_urlsafe(16)
SEARCHES = ("assembly", "council budget", "climate", "housing panel", "S17")
_CSRF = re.compile(r'name="csrf[-_]token" (?:value|content)="([^"]+)"')


class Curator:
    """A curator using the app over HTTP: logs in, keeps the CSRF token, counts 5xx answers."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        self.csrf = ""
        self.logged_in = False
        self.server_errors = 0

    def log_in(self, name: str, password: str) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                form = self.client.get("/login")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        token = _token(form.text)
        answer = self.client.post("/login", data={"name": name, "password": password, "csrf_token": token})
        if answer.status_code != 303:
            raise ValueError(f"login answered {answer.status_code}")
        self.csrf = _token(self.client.get("/queue").text)
        self.logged_in = True

    def get(self, path: str, latencies: list[float]) -> httpx.Response:
        return self._checked(lambda: self.client.get(path), latencies)

    def post(self, path: str, body: dict[str, object], latencies: list[float]) -> httpx.Response:
        headers = {"X-CSRF-Token": self.csrf}
        return self._checked(lambda: self.client.post(path, json=body, headers=headers), latencies)

    def _checked(self, send: object, latencies: list[float]) -> httpx.Response:
        started = time.perf_counter()
        answer: httpx.Response = send()  # type: ignore[operator]
        latencies.append(time.perf_counter() - started)
        if answer.status_code >= 500:
            self.server_errors += 1
        if answer.status_code >= 400:
            raise ValueError(f"{answer.request.method} {answer.request.url.path}: HTTP {answer.status_code}")
        return answer


def _token(page: str) -> str:
    match = _CSRF.search(page)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--database")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    url = args.database or f"sqlite:///{folder}/soak.db"

    server = LocalServer().start()
    failing: set[int] = set()
    for s in range(args.sources):
        server.routes[f"/s{s}/feed.xml"] = feed_route(server, s, failing)
        for n in range(3 + int(args.minutes) + 1):
            server.routes[f"/s{s}/{n}"] = Reply(page(s, n))

    env = {
        **os.environ,
        "AGGREGATOR_DATABASE_URL": url,
        "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
        "AGGREGATOR_DOWNLOAD_DELAY": "0",
        "AGGREGATOR_FETCH_TIMEOUT": "5",
        "AGGREGATOR_FETCH_RETRIES": "0",
        "AGGREGATOR_CONCURRENT_REQUESTS_PER_HOST": "16",
    }
    core = Aggregator(Config(database_url=url))
    core.init_db()
    core.users.add(CURATOR, role="curator", password=PASSWORD)
    for s in range(args.sources):
        core.sources.add(server.url(f"/s{s}/feed.xml"), name=f"s{s}")
        core.sources.set_interval(f"s{s}", 60)
    log_path = folder / "scheduler.log"
    with log_path.open("w") as log:
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "schedule", "--tick", "5"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    app_port = free_port()
    with (folder / "app.log").open("w") as app_log:
        app = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "serve", "--port", str(app_port)],
            env=env,
            cwd=ROOT,
            stdout=app_log,
            stderr=subprocess.STDOUT,
        )
    curator = Curator(f"http://127.0.0.1:{app_port}")
    samples: list[tuple[float, int, int, int]] = []
    curator_errors: list[str] = []
    latencies: list[float] = []
    approved = rejected = 0
    rng = random.Random(1)
    deadline = time.monotonic() + args.minutes * 60
    next_sample = time.monotonic()
    while time.monotonic() < deadline:
        try:
            if not curator.logged_in:
                curator.log_in(CURATOR, PASSWORD)
            curator.get("/queue", latencies)
            curator.get(f"/queue?q={rng.choice(SEARCHES)}", latencies)
            queue = curator.get("/api/items?status=new&limit=20", latencies).json()["items"]
            for item in queue[:3]:
                if rng.random() < 0.7:
                    candidates = item["excerpt_candidates"]
                    body = {"excerpt": candidates[0]} if candidates else {}
                    curator.post(f"/api/items/{item['id']}/approve", body, latencies)
                    approved += 1
                else:
                    curator.post(f"/api/items/{item['id']}/reject", {"reason": "soak"}, latencies)
                    rejected += 1
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            curator_errors.append(f"{type(exc).__name__}: {exc}")
        if time.monotonic() >= next_sample:
            kids = children(scheduler.pid)
            samples.append(
                (
                    time.monotonic() - START,
                    rss_kib(scheduler.pid),
                    sum(rss_kib(k) + sum(rss_kib(g) for g in children(k)) for k in kids),
                    rss_kib(app.pid),
                )
            )
            next_sample += 5
        if scheduler.poll() is not None or app.poll() is not None:
            break
        time.sleep(1)
    app_crashed = app.poll() is not None
    app.send_signal(signal.SIGTERM)
    app_code = app.wait(60)
    crashed = scheduler.poll() is not None
    scheduler.send_signal(signal.SIGTERM)
    code = scheduler.wait(120)
    server.stop()
    log_text = log_path.read_text()
    with core.db.read() as session:
        from aggregator.models import CrawlRun

        runs = session.query(CrawlRun).all()
        statuses = {s: sum(1 for r in runs if r.status == s) for s in ("finished", "failed", "running")}
    stored = core.items.count()
    parked = sum(1 for s in core.sources.all() if s.health == "parked")
    core.close()

    # Per minute: the largest scheduler RSS and the largest crawl round (with its workers) seen.
    minutes = sorted({int(t // 60) for t, _, _, _ in samples})
    per_minute = [
        (
            minute,
            max((sch for t, sch, _, _ in samples if int(t // 60) == minute), default=0),
            max((rnd for t, _, rnd, _ in samples if int(t // 60) == minute), default=0),
            max((web for t, _, _, web in samples if int(t // 60) == minute), default=0),
        )
        for minute in minutes
    ]
    app_text = (folder / "app.log").read_text()
    locked = log_text.count("database is locked") + app_text.count("database is locked")
    print(f"soak: {args.minutes:g} min, {args.sources} sources ({len(failing)} failed at some point)")
    print(f"  database: {url}")
    print(f"  scheduler: crashed={crashed}, exit status on SIGTERM={code}")
    print(f"  app: crashed={app_crashed}, exit status on SIGTERM={app_code}, 5xx: {curator.server_errors}")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) >= 20 else ordered[-1]
        print(
            f"  app requests: {len(latencies)}, median {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms (client-side, over HTTP)"
        )
    print(f"  crawl rounds: {statuses}")
    print(f"  items stored: {stored}; approved {approved}, rejected {rejected}; parked: {parked}")
    print(f"  database-is-locked errors in the log: {locked}; curator errors: {curator_errors[:2] or 'none'}")
    print(f"  Tracebacks in scheduler log: {log_text.count('Traceback')}")
    print(f"  Tracebacks in app log: {app_text.count('Traceback')}")
    print("  memory per minute, KiB (scheduler max / crawl round with workers max / app max):")
    print("    " + "  ".join(f"{m}: {sch}/{rnd}/{web}" for m, sch, rnd, web in per_minute))
    print(f"  log: {log_path}")
    ok = (
        not crashed
        and code == 0
        and not app_crashed
        and locked == 0
        and not curator_errors
        and curator.server_errors == 0
        and "Traceback" not in app_text
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
