"""Real ``aggregator worker`` processes and the generated site, each in a process of its own."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.cli import ROOT


@dataclass
class SiteProcess:
    """The generated site's server process and its address."""

    process: subprocess.Popen[str]
    base: str

    def stats(self) -> dict[str, Any]:
        """Return what the server counted so far."""
        with urllib.request.urlopen(f"{self.base}/_stats", timeout=10) as answer:
            return dict(json.loads(answer.read()))


@contextmanager
def site_process(pages: int, *, delay: float = 0.0) -> Iterator[SiteProcess]:
    """Serve a generated site of ``pages`` articles from a subprocess; stop it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.site", "--pages", str(pages), "--delay", str(delay)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"the site did not start: {line!r}")
        yield SiteProcess(process, line.split()[1])
    finally:
        process.terminate()
        process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


@dataclass
class Worker:
    """A worker process and the file its stderr goes to (a pipe nobody reads could block it)."""

    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Return what the worker wrote to stderr so far."""
        return self.log.read_text(errors="replace")


def start_worker(env: dict[str, str], folder: Path, *, concurrency: int = 8) -> Worker:
    """Start ``aggregator worker`` in a session of its own (so a kill takes its extraction children)."""
    log = folder / f"worker-{uuid.uuid4().hex[:8]}.log"
    with log.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "worker", "--concurrency", str(concurrency)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    return Worker(process, log)


def stop_worker(worker: Worker, *, timeout: float = 60) -> tuple[int, str]:
    """Ask a worker to stop (SIGTERM) and return its exit status and what it said on stderr."""
    if worker.process.poll() is None:
        worker.process.send_signal(signal.SIGTERM)
    try:
        worker.process.wait(timeout)
    except subprocess.TimeoutExpired:
        kill_worker(worker)
        raise AssertionError(
            f"the worker did not stop within {timeout}s; stderr: {worker.output()[-2000:]}"
        ) from None
    return worker.process.returncode, worker.output()


def kill_worker(worker: Worker) -> None:
    """SIGKILL a worker and its extraction processes, as a machine dying would."""
    try:
        os.killpg(worker.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    worker.process.wait(10)


def responses_of(stderr: str) -> int:
    """Return how many responses a stopped worker says it handled."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("worker stopped after "):
            return int(line.split()[3])
    raise AssertionError(f"the worker did not say it stopped; stderr: {stderr[-2000:]}")
