"""The names of every Redis key the distributed crawl uses, all under one prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keys:
    """Redis key names under ``prefix``."""

    prefix: str

    @property
    def jobs(self) -> str:
        """Return the list of source jobs waiting for a worker."""
        return f"{self.prefix}:jobs"

    @property
    def requests(self) -> str:
        """Return the scrapy-redis request queue shared by the workers."""
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        """Return the stem of the per-round request fingerprint sets."""
        return f"{self.prefix}:dupefilter"

    @property
    def rounds(self) -> str:
        """Return the set of rounds (run ids) seeded and not yet closed."""
        return f"{self.prefix}:rounds"

    def round(self, run_id: int) -> str:
        """Return the hash describing one round: its lease owner and deadline."""
        return f"{self.prefix}:round:{run_id}"

    def round_sources(self, run_id: int) -> str:
        """Return the set of a round's sources that are not complete yet."""
        return f"{self.prefix}:round:{run_id}:sources"

    def open(self, run_id: int, source_id: int) -> str:
        """Return the set of a source's requests and items still open in a round."""
        return f"{self.prefix}:round:{run_id}:{source_id}:open"

    def state(self, run_id: int, source_id: int) -> str:
        """Return the hash of what a round learnt of a source's own document (validators, 304)."""
        return f"{self.prefix}:round:{run_id}:{source_id}:state"

    @property
    def workers(self) -> str:
        """Return the set of workers that have held work and not yet been reaped."""
        return f"{self.prefix}:workers"

    @property
    def worker_prefix(self) -> str:
        """Return the stem of a worker's own keys (its heartbeat and what it holds)."""
        return f"{self.prefix}:worker:"

    def worker_alive(self, worker: str) -> str:
        """Return a worker's heartbeat key, which expires when the worker stops renewing it."""
        return f"{self.worker_prefix}{worker}:alive"

    def worker_held(self, worker: str) -> str:
        """Return the hash of what a worker holds: marker -> where it goes back if the worker dies."""
        return f"{self.worker_prefix}{worker}:held"

    def host(self, slot: str) -> str:
        """Return the sorted set of a host's download slots in use, scored by expiry."""
        return f"{self.prefix}:host:{slot}:slots"

    def host_next(self, slot: str) -> str:
        """Return the key holding when a host may be asked next (milliseconds, Redis clock)."""
        return f"{self.prefix}:host:{slot}:next"
