"""Rounds: seeding sources into the shared queue, and knowing when a source's round is complete.

Each source of a round has a set in Redis of what is still open for it: the job itself, each request
(``r:<url>``) and each item (``i:<link>``). Whoever hands on new work adds it before the old work is
closed, so the set is empty only once everything the source led to is stored or given up. The worker
that empties it (one atomic script, so exactly one) records the source's health and validators and
gives back its lease. A worker killed mid-request leaves its members in the set: the round then never
completes, no validators are stored (a 304 next time would hide what was lost), and when the lease
lapses the next round seeds the source again; unsettled pages are fetched again and storage, keyed on
the canonical URL, stores nothing twice.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis

from aggregator.core import Aggregator
from aggregator.crawl.distributed.holdings import reap
from aggregator.crawl.distributed.keys import Keys
from aggregator.crawl.distributed.tallies import RoundTallies
from aggregator.crawl.harvest import Validators
from aggregator.enums import RunStatus
from aggregator.errors import InvalidInput
from aggregator.services.runs import SourceTally

log = logging.getLogger(__name__)

JOB_MARKER = "job"

# SREM the member; if that emptied the source's set, take the source off the round's open sources.
# Returns 0 (still open, or the member was not there), 1 (source complete) or 2 (round complete too).
_SETTLE = """
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('SCARD', KEYS[1]) > 0 then return 0 end
if redis.call('SREM', KEYS[2], ARGV[2]) == 0 then return 0 end
if redis.call('SCARD', KEYS[2]) == 0 then return 2 end
return 1
"""


@dataclass(frozen=True, slots=True)
class Job:
    """One source to crawl in one round, as a worker reads it from the queue."""

    run_id: int
    source_id: int

    def encode(self) -> str:
        """Return the job as the JSON the queue holds."""
        return json.dumps({"run": self.run_id, "source": self.source_id})

    @classmethod
    def decode(cls, data: str | bytes) -> Job:
        """Return the job in ``data``; raise InvalidInput for anything else."""
        try:
            raw = json.loads(data)
            return cls(run_id=int(raw["run"]), source_id=int(raw["source"]))
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(f"not a source job: {data[:200]!r}") from None


@dataclass(frozen=True, slots=True)
class SeedOutcome:
    """A seeding round's run id (None when nothing was seeded), what it seeded, and who was busy."""

    run_id: int | None
    seeded: list[str]
    busy: list[str]


