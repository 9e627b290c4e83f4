"""Schedules, backoff, parking and leases: the service rules, then the CLI and the scheduler for real."""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import sys
import threading
import time

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.models import utcnow
from aggregator.services.scheduling import SchedulePolicy, max_age
from tests.conftest import fixture_bytes
from tests.support.cli import ROOT, crawl_env, run_cli
from tests.support.feeds import Entry, etagged, rss
from tests.support.server import LocalServer, Reply
from tests.test_sources import harvested

NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def seconds_until(when: dt.datetime | None) -> float:
    assert when is not None
    return (when - utcnow()).total_seconds()


def test_backoff_doubles_up_to_a_cap_and_parks_after_repeated_failures(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed")  # a feed: hourly
    waits = []
    for n in range(1, 9):
        core.sources.record_failure(source.id, f"HTTP 500 #{n}")
        waits.append(seconds_until(core.sources.get(source.name).next_check_at))
    assert [round(w / 3600) for w in waits[:5]] == [1, 2, 4, 8, 16]
    assert round(waits[5] / 3600) == 24  # capped at a day
    parked = core.sources.get(source.name)
    assert parked.health == "parked"
    assert parked.error_count == 8
    assert parked.parked_at is not None
    assert parked.as_dict()["health"] == "parked"
    # It answers again: unparked, back to its interval (with jitter).
    core.sources.record_success(source.id, etag=None, last_modified=None)
    healthy = core.sources.get(source.name)
    assert (healthy.health, healthy.error_count, healthy.parked_at) == ("ok", 0, None)
    assert 3600 * 0.89 < seconds_until(healthy.next_check_at) < 3600 * 1.11


def test_re_enabling_a_parked_source_makes_it_due_now(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed")
    for _ in range(8):
        core.sources.record_failure(source.id, "gone")
    enabled = core.sources.set_enabled(source.name, True)
    assert (enabled.health, enabled.next_check_at, enabled.parked_at) == ("never crawled", None, None)


def test_the_server_asking_for_more_time_wins(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed")
    core.sources.record_failure(source.id, "HTTP 429", retry_after=6 * 3600)
    assert seconds_until(core.sources.get(source.name).next_check_at) > 6 * 3600 - 5
    core.sources.record_success(source.id, etag=None, last_modified=None, fresh_for=3 * 3600)
    assert seconds_until(core.sources.get(source.name).next_check_at) > 3 * 3600 - 5


def test_intervals_follow_the_kind_unless_set() -> None:
    policy = SchedulePolicy(jitter=0.0)
    assert policy.after_success(NOW, policy.interval("feed", None), None) == NOW + dt.timedelta(hours=1)
    assert policy.after_success(NOW, policy.interval("sitemap", None), None) == NOW + dt.timedelta(days=1)
    assert policy.after_success(NOW, policy.interval("listing", 600), None) == NOW + dt.timedelta(minutes=10)
    jittered = {SchedulePolicy().after_success(NOW, 3600, None, random.Random(n)) for n in range(20)}
    assert len(jittered) == 20


@pytest.mark.parametrize(
    ("header", "expected"),
    [("max-age=600", 600.0), ("public, s-maxage=60, max-age=30", 60.0), ("no-store", None), (None, None)],
)
def test_cache_control_freshness(header: str | None, expected: float | None) -> None:
    assert max_age(header) == expected


def test_leases_keep_two_crawls_off_one_source(core: Aggregator) -> None:
    a = core.sources.add("https://ex.org/a", name="a")
    core.sources.add("https://ex.org/b", name="b")
    first, busy = core.sources.claim("crawl-1", names=["a"])
    assert ([s.name for s in first], busy) == (["a"], [])
    second, busy = core.sources.claim("crawl-2")
    assert [s.name for s in second] == ["b"]
    assert busy == ["a"]
    core.sources.release("crawl-1")
    third, busy = core.sources.claim("crawl-3", names=["a"])
    assert ([s.name for s in third], busy) == (["a"], [])
    core.sources.record_success(a.id, etag=None, last_modified=None)
    due, _ = core.sources.claim("crawl-4", due_only=True)
    assert due == []  # a is scheduled an hour on; b is leased by crawl-2


@pytest.mark.crawl
def test_crawl_due_crawls_what_is_due_and_then_nothing(server: LocalServer, db_url: str) -> None:
    server.routes["/feed.xml"] = etagged(rss([Entry(server.url("/a"), "A", NOW)]), "application/rss+xml")
    server.routes["/a"] = Reply(fixture_bytes("pages/lemire.me.json.html"))
    env = crawl_env(db_url)
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/feed.xml"), "--name", "site", env=env)

    first = run_cli("crawl", "--due", "--json", env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["sources"][0]["new"] == 1
    second = run_cli("crawl", "--due", env=env)
    assert second.returncode == 0
    assert "nothing to crawl: no source is due" in second.stdout
    assert len(server.requests_to("/feed.xml")) == 1
    listed = json.loads(run_cli("sources", "list", "--json", env=env).stdout)
    assert listed[0]["next_check_at"] is not None
    assert run_cli("sources", "interval", "site", "5", env=env).returncode == 0
    third = run_cli("crawl", "--due", "--json", env=env)
    assert json.loads(third.stdout)["sources"][0]["status"] == "not modified"


@pytest.mark.crawl
def test_a_source_being_crawled_is_skipped_by_a_second_crawl(server: LocalServer, db_url: str) -> None:
    server.routes["/feed.xml"] = Reply(
        rss([Entry(server.url("/a"), "A", NOW)]), content_type="application/rss+xml", delay=4
    )
    server.routes["/a"] = Reply(fixture_bytes("pages/lemire.me.json.html"))
    env = crawl_env(db_url, AGGREGATOR_FETCH_TIMEOUT="20")
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/feed.xml"), "--name", "slow", env=env)
    first = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "crawl", "--json"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not server.requests_to("/feed.xml") and time.monotonic() < deadline:
            time.sleep(0.1)
        second = run_cli("crawl", "--source", "slow", env=env)
        assert second.returncode == 1
        assert "warning: slow: skipped, another crawl is running it" in second.stderr
        out, _ = first.communicate(timeout=60)
    finally:
        first.kill()
    assert first.returncode == 0
    assert json.loads(out)["sources"][0]["new"] == 1
    assert len(server.requests_to("/feed.xml")) == 1
    core = Aggregator(Config(database_url=db_url))
    try:
        again, busy = core.sources.claim("after", names=["slow"])
        assert busy == []  # the first crawl gave its lease back
        assert len(again) == 1
    finally:
        core.close()


@pytest.mark.crawl
def test_the_scheduler_crawls_due_sources_and_stops_cleanly_on_sigterm(
    server: LocalServer, db_url: str
) -> None:
    server.routes["/feed.xml"] = Reply(
        rss([Entry(server.url("/a"), "A", NOW)]), content_type="application/rss+xml"
    )
    server.routes["/a"] = Reply(fixture_bytes("pages/lemire.me.json.html"))
    env = crawl_env(db_url)
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/feed.xml"), "--name", "site", env=env)
    # A published entry, never checked: the scheduler checks its link too (weekly by default).
    server.routes["/published"] = Reply(b"<html><body>Here.</body></html>")
    before = Aggregator(Config(database_url=db_url))
    try:
        other = before.sources.add(server.url("/other-feed.xml"), name="other").id
        before.items.record(harvested(other, server.url("/published"), title="Published"))
        before.items.approve(before.items.query(limit=1)[0].id, actor="ann")
        before.sources.set_enabled("other", False)
    finally:
        before.close()
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "schedule", "--tick", "0.5"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    core = Aggregator(Config(database_url=db_url))
    watchdog = threading.Timer(120, scheduler.kill)  # a scheduler that never logs its round fails, not hangs
    watchdog.start()
    try:
        assert scheduler.stdout is not None
        lines: list[str] = []
        # The tick that sees the round end asks at once what is due: a second round would start
        # in that same tick. So once "round ended" is logged, nothing more was due.
        for line in scheduler.stdout:
            lines.append(line)
            if "round ended" in "".join(lines) and "link check ended" in "".join(lines):
                break
        assert core.sources.get("site").last_success_at is not None
        scheduler.send_signal(signal.SIGTERM)
        rest, _ = scheduler.communicate(timeout=60)
        log = "".join(lines) + (rest or "")
        assert scheduler.returncode == 0
        assert "received SIGTERM" in log
        assert "scheduler stopped" in log
        assert log.count("starting a round") == 1
        assert log.count("1 published links due for a check: starting it") == 1
        assert (core.links.counts(), len(server.requests_to("/published"))) == ({"ok": 1}, 1)
        assert len(server.requests_to("/feed.xml")) == 1
        assert core.items.count() == 2
        with core.db.read() as session:
            from aggregator.models import CrawlRun, Source

            runs = session.query(CrawlRun).all()
            assert [(r.trigger, r.status) for r in runs] == [("scheduler", "finished")]
            assert session.query(Source).filter(Source.name == "site").one().lease_owner is None
    finally:
        watchdog.cancel()
        scheduler.kill()
        core.close()
