"""Runs the real CLI in a subprocess, as a user would (a crawl cannot run twice in one process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def crawl_env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env.update(
        {
            "AGGREGATOR_DATABASE_URL": db_url,
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
            "AGGREGATOR_DOWNLOAD_DELAY": "0",
            "AGGREGATOR_FETCH_TIMEOUT": "1.5",
            "AGGREGATOR_FETCH_RETRIES": "0",
            "AGGREGATOR_USER": "tester",
            "PYTHONWARNINGS": "ignore",
        }
    )
    env.update(extra)
    return env


def run_cli(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aggregator", *args],
        env=env,
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


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


def assert_counts_add_up(line: dict[str, Any]) -> None:
    """Check a crawl summary line: every entry ended as exactly one outcome."""
    outcomes = ("new", "updated", "unchanged", "duplicates", "failed")
    assert line["entries"] == sum(line[name] for name in outcomes), line