class Rounds:
    """Seeds rounds and tracks what is open in them, over one Redis and one database."""

    def __init__(self, core: Aggregator, client: redis.Redis, keys: Keys) -> None:
        self.core = core
        self.redis = client
        self.keys = keys
        self.tallies = RoundTallies(core.db)
        self._settle = client.register_script(_SETTLE)

    @property
    def ttl(self) -> int:
        """Return how long a round's keys live: past its lease, they only matter to nobody."""
        return 2 * self.core.config.round_lease + 60

    # --- seeding ---------------------------------------------------------------------------------

    def seed(self, *, names: Iterable[str] = (), due_only: bool = False, trigger: str = "cli") -> SeedOutcome:
        """Lease the sources (named, all enabled, or the due ones), open a run and queue one job each."""
        core = self.core
        core.db.require_schema()
        self.close_lapsed()
        wanted = list(names)
        if wanted:
            core.sources.to_crawl(names=wanted)  # unknown names fail here, before any lease
        elif not due_only and not core.sources.to_crawl():
            raise InvalidInput("no enabled sources to crawl: add one with `aggregator sources add URL`")
        owner = f"round:{uuid.uuid4().hex[:12]}"
        lease = core.config.round_lease
        sources, busy = core.sources.claim(owner, names=wanted, due_only=due_only, lease_seconds=lease)
        if not sources:
            return SeedOutcome(None, [], busy)
        run_id = core.runs.start(trigger=trigger)
        self.tallies.open_lines(run_id, [s.id for s in sources])
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.keys.round(run_id), mapping={"owner": owner, "deadline": time.time() + lease})
        pipe.expire(self.keys.round(run_id), self.ttl)
        pipe.sadd(self.keys.rounds, run_id)
        pipe.sadd(self.keys.round_sources(run_id), *[s.id for s in sources])
        pipe.expire(self.keys.round_sources(run_id), self.ttl)
        for source in sources:
            pipe.sadd(self.keys.open(run_id, source.id), JOB_MARKER)
            pipe.expire(self.keys.open(run_id, source.id), self.ttl)
        pipe.rpush(self.keys.jobs, *[Job(run_id, s.id).encode() for s in sources])
        pipe.execute()
        return SeedOutcome(run_id, [s.name for s in sources], busy)

    def close_lapsed(self) -> list[int]:
        """Close the rounds whose lease has passed as failed (their sources are due again); return them.

        What dead workers held goes back on the queues first: their rounds can still complete.
        """
        reap(self.redis, self.keys)
        lapsed = []
        now = time.time()
        for member in cast(set[str], self.redis.smembers(self.keys.rounds)):
            run_id = int(member)
            deadline = self.redis.hget(self.keys.round(run_id), "deadline")
            if deadline is not None and float(cast(str, deadline)) > now:
                continue
            self.tallies.close(run_id, RunStatus.FAILED)
            self._forget(run_id)
            lapsed.append(run_id)
        return lapsed

    def _forget(self, run_id: int) -> None:
        open_sources = cast(set[str], self.redis.smembers(self.keys.round_sources(run_id)))
        doomed = [self.keys.round(run_id), self.keys.round_sources(run_id)]
        doomed += [self.keys.open(run_id, int(s)) for s in open_sources]
        doomed += [self.keys.state(run_id, int(s)) for s in open_sources]
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(*doomed)
        pipe.srem(self.keys.rounds, run_id)
        pipe.execute()

    # --- what is open ----------------------------------------------------------------------------

    def register(self, run_id: int, source_id: int, markers: Sequence[str]) -> None:
        """Note new open work of a source in a round (before the work that led to it is settled)."""
        if not markers:
            return
        key = self.keys.open(run_id, source_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(key, *markers)
        pipe.expire(key, self.ttl)
        pipe.execute()

    def settle(self, run_id: int, source_id: int, marker: str) -> None:
        """Close one piece of work; the worker that closes a source's last one completes the source."""
        keys = [self.keys.open(run_id, source_id), self.keys.round_sources(run_id)]
        outcome = int(cast(Any, self._settle(keys=keys, args=[marker, source_id])))
        if outcome:
            self._complete(run_id, source_id)
        if outcome == 2:
            self.tallies.close(run_id, RunStatus.FINISHED)
            self._forget(run_id)

    def keep_validators(self, run_id: int, source_id: int, validators: Validators) -> None:
        """Remember what a source's own document answered, to store once the round is complete."""
        state = {
            "status": "read",
            "etag": validators.etag or "",
            "last_modified": validators.last_modified or "",
        }
        self._set_state(run_id, source_id, state, validators.fresh_for)

    def not_modified(self, run_id: int, source_id: int, fresh_for: float | None) -> None:
        """Remember that a source's own document answered 304."""
        self._set_state(run_id, source_id, {"status": "not_modified"}, fresh_for)

    def _set_state(self, run_id: int, source_id: int, state: dict[str, str], fresh_for: float | None) -> None:
        key = self.keys.state(run_id, source_id)
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(key)
        fields = dict(state)
        fields["fresh_for"] = "" if fresh_for is None else repr(fresh_for)
        pipe.hset(key, mapping=cast(dict[Any, Any], fields))
        pipe.expire(key, self.ttl)
        pipe.execute()

    def _complete(self, run_id: int, source_id: int) -> None:
        state = cast(dict[str, str], self.redis.hgetall(self.keys.state(run_id, source_id)))
        fresh_for = float(state["fresh_for"]) if state.get("fresh_for") else None
        sources = self.core.sources
        # Like a crawl in one process: the validators of a complete round are stored (and a failure
        # met on a later page of the same round is forgiven, the source having answered).
        if state.get("status") == "read":
            sources.record_success(
                source_id,
                etag=state.get("etag") or None,
                last_modified=state.get("last_modified") or None,
                fresh_for=fresh_for,
                warning=self.tallies.warning(run_id, source_id),
            )
        elif state.get("status") == "not_modified":
            sources.record_not_modified(source_id, fresh_for=fresh_for)
        owner = self.redis.hget(self.keys.round(run_id), "owner")
        if owner:
            self.tallies.release(source_id, cast(str, owner))
        self.redis.delete(self.keys.state(run_id, source_id), self.keys.open(run_id, source_id))

    # --- counts ----------------------------------------------------------------------------------

    def add_counts(self, run_id: int, source_id: int, delta: SourceTally) -> None:
        """Add a worker's counts for a source to the round's run line."""
        self.tallies.add(run_id, source_id, delta)

    def pending(self) -> int:
        """Return how many jobs and requests wait in the shared queue."""
        return int(self.redis.llen(self.keys.jobs)) + int(self.redis.zcard(self.keys.requests))

    def is_open(self, run_id: int) -> bool:
        """Return True while a round's run is still running."""
        return self.tallies.is_running(run_id)


def rounds_for(core: Aggregator) -> Rounds:
    """Return the rounds of ``core``'s installation, over its configured Redis."""
    from aggregator.crawl.distributed.connection import connect

    return Rounds(core, connect(core.config), Keys(core.config.redis_prefix))
