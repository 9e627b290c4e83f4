"""A host's limits hold across workers: two workers together never exceed one host's concurrency or rate.

Each worker alone would respect the limit (Scrapy's per-domain settings); two of them would double it.
The site counts requests in flight and when each article request arrived.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.installation import distributed_env, install_site
from tests.support.workers import responses_of, site_process, start_worker, stop_worker

pytestmark = [pytest.mark.postgres, pytest.mark.crawl]

PAGES = 60
DELAY = 0.1
# Starts are reserved in Redis at least DELAY apart; each request then leaves its worker a few
# milliseconds sooner or later (the worker's thread also extracts and stores), so the gaps the server
# sees wobble around DELAY. The rate over any second cannot wobble: at most 1 / DELAY, plus the one
# a late predecessor can push into the same second.
WINDOW = 1.0


def test_two_workers_share_one_hosts_concurrency_and_delay(backing: tuple[str, str], tmp_path: Path) -> None:
    db_url, prefix = backing
    with site_process(PAGES, delay=0.02) as site:
        env = distributed_env(
            db_url,
            prefix,
            AGGREGATOR_CONCURRENT_REQUESTS_PER_HOST="1",
            AGGREGATOR_DOWNLOAD_DELAY=str(DELAY),
            AGGREGATOR_FETCH_TIMEOUT="20",
        )
        install_site(env, site, PAGES)
        workers = [start_worker(env, tmp_path) for _ in range(2)]
        try:
            done = run_cli("crawl", "--distributed", "--wait", "--json", env=env, timeout=170)
            assert done.returncode == 0, done.stderr
            assert sum(line["new"] for line in json.loads(done.stdout)["sources"]) == PAGES
        finally:
            results = [stop_worker(worker) for worker in workers]
        stats = site.stats()
    # Both workers fetched pages, so each could have sent one request while the other had one out.
    assert all(status == 0 and responses_of(output) > 0 for status, output in results)
    assert stats["max_in_flight"] == 1
    starts = sorted(stats["article_starts"])
    assert len(starts) == PAGES
    busiest = max(sum(1 for t in starts if first <= t < first + WINDOW) for first in starts)
    assert busiest <= round(WINDOW / DELAY) + 1, f"{busiest} article requests within {WINDOW:g}s"
    mean_gap = (starts[-1] - starts[0]) / (len(starts) - 1)
    assert mean_gap >= 0.95 * DELAY, f"article requests {mean_gap:.3f}s apart on average"
