"""Soak: the scheduler against 200 sources on 127.0.0.1 for 10 minutes, 10% failing in rotating ways,
while a curator works the queue. Reports crashes, "database is locked" errors and memory over time.

    .venv/bin/python bench/soak.py [--minutes 10] [--sources 200] [--database sqlite:///soak.db]

The curator app does not exist yet; the curator loop calls the service layer it will call (list the
queue, approve, reject), in this process, against the same database, while crawls write to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.config import Config  # noqa: E402
from aggregator.core import Aggregator  # noqa: E402
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
    samples: list[tuple[float, int, int]] = []
    curator_errors: list[str] = []
    approved = rejected = 0
    rng = random.Random(1)
    deadline = time.monotonic() + args.minutes * 60
    next_sample = time.monotonic()
    while time.monotonic() < deadline:
        try:
            queue = core.items.query(status="new", limit=20)
            for item in queue[:3]:
                if rng.random() < 0.7:
                    core.items.approve(
                        item.id, actor="soak-curator", excerpt=(item.excerpt_candidates or [None])[0]
                    )
                    approved += 1
                else:
                    core.items.reject(item.id, actor="soak-curator")
                    rejected += 1
        except Exception as exc:  # noqa: BLE001 (any failure of the curator is a finding)
            curator_errors.append(f"{type(exc).__name__}: {exc}")
        if time.monotonic() >= next_sample:
            kids = children(scheduler.pid)
            samples.append(
                (
                    time.monotonic() - START,
                    rss_kib(scheduler.pid),
                    sum(rss_kib(k) + sum(rss_kib(g) for g in children(k)) for k in kids),
                )
            )
            next_sample += 5
        if scheduler.poll() is not None:
            break
        time.sleep(1)
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
    minutes = sorted({int(t // 60) for t, _, _ in samples})
    per_minute = [
        (
            minute,
            max((sch for t, sch, _ in samples if int(t // 60) == minute), default=0),
            max((rnd for t, _, rnd in samples if int(t // 60) == minute), default=0),
        )
        for minute in minutes
    ]
    locked = log_text.count("database is locked")
    print(f"soak: {args.minutes:g} min, {args.sources} sources ({len(failing)} failed at some point)")
    print(f"  database: {url}")
    print(f"  scheduler: crashed={crashed}, exit status on SIGTERM={code}")
    print(f"  crawl rounds: {statuses}")
    print(f"  items stored: {stored}; approved {approved}, rejected {rejected}; parked: {parked}")
    print(f"  database-is-locked errors in the log: {locked}; curator errors: {curator_errors[:2] or 'none'}")
    print(f"  Tracebacks in scheduler log: {log_text.count('Traceback')}")
    print("  memory per minute, KiB (scheduler max / crawl round with workers max):")
    print("    " + "  ".join(f"{m}: {sch}/{rnd}" for m, sch, rnd in per_minute))
    print(f"  log: {log_path}")
    ok = not crashed and code == 0 and "database is locked" not in log_text and not curator_errors
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
