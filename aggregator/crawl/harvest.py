"""A crawl in progress: the core it writes through, its run, and each source's running tally.

Spiders and pipelines share one Harvest; it knows nothing of Scrapy, so the same bookkeeping serves
a crawl started by the CLI, by ``scrapy crawl`` or (later) by the scheduler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aggregator.core import Aggregator
from aggregator.crawl.owners import new_owner
from aggregator.enums import RunStatus
from aggregator.extract.pool import ExtractorPool
from aggregator.services.runs import RunView, SourceTally
from aggregator.services.topics import TopicView

ProgressHook = Callable[[str, SourceTally], None]


@dataclass(frozen=True, slots=True)
class Validators:
    """What a feed answered with, to send back in the next conditional request."""

    etag: str | None
    last_modified: str | None
    fresh_for: float | None = None


class Harvest:
    """The shared state of one crawl run."""

    def __init__(self, core: Aggregator, run_id: int, progress: ProgressHook | None = None) -> None:
        self.core = core
        self.run_id = run_id
        self.tallies: dict[int, SourceTally] = {}
        self._names: dict[int, str] = {}
        self._validators: dict[int, Validators] = {}
        self._progress = progress
        # Set to the close reason when a spider stopped early (Ctrl-C, SIGTERM): the run is "failed".
        self.interrupted: str | None = None
        self._extractor: ExtractorPool | None = None
        self._topics: list[TopicView] | None = None
        # Canonical URLs of the articles between the dedup stage and storage.
        self._in_flight: set[str] = set()
        self._keeper: Any = None

    @classmethod
    def start(
        cls, core: Aggregator, *, trigger: str, progress: ProgressHook | None = None, owner: str | None = None
    ) -> Harvest:
        """Record a new crawl run (held by ``owner``, by default this process) and return its harvest."""
        harvest = cls(core, core.runs.start(trigger=trigger, owner=owner or new_owner()), progress)
        if core.db.dialect == "sqlite":
            # SQLite checkpoints and deletes its write-ahead log whenever the last connection to the
            # file closes: without this idle connection, after every item's transaction (a sync to
            # disk per item). Idle and outside any transaction, it holds no lock.
            harvest._keeper = core.db.engine.raw_connection()
        return harvest

    @property
    def extractor(self) -> ExtractorPool:
        """Return the crawl's extraction workers, started on first use."""
        if self._extractor is None:
            config = self.core.config
            self._extractor = ExtractorPool(
                workers=config.extract_workers,
                time_limit=config.extract_time_limit,
                max_bytes=config.max_page_bytes,
            )
        return self._extractor

    @property
    def topics(self) -> list[TopicView]:
        """Return the topics items are scored against, read once per crawl."""
        if self._topics is None:
            self._topics = self.core.topics.all()
        return self._topics

    @property
    def topic_terms(self) -> list[str]:
        """Return every topic's include terms, in every language, for proposing excerpts that carry them."""
        terms = [term for topic in self.topics for term in topic.include_terms]
        terms += [t for topic in self.topics for include, _ in topic.language_terms.values() for t in include]
        return terms

    def claim(self, canonical_url: str) -> bool:
        """Return True when no other copy of this article is on its way to storage, and claim it."""
        if canonical_url in self._in_flight:
            return False
        self._in_flight.add(canonical_url)
        return True

    def release(self, canonical_url: str) -> None:
        """Give up the claim on an article once it is stored or dropped."""
        self._in_flight.discard(canonical_url)

    def begin_source(self, source_id: int, name: str) -> SourceTally:
        """Open (or return) the tally of a source this crawl visits."""
        self._names[source_id] = name
        return self.tallies.setdefault(source_id, SourceTally())

    def tally(self, source_id: int) -> SourceTally:
        """Return the tally of a source already begun."""
        return self.tallies[source_id]

    def changed(self, source_id: int) -> None:
        """Tell the progress display that a source's counts moved."""
        if self._progress is not None:
            self._progress(self._names.get(source_id, str(source_id)), self.tallies[source_id])

    def feed_read(self, source_id: int, validators: Validators) -> None:
        """Keep a feed's validators until the crawl ends cleanly.

        They are stored only at the end: a crawl killed half-way must fetch the whole feed again
        next time, or a 304 would hide the entries it never got to store.
        """
        self._validators[source_id] = validators

    def source_done(self, source_id: int) -> None:
        """Store what a source's crawl left: its validators (after a complete crawl only) and health."""
        tally = self.tallies.get(source_id)
        validators = self._validators.pop(source_id, None)
        if tally is None or self.interrupted:
            return
        if validators is not None:
            self.core.sources.record_success(
                source_id,
                etag=validators.etag,
                last_modified=validators.last_modified,
                fresh_for=validators.fresh_for,
                warning=tally.warning_text,
            )
        elif tally.not_modified:
            self.core.sources.record_not_modified(source_id, fresh_for=tally.fresh_for)

    def finish(self, *, status: str = RunStatus.FINISHED) -> RunView:
        """Store every source's counts and close the run ("failed" if a spider was interrupted)."""
        final = RunStatus.FAILED if self.interrupted else status
        if self._extractor is not None:
            self._extractor.close()
            self._extractor = None
        try:
            return self.core.runs.finish(self.run_id, self.tallies, status=final)
        finally:
            if self._keeper is not None:
                self._keeper.close()
                self._keeper = None
