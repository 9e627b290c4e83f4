"""The Harvest of a crawl worker: counts go to the rounds' run lines as they happen, not at the end.

A worker outlives any one round and shares each round with other workers, so it has no run of its
own: every change to a source's tally is added to the line of the round that source is in (one
atomic statement) and the tally starts again from zero. Validators go to Redis until the round is
complete; a worker stopping is not the end of any source's round.
"""

from __future__ import annotations

from aggregator.core import Aggregator
from aggregator.crawl.distributed.holdings import Holdings
from aggregator.crawl.distributed.rounds import Rounds
from aggregator.crawl.harvest import Harvest, Validators
from aggregator.enums import RunStatus
from aggregator.services.runs import OUTCOMES, RunView, SourceTally


class DistributedHarvest(Harvest):
    """The shared state of one worker process: its core, its rounds and the counts not yet added."""

    def __init__(self, core: Aggregator, rounds: Rounds, holdings: Holdings | None = None) -> None:
        super().__init__(core, run_id=0)
        self.rounds = rounds
        self.holdings = holdings or Holdings(
            rounds.redis, rounds.keys, timeout=core.config.worker_visibility_timeout
        )
        self.round_of: dict[int, int] = {}
        # Set by SIGTERM / SIGINT: take no new work, finish what is in hand, then stop.
        self.draining = False
        self.responses = 0

    def enter(self, source_id: int, run_id: int) -> None:
        """Note that the work in hand for ``source_id`` belongs to round ``run_id``."""
        if self.round_of.get(source_id, run_id) != run_id:
            self.flush(source_id)
        self.round_of[source_id] = run_id

    def tally(self, source_id: int) -> SourceTally:
        """Return the counts of a source not yet added to its round's line."""
        return self.tallies.setdefault(source_id, SourceTally())

    def begin_source(self, source_id: int, name: str) -> SourceTally:
        """Return the source's tally (a worker learns names from nobody; ids are enough)."""
        return self.tally(source_id)

    def changed(self, source_id: int) -> None:
        """Add what moved to the round's line at once, so no count waits on this worker's life."""
        self.flush(source_id)

    def flush(self, source_id: int) -> None:
        """Add the source's pending counts to its round's line and start them from zero."""
        tally = self.tallies.get(source_id)
        run_id = self.round_of.get(source_id)
        if tally is None or run_id is None or _is_zero(tally):
            return
        self.tallies[source_id] = SourceTally()
        if tally.not_modified:
            self.rounds.not_modified(run_id, source_id, tally.fresh_for)
        self.rounds.add_counts(run_id, source_id, tally)

    def feed_read(self, source_id: int, validators: Validators) -> None:
        """Keep a source's validators in Redis until its round is complete."""
        run_id = self.round_of.get(source_id)
        if run_id is not None:
            self.rounds.keep_validators(run_id, source_id, validators)

    def source_done(self, source_id: int) -> None:
        """Add what is left of the source's counts; its health is stored when its round completes."""
        self.flush(source_id)

    def finish(self, *, status: str = RunStatus.FINISHED) -> RunView:
        """Refuse: runs of distributed rounds are closed by the rounds, never by one worker."""
        raise RuntimeError("a worker does not finish runs; its rounds do")

    def close(self) -> None:
        """Add every pending count and stop the extraction workers."""
        for source_id in list(self.tallies):
            self.flush(source_id)
        if self._extractor is not None:
            self._extractor.close()
            self._extractor = None


def _is_zero(tally: SourceTally) -> bool:
    counts = (tally.entries, tally.fetched, tally.errors, *(getattr(tally, name) for name in OUTCOMES))
    return not any(counts) and not tally.not_modified and not tally.messages and not tally.warnings
