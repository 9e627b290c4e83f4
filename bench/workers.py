"""Crawl workers: pages per second with one worker and with two, over the same generated site.

    .venv/bin/python bench/workers.py [--pages 2000] [--database postgresql+psycopg://...]

Each figure is a fresh database (a new PostgreSQL schema when --database is PostgreSQL, else a new
SQLite file) and a fresh Redis prefix: the workers start idle, one `aggregator crawl --distributed
--wait` seeds the site's four sources and returns when the round is complete; pages per second is
pages stored over that wall time. The site's server runs on this machine too, in its own process:
its CPU seconds (user + system, from /proc) during each crawl are printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Not the script's own folder: a module there (bench/queue.py) would shadow the standard library.
sys.path[0] = str(ROOT)

from tests.support.cli import run_cli  # noqa: E402
from tests.support.databases import postgres_available, postgres_schema  # noqa: E402
from tests.support.installation import distributed_env, install_site  # noqa: E402
from tests.support.redis_queue import redis_prefix  # noqa: E402
from tests.support.workers import SiteProcess, site_process, start_worker, stop_worker  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "postgresql":
        with postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'bench.db'}"


def crawl_once(
    site: SiteProcess, pages: int, workers: int, kind: str, concurrency: int
) -> tuple[float, float]:
    """Return (pages per second, server CPU seconds) of one round crawled by ``workers`` workers."""
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as url, redis_prefix() as prefix:
        env = distributed_env(
            url,
            prefix,
            AGGREGATOR_CONCURRENT_REQUESTS_PER_HOST=str(concurrency),
            AGGREGATOR_FETCH_TIMEOUT="30",
        )
        install_site(env, site, pages)
        running = [start_worker(env, Path(tmp), concurrency=concurrency) for _ in range(workers)]
        try:
            time.sleep(5)  # let the workers start (imports, extraction pool) before the clock runs
            server_before = cpu_seconds(site.process.pid)
            started = time.perf_counter()
            done = run_cli("crawl", "--distributed", "--wait", "--json", env=env, timeout=1800)
            elapsed = time.perf_counter() - started
            server_cpu = cpu_seconds(site.process.pid) - server_before
        finally:
            for worker in running:
                stop_worker(worker)
        assert done.returncode == 0, done.stderr
        stored = sum(line["new"] for line in json.loads(done.stdout)["sources"])
        assert stored == pages, f"stored {stored} of {pages}"
        return pages / elapsed, server_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8, help="Per host and per worker.")
    parser.add_argument(
        "--database",
        choices=["postgresql", "sqlite"],
        default="postgresql" if postgres_available() is None else "sqlite",
    )
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} cores; {args.pages} pages; database {args.database}; load {os.getloadavg()[0]:.1f}"
    )
    results: dict[int, tuple[float, float]] = {}
    with site_process(args.pages) as site:
        for workers in (1, 2):
            results[workers] = crawl_once(site, args.pages, workers, args.database, args.concurrency)
            rate, cpu = results[workers]
            print(
                f"{workers} worker{'s' if workers > 1 else ''}: {rate:7.1f} pages/s; server CPU {cpu:5.1f} s"
            )
    print(f"2 workers / 1 worker: {results[2][0] / results[1][0]:.2f}x")


if __name__ == "__main__":
    main()
