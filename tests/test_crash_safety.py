"""A crawl killed with SIGKILL at random points, then run to the end, stores exactly what one
uninterrupted crawl stores: nothing lost, nothing twice."""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.models import CrawlRun
from tests.conftest import fixture_bytes
from tests.support.cli import ROOT, crawl_env, run_cli
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply

pytestmark = pytest.mark.crawl
PAGES = (
    "pages/lemire.me.json.html",
    "pages/github.blog.spiceland.html",
    "pages/wikimediafoundation.org.turkey.html",
)
ENTRIES = 24


def serve(server: LocalServer) -> None:
    day = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    entries = [Entry(server.url(f"/p/{n}"), f"Post {n}", day + dt.timedelta(hours=n)) for n in range(ENTRIES)]
    server.routes["/feed.xml"] = Reply(rss(entries), content_type="application/rss+xml")
    for n in range(ENTRIES):
        # Slow enough that a kill lands mid-crawl. Three texts repeat: the later copies are stored as
        # syndicated copies of the first, alike in both crawls, which is part of what is compared.
        server.routes[f"/p/{n}"] = Reply(fixture_bytes(PAGES[n % 3]), delay=0.15)


def snapshot(db_url: str) -> tuple[list[str], int]:
    core = Aggregator(Config(database_url=db_url))
    try:
        items = core.items.query(limit=None, include_duplicates=True)
        return sorted(f"{i.canonical_url} {i.content_origin}" for i in items), core.items.count()
    finally:
        core.close()


def setup_db(server: LocalServer, db_url: str) -> dict[str, str]:
    env = crawl_env(db_url, AGGREGATOR_FETCH_TIMEOUT="20")
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/feed.xml"), "--name", "site", env=env)
    return env


def test_sigkill_mid_crawl_loses_and_duplicates_nothing(server: LocalServer, db_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    serve(server)
    reference_url = f"sqlite:///{tmp_path}/reference.db"
    reference_env = setup_db(server, reference_url)
    done = run_cli("crawl", "--json", env=reference_env)
    assert done.returncode == 0, done.stderr
    expected, expected_count = snapshot(reference_url)
    assert expected_count == ENTRIES

    env = setup_db(server, db_url)
    rng = random.Random(2026)
    kills = 0
    for _ in range(4):
        crawl = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "crawl", "--json"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.8, 2.5))
        if crawl.poll() is None:
            crawl.send_signal(signal.SIGKILL)
            kills += 1
        crawl.wait(30)
    assert kills >= 2
    partial, _ = snapshot(db_url)

    final = run_cli("crawl", "--json", env=env)

    assert final.returncode == 0, final.stderr
    assert json.loads(final.stdout)["busy"] == []  # the killed crawls' leases were recognised as stale
    stored, count = snapshot(db_url)
    assert stored == expected
    assert count == ENTRIES
    # The killed crawls' runs said "running" for ever; the next crawl closes them as failed.
    # (A crawl killed while still starting up had opened no run.)
    core = Aggregator(Config(database_url=db_url))
    try:
        with core.db.read() as session:
            statuses = [run.status for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id))]
    finally:
        core.close()
    assert statuses[-1] == "finished"
    assert set(statuses[:-1]) <= {"failed"}
    # What the killed crawls stored is still there after the last one, exactly as it was and once.
    partial_urls = {line.split()[0] for line in partial}
    assert [line for line in stored if line.split()[0] in partial_urls] == partial
