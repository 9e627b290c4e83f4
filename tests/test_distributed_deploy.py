"""The README's deployment guide, command by command: the app, the scheduler and a worker, over
PostgreSQL and Redis."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from aggregator.models import CrawlRun, Item
from tests.support.cli import ROOT, crawl_env, run_cli
from tests.support.databases import postgres_schema, require_postgres
from tests.support.redis_queue import REDIS_URL, redis_prefix, require_redis
from tests.support.site import Site
from tests.support.workers import responses_of, site_process, start_worker, stop_worker

pytestmark = [pytest.mark.postgres, pytest.mark.crawl]

PAGES = 40


@pytest.fixture
def db_url() -> Iterator[str]:
    require_postgres()
    require_redis()
    with postgres_schema() as url:
        yield url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spawn(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "aggregator", *args], env=env, cwd=ROOT, stdout=out, stderr=out
        )


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(60)


def test_the_deployment_guide_runs_as_written(db_url: str, tmp_path: Path) -> None:
    with redis_prefix() as prefix, site_process(PAGES) as site:
        env = crawl_env(
            db_url,
            AGGREGATOR_REDIS_URL=REDIS_URL,
            AGGREGATOR_REDIS_PREFIX=prefix,
            AGGREGATOR_EXTRACT_WORKERS="1",
        )
        assert run_cli("init", env=env).returncode == 0
        added = subprocess.run(
            [
                sys.executable,
                "-m",
                "aggregator",
                "users",
                "add",
                "ann",
                "--role",
                "admin",
                "--password-stdin",
            ],
            env=env,
            cwd=ROOT,
            input="a long passphrase\n",
            capture_output=True,
            text=True,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        for source in Site(PAGES, site.base).sources():
            sets = [f"--set={k}={json.dumps(v)}" for k, v in source["settings"].items()]
            args = ["sources", "add", source["url"], "--name", source["name"], "--kind", source["kind"]]
            assert run_cli(*args, *sets, env=env).returncode == 0

        port = _free_port()
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
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            runs = conn.execute(select(CrawlRun.trigger, CrawlRun.status)).all()
    finally:
        engine.dispose()
    assert ("scheduler", "finished") in runs


def _stored(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Item)).scalar_one())
    finally:
        engine.dispose()
