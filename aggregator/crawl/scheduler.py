"""The scheduler: runs forever, starting a crawl of the due sources whenever some are due.

With ``AGGREGATOR_REDIS_URL`` set, a round is seeded into the shared queue instead, for the crawl
workers (``aggregator worker``) to run; the scheduler then crawls nothing itself.

Every ``AGGREGATOR_LINK_CHECK_DAYS`` (7) it also checks published entries' links, in an
``aggregator links check --due`` process of its own beside the rounds (at most one at a time, and
started at most hourly, so links that cannot be recorded do not start one every tick).

Each round is a fresh ``aggregator crawl --due`` process: Twisted's reactor cannot restart in one
process, and a process per round also means a crawl that leaks or crashes cannot take the scheduler
down with it. Leases in the database keep rounds, cron jobs and curators' crawls off each other's
sources. SIGTERM (or SIGINT) stops it cleanly: no new round starts, the running one is asked to stop
(Scrapy finishes what is in flight) and, past a grace period, killed; its leases expire or are given
back.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

from aggregator.core import Aggregator
from aggregator.models import utcnow

# Seconds between the starts of two link checks, at least.
LINK_CHECK_SPACING = 3600.0


class Scheduler:
    """Starts one crawl round at a time whenever sources are due, until told to stop."""

    def __init__(
        self,
        core: Aggregator,
        *,
        tick: float = 30.0,
        grace: float = 60.0,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.core = core
        self.tick = tick
        self.grace = grace
        self.echo = echo
        self.stopping = threading.Event()
        self._child: subprocess.Popen[bytes] | None = None
        self._link_check: subprocess.Popen[bytes] | None = None
        self._link_check_started = -LINK_CHECK_SPACING

    def install_signal_handlers(self) -> None:
        """Make SIGTERM and SIGINT stop the scheduler cleanly."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.echo(f"{_now()} received {signal.Signals(signum).name}: stopping after the current round")
        self.stopping.set()

    def run(self) -> int:
        """Run rounds until stopped; return the exit status."""
        self.echo(f"{_now()} scheduler started (checking every {self.tick:g}s)")
        while not self.stopping.is_set():
            if self._child is not None and self._child.poll() is not None:
                self.echo(f"{_now()} round ended with status {self._child.returncode}")
                self._child = None
            if self.core.config.redis_url:
                self._seed_round()
            elif self._child is None and (due := self.core.sources.due_count()) > 0:
                self.echo(f"{_now()} {due} sources due: starting a round")
                self._child = subprocess.Popen(
                    [sys.executable, "-m", "aggregator", "crawl", "--due", "--trigger", "scheduler"]
                )
            self._maybe_check_links()
            self.stopping.wait(self.tick)
        self._stop_child()
        self._stop(self._link_check, "the link check")
        self.echo(f"{_now()} scheduler stopped")
        return 0

    def _seed_round(self) -> None:
        # With a shared Redis the workers crawl: a round is only seeded, here, in a moment. Sources
        # of a round still running are leased, so they are not seeded twice.
        from aggregator.crawl.distributed.rounds import rounds_for

        if self.core.sources.due_count() == 0:
            return
        outcome = rounds_for(self.core).seed(due_only=True, trigger="scheduler")
        if outcome.run_id is not None:
            self.echo(
                f"{_now()} round {outcome.run_id}: seeded {len(outcome.seeded)} sources for the workers"
            )

    def _maybe_check_links(self) -> None:
        """Start a check of the published links not checked within the interval, when none runs."""
        days = self.core.config.link_check_days
        if self._link_check is not None:
            if self._link_check.poll() is None:
                return
            self.echo(f"{_now()} link check ended with status {self._link_check.returncode}")
            self._link_check = None
        if days <= 0 or time.monotonic() - self._link_check_started < LINK_CHECK_SPACING:
            return
        due = len(self.core.links.due(older_than=dt.timedelta(days=days)))
        if due:
            self.echo(f"{_now()} {due} published links due for a check: starting it")
            self._link_check_started = time.monotonic()
            self._link_check = subprocess.Popen(
                [sys.executable, "-m", "aggregator", "links", "check", "--due"]
            )

    def _stop_child(self) -> None:
        self._stop(self._child, "the round")

    def _stop(self, child: subprocess.Popen[bytes] | None, what: str) -> None:
        if child is None or child.poll() is not None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(self.grace)
        except subprocess.TimeoutExpired:
            self.echo(f"{_now()} {what} did not stop within {self.grace:g}s: killing it")
            child.kill()
            child.wait()


def _now() -> str:
    return utcnow().strftime("%Y-%m-%d %H:%M:%S")
