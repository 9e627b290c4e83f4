"""Runs the real CLI in a subprocess, as a user would (a crawl cannot run twice in one process)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "aggregator")


def crawl_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env.update(
        {
            "AGGREGATOR_DATABASE_URL": db_url,
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
            "AGGREGATOR_DOWNLOAD_DELAY": "0",
            # Long enough for a loaded machine (three test processes on two cores) to answer a local
            # page, short enough that the tests waiting for a time-out (a 4 s delay) do not wait long.
            "AGGREGATOR_FETCH_TIMEOUT": "3",
            "AGGREGATOR_FETCH_RETRIES": "0",
            "AGGREGATOR_USER": "tester",
            "PYTHONWARNINGS": "ignore",
        }
    )
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 180, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=env,
        cwd=cwd or ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_cli(
    *args: str,
    env: dict[str, str],
    cwd: Path | None = None,
    stdout: int = subprocess.PIPE,
    stderr: int = subprocess.PIPE,
) -> subprocess.Popen[str]:
    """Start the real CLI in the background (``serve``, ``demo``); the caller stops it."""
    return subprocess.Popen([*CLI, *args], env=env, cwd=cwd or ROOT, stdout=stdout, stderr=stderr, text=True)


def free_port() -> int:
    """Return a port of 127.0.0.1 that nothing listens on (for a server started next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_login(client: httpx.Client, app: subprocess.Popen[str], seconds: float = 30) -> httpx.Response:
    """Return the app's login page once ``app`` answers on ``client``'s base URL; fail if it ends first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return client.get("/login")
        except httpx.TransportError:
            assert app.poll() is None, app.stderr.read() if app.stderr else "the app ended"
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.2)


def crawl_json(env: dict[str, str], *names: str) -> tuple[int, dict[str, Any], str]:
    """Run ``aggregator crawl --json`` and return its exit code, its summary and its stderr."""
    args = ["crawl", "--json"]
    for name in names:
        args += ["--source", name]
    done = run_cli(*args, env=env)
    try:
        summary = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"no JSON summary; stdout={done.stdout!r} stderr={done.stderr!r}") from None
    for line in summary.get("sources", []):
        assert_counts_add_up(line)
    return done.returncode, summary, done.stderr


def crawl_ok(env: dict[str, str], *names: str) -> dict[str, Any]:
    """Run ``aggregator crawl --json``, which must succeed, and return its summary."""
    code, summary, stderr = crawl_json(env, *names)
    assert code == 0, stderr
    return summary


def assert_counts_add_up(line: dict[str, Any]) -> None:
    """Check a crawl summary line: every entry ended as exactly one outcome."""
    outcomes = ("new", "updated", "unchanged", "duplicates", "failed")
    assert line["entries"] == sum(line[name] for name in outcomes), line
