"""Crawl runs: what each crawl got from each source, kept so curators and operators can see it later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from aggregator.db import Database
from aggregator.enums import RunStatus
from aggregator.errors import NotFound
from aggregator.models import CrawlRun, CrawlRunSource, Source, utcnow
from aggregator.records import json_record

ERROR_TEXT_LIMIT = 4000
# A crawl of one process running this long is dead, whatever host it ran on (a crawl's leases expire
# after 3 hours, so it could not still be crawling).
ABANDONED = dt.timedelta(hours=6)


# What can become of an entry; each entry a crawl handles ends as exactly one of them, so
# entries = new + updated + unchanged + duplicates + failed.
OUTCOMES = ("new", "updated", "unchanged", "duplicates", "failed")


# The tally's counts a run's line stores as they are (the messages are stored cut to length).
_STORED_COUNTS = ("entries", "fetched", *OUTCOMES, "errors", "not_modified")


@dataclass(slots=True)
class SourceTally:
    """Counts for one source during one crawl; the spider and the pipelines add to it as they go.

    ``entries`` counts every link handled (the source's entries, and stored items tried again);
    each ends as one outcome: ``new`` (stored), ``updated`` (a stored stand-in got its page),
    ``unchanged`` (known already), ``duplicates`` (a copy of another item, or of another source's
    link in this crawl) or ``failed`` (nothing could be stored). ``fetched`` counts pages downloaded
    and ``errors`` the problems met, whatever became of the entry.
    """

    entries: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: int = 0
    not_modified: bool = False
    messages: list[str] = field(default_factory=list)
    fresh_for: float | None = None  # Cache-Control max-age of a 304, for scheduling
    # What was read only leniently (a document not well-formed, a feed cut short): not an error.
    warnings: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        """Count one error and keep its message."""
        self.errors += 1
        self.messages.append(message)

    def warn(self, message: str) -> None:
        """Keep a warning: something read leniently, which the source's health shows apart from errors."""
        self.warnings.append(message)

    @property
    def error_text(self) -> str | None:
        """Return the error messages as one line, the first few in full."""
        return _summary(self.messages)

    @property
    def warning_text(self) -> str | None:
        """Return the warnings as one line, the first few in full."""
        return _summary(self.warnings)


def _summary(messages: list[str]) -> str | None:
    if not messages:
        return None
    shown = messages[:3]
    more = len(messages) - len(shown)
    text = "; ".join(shown)
    return f"{text}; and {more} more" if more else text


@dataclass(frozen=True, slots=True)
class RunSourceView:
    """One source's line in a crawl's summary."""

    source: str
    entries: int
    fetched: int
    new: int
    duplicates: int
    errors: int
    not_modified: bool
    error: str | None
    warnings: int = 0
    warning: str | None = None
    updated: int = 0
    unchanged: int = 0
    failed: int = 0

    @property
    def status(self) -> str:
        """Return ``ok``, ``not modified``, ``partial`` (some articles failed) or ``failed``."""
        if self.errors and not (self.entries or self.fetched):
            return "failed"
        if self.errors:
            return "partial"
        return "not modified" if self.not_modified else "ok"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        # ``status`` says what not_modified did.
        return {
            "source": self.source,
            "status": self.status,
            **json_record(self, exclude=("source", "not_modified")),
        }


@dataclass(frozen=True, slots=True)
class RunView:
    """A crawl run and its per-source lines."""

    id: int
    status: str
    trigger: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    sources: tuple[RunSourceView, ...]

    @property
    def failed_sources(self) -> list[RunSourceView]:
        """Return the lines of sources that reported any error."""
        return [s for s in self.sources if s.errors]


class RunService:
    """Starts, finishes and reports crawl runs."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def start(self, *, trigger: str = "cli", owner: str | None = None) -> int:
        """Record that a crawl began (run by ``owner``, a process) and return its id."""
        with self._db.write() as session:
            run = CrawlRun(trigger=trigger, owner=owner)
            session.add(run)
            session.flush()
            return run.id

    def finish(
        self, run_id: int, tallies: Mapping[int, SourceTally], *, status: str = RunStatus.FINISHED
    ) -> RunView:
        """Store the per-source counts of a crawl and mark it over."""
        with self._db.write() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise NotFound(f"no crawl run {run_id}")
            for source_id, tally in tallies.items():
                line = session.scalar(
                    select(CrawlRunSource).where(
                        CrawlRunSource.run_id == run_id, CrawlRunSource.source_id == source_id
                    )
                )
                if line is None:
                    line = CrawlRunSource(run_id=run_id, source_id=source_id)
                    session.add(line)
                for name in _STORED_COUNTS:
                    setattr(line, name, getattr(tally, name))
                error = tally.error_text
                line.error = error[:ERROR_TEXT_LIMIT] if error else None
                line.warnings = len(tally.warnings)
                warning = tally.warning_text
                line.warning = warning[:ERROR_TEXT_LIMIT] if warning else None
            run.status = status
            run.finished_at = utcnow()
        return self.get(run_id)

    def close_abandoned(
        self, is_stale: Callable[[str], bool], *, older_than: dt.timedelta = ABANDONED
    ) -> int:
        """Mark failed the runs still "running" whose process is known dead, or that began too long ago.

        Return how many were closed. A distributed round has no one process; its own lease closes it.
        """
        now = utcnow()
        with self._db.write() as session:
            running = session.scalars(select(CrawlRun).where(CrawlRun.status == RunStatus.RUNNING))
            closed = 0
            for run in running:
                dead = run.owner is not None and is_stale(run.owner)
                if dead or (run.owner is not None and run.started_at < now - older_than):
                    run.status = RunStatus.FAILED
                    run.finished_at = now
                    closed += 1
            return closed

    def recent(self, limit: int = 20) -> list[RunView]:
        """Return the latest ``limit`` crawl runs, newest first, each with its per-source lines."""
        with self._db.read() as session:
            ids = list(session.scalars(select(CrawlRun.id).order_by(CrawlRun.id.desc()).limit(limit)))
        return [self.get(run_id) for run_id in ids]

    def get(self, run_id: int) -> RunView:
        """Return a crawl run with its per-source lines, in source order."""
        with self._db.read() as session:
            run = session.get(CrawlRun, run_id, options=[selectinload(CrawlRun.sources)])
            if run is None:
                raise NotFound(f"no crawl run {run_id}")
            names = {sid: name for sid, name in session.execute(select(Source.id, Source.name))}
            lines = tuple(
                RunSourceView(
                    source=names.get(line.source_id, f"#{line.source_id}"),
                    entries=line.entries,
                    fetched=line.fetched,
                    new=line.new,
                    duplicates=line.duplicates,
                    errors=line.errors,
                    not_modified=line.not_modified,
                    error=line.error,
                    warnings=line.warnings,
                    warning=line.warning,
                    updated=line.updated,
                    unchanged=line.unchanged,
                    failed=line.failed,
                )
                for line in sorted(run.sources, key=lambda line: line.source_id)
            )
            return RunView(run.id, run.status, run.trigger, run.started_at, run.finished_at, lines)
