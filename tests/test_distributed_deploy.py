"""The README's deployment guide, command by command: the app, the scheduler and a worker, over
PostgreSQL and Redis."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from aggregator.models import CrawlRun, Item
from tests.support.cli import CLI, ROOT, free_port, run_cli
from tests.support.databases import connected
from tests.support.installation import add_site_sources, distributed_env
from tests.support.workers import responses_of, site_process, start_worker, stop_worker

pytestmark = [pytest.mark.postgres, pytest.mark.crawl]

PAGES = 40


def _spawn(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([*CLI, *args], env=env, cwd=ROOT, stdout=out, stderr=out)


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(60)


def test_the_deployment_guide_runs_as_written(backing: tuple[str, str], tmp_path: Path) -> None:
    db_url, prefix = backing
    with site_process(PAGES) as site:
        env = distributed_env(db_url, prefix)
        assert run_cli("init", env=env).returncode == 0
        added = run_cli(
            "users", "add", "ann", "--role", "admin", "--password-stdin", stdin="a long passphrase\n", env=env
        )
        assert added.returncode == 0, added.stderr
        add_site_sources(env, site, PAGES)

        port = free_port()
        app = _spawn("serve", "--host", "127.0.0.1", "--port", str(port), env=env, log=tmp_path / "app.log")
        scheduler = _spawn("schedule", "--tick", "1", env=env, log=tmp_path / "scheduler.log")
        worker = start_worker(env, tmp_path, concurrency=16)
        try:
            deadline = time.monotonic() + 150
            while _stored(db_url) < PAGES:
                assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()[-2000:]
                assert scheduler.poll() is None
                assert app.poll() is None
                time.sleep(0.5)
            login = httpx.get(f"http://127.0.0.1:{port}/login", timeout=10)
            assert login.status_code == 200
        finally:
            worker_status, worker_log = stop_worker(worker)
            scheduler_status = _stop(scheduler)
            app_status = _stop(app)
    assert (worker_status, scheduler_status) == (0, 0)
    assert app_status in (0, -signal.SIGTERM)
    assert responses_of(worker_log) > PAGES
    # The scheduler crawled nothing itself: it seeded a round, which the worker crawled.
    scheduler_log = (tmp_path / "scheduler.log").read_text()
    assert "seeded 4 sources for the workers" in scheduler_log
    with connected(db_url) as conn:
        runs = conn.execute(select(CrawlRun.trigger, CrawlRun.status)).all()
    assert ("scheduler", "finished") in runs


def _stored(db_url: str) -> int:
    with connected(db_url) as conn:
        return int(conn.execute(select(func.count()).select_from(Item)).scalar_one())
