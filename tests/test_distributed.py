"""Distributed crawling end to end: real `aggregator worker` processes, Redis, PostgreSQL, a local site.

Every page of a generated site of 2,000 articles must be stored exactly once, by three workers at
once, and again when one of them is killed outright half-way and the other two finish the job.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import func, select

from aggregator.models import CrawlRun, CrawlRunSource, Item
from tests.support.cli import run_cli
from tests.support.databases import connected
from tests.support.installation import distributed_env, install_site
from tests.support.redis_queue import REDIS_URL
from tests.support.workers import (
    SiteProcess,
    Worker,
    kill_worker,
    responses_of,
    site_process,
    start_worker,
    stop_worker,
)

pytestmark = [pytest.mark.postgres, pytest.mark.crawl]

PAGES = 2000


@pytest.fixture
def site() -> Iterator[SiteProcess]:
    with site_process(PAGES) as served:
        yield served


# The limits of every installation here: eight requests at once per host, patient fetches.
LIMITS = {"AGGREGATOR_CONCURRENT_REQUESTS_PER_HOST": "8", "AGGREGATOR_FETCH_TIMEOUT": "20"}


def stored(db_url: str) -> tuple[int, int, set[str]]:
    """Return the item rows, their distinct canonical URLs, and those URLs."""
    with connected(db_url) as conn:
        rows = conn.execute(select(func.count()).select_from(Item)).scalar_one()
        urls = set(conn.execute(select(Item.canonical_url)).scalars())
    return rows, len(urls), urls


def expected_urls(site: SiteProcess) -> set[str]:
    return {f"{site.base}/articles/{n}.html" for n in range(1, PAGES + 1)}


def seed(env: dict[str, str], *, wait: bool, timeout: float = 170) -> dict[str, Any]:
    args = ["crawl", "--distributed", "--json", *(["--wait"] if wait else [])]
    done = run_cli(*args, env=env, timeout=timeout)
    assert done.returncode == 0, f"stdout={done.stdout!r} stderr={done.stderr!r}"
    return dict(json.loads(done.stdout))


# Seconds a worker may be silent before its work is given to the others.
VISIBILITY = 10


def worker_id(worker: Worker) -> str:
    """Return the id a worker announced when it started."""
    found = re.search(r"^worker (\w+) started", worker.output(), re.MULTILINE)
    assert found is not None, worker.output()[-2000:]
    return found.group(1)


def run_status(db_url: str, run_id: int) -> str:
    with connected(db_url) as conn:
        return str(conn.execute(select(CrawlRun.status).where(CrawlRun.id == run_id)).scalar_one())


def test_three_workers_store_every_page_exactly_once(
    backing: tuple[str, str], site: SiteProcess, tmp_path: Path
) -> None:
    db_url, prefix = backing
    env = distributed_env(db_url, prefix, **LIMITS)
    install_site(env, site, PAGES)
    workers = [start_worker(env, tmp_path) for _ in range(3)]
    try:
        run_id = int(seed(env, wait=False)["run"])
        _wait_for(lambda: stored(db_url)[0] >= PAGES // 5, timeout=120, what="a fifth of the pages")
        # Stopping a worker mid-crawl (SIGTERM) drains it: it finishes and stores what it holds.
        status, output = stop_worker(workers.pop())
        assert status == 0, output[-2000:]
        assert responses_of(output) > 0
        _wait_for(lambda: run_status(db_url, run_id) != "running", timeout=150, what="the round")
        assert run_status(db_url, run_id) == "finished"
        lines = run_lines(db_url, run_id)
        counts = [(line["entries"], line["fetched"], line["new"], line["errors"]) for line in lines]
        assert counts == [(PAGES // 4, PAGES // 4, PAGES // 4, 0)] * 4
        rows, distinct, urls = stored(db_url)
        assert rows == distinct == PAGES
        assert urls == expected_urls(site)
        served = site.stats()
        # Each page was asked for once: no two workers took the same request.
        assert served["distinct_articles"] == PAGES
        assert served["article_hits"] == PAGES

        # The next round: the feeds answer 304 (their validators were stored once the round was
        # complete), the sitemap and listing offer only what is stored; nothing new, nothing twice.
        again = seed(env, wait=True)
        assert again["status"] == "finished"
        by_name = {line["source"]: line for line in again["sources"]}
        assert by_name["site-feed-a"]["status"] == "not modified"
        assert by_name["site-feed-b"]["status"] == "not modified"
        # Known by their URLs already: unchanged, not copies of other items.
        assert by_name["site-sitemap"]["unchanged"] == by_name["site-sitemap"]["entries"] > 0
        assert sum(line["new"] for line in again["sources"]) == 0
        assert stored(db_url)[:2] == (PAGES, PAGES)
        assert site.stats()["article_hits"] == PAGES
        health = json.loads(run_cli("sources", "list", "--json", env=env).stdout)
        assert {s["health"] for s in health} == {"ok"}
        assert all(s["error_count"] == 0 for s in health)
    finally:
        results = [stop_worker(worker) for worker in workers]
    for status, output in results:
        assert status == 0, output[-2000:]
        # Each of the three took part.
        assert responses_of(output) > 0


def run_lines(db_url: str, run_id: int) -> list[dict[str, Any]]:
    with connected(db_url) as conn:
        query = select(CrawlRunSource).where(CrawlRunSource.run_id == run_id)
        rows = conn.execute(query.order_by(CrawlRunSource.source_id)).mappings()
        return [dict(row) for row in rows]


def test_a_worker_killed_mid_crawl_gives_its_work_back_within_the_visibility_timeout(
    backing: tuple[str, str], site: SiteProcess, tmp_path: Path
) -> None:
    db_url, prefix = backing
    # A lease far longer than the test: the round must complete by the dead worker's work coming
    # back (after VISIBILITY seconds of silence), not by the lease lapsing and a new round.
    env = distributed_env(
        db_url,
        prefix,
        **LIMITS,
        AGGREGATOR_ROUND_LEASE="900",
        AGGREGATOR_WORKER_VISIBILITY_TIMEOUT=str(VISIBILITY),
    )
    install_site(env, site, PAGES)
    workers = [start_worker(env, tmp_path) for _ in range(3)]
    try:
        run_id = int(seed(env, wait=False)["run"])
        _wait_for(lambda: stored(db_url)[0] >= PAGES // 5, timeout=120, what="a fifth of the pages")
        with redis.Redis.from_url(REDIS_URL) as client:
            # The victim holds work (jobs, requests or pages on their way to storage) when it dies.
            victim = worker_id(workers[0])
            _wait_for(
                lambda: client.hlen(f"{prefix}:worker:{victim}:held") > 0, timeout=60, what="work in hand"
            )
            kill_worker(workers[0])
            _wait_for(
                lambda: client.llen(f"{prefix}:jobs") + client.zcard(f"{prefix}:requests") == 0,
                timeout=150,
                what="the other two workers to drain the queue",
            )
        drained = time.monotonic()
        # What the dead worker held comes back once its heartbeat is VISIBILITY seconds old, and the
        # others crawl it: one timeout, half of one more for the reaper's period, and a round trip.
        _wait_for(
            lambda: run_status(db_url, run_id) != "running", timeout=VISIBILITY * 1.5 + 30, what="the round"
        )
        assert time.monotonic() - drained < VISIBILITY * 1.5 + 30
        assert run_status(db_url, run_id) == "finished"
        rows, distinct, urls = stored(db_url)
        assert rows == distinct == PAGES  # every page, none twice, though some were fetched twice
        assert urls == expected_urls(site)
        lines = run_lines(db_url, run_id)
        new = sum(line["new"] for line in lines)
        unchanged = sum(line["unchanged"] for line in lines)
        # A page the victim stored in the instant before its count reached the run line is counted
        # by the worker that fetched it again, as unchanged: never new twice, never uncounted.
        assert new <= PAGES <= new + unchanged
    finally:
        results = [stop_worker(worker) for worker in workers[1:]]
    assert all(status == 0 for status, _ in results), [out[-2000:] for _, out in results]


def _wait_for(condition: Any, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
