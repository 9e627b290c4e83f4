"""When each source is crawled next: its interval (with jitter), backoff after failures, parking.

A source that fails is retried later and later (doubling, capped); after ``park_after`` failures in a
row it is parked: probed once a day, shown as parked, until it answers again or someone re-enables
it. A server's own word wins when it asks for more time (Retry-After, Cache-Control max-age).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from aggregator.services.kinds import KINDS

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """The numbers behind every source's schedule."""

    park_after: int = 8
    max_backoff: int = 86400
    parked_probe: int = 86400
    jitter: float = 0.1
    # A server cannot push a source out further than this, whatever it says.
    max_server_delay: int = 7 * 86400

    def interval(self, kind: str, interval_seconds: int | None) -> int:
        """Return how often a source of ``kind`` is crawled when all is well."""
        known = KINDS.get(kind)
        return interval_seconds or (known.interval if known else 3600)

    def after_success(
        self, now: dt.datetime, interval: int, fresh_for: float | None, rng: random.Random | None = None
    ) -> dt.datetime:
        """Return the next check after a good crawl: the interval, jittered, or longer if still fresh."""
        spread = (rng or random).uniform(1 - self.jitter, 1 + self.jitter)
        wait = max(interval * spread, min(fresh_for or 0, self.max_server_delay))
        return now + dt.timedelta(seconds=wait)

    def after_failure(
        self, now: dt.datetime, interval: int, failures: int, parked: bool, retry_after: float | None
    ) -> dt.datetime:
        """Return the next check after the ``failures``-th failure in a row."""
        backoff = self.parked_probe if parked else min(interval * 2 ** max(failures - 1, 0), self.max_backoff)
        wait = max(backoff, min(retry_after or 0, self.max_server_delay))
        return now + dt.timedelta(seconds=wait)


def max_age(cache_control: str | None) -> float | None:
    """Return the freshness lifetime a Cache-Control header gives, in seconds, or None."""
    if not cache_control:
        return None
    if "no-store" in cache_control.lower() or "no-cache" in cache_control.lower():
        return None
    match = _MAX_AGE.search(cache_control)
    return float(match.group(1)) if match else None
