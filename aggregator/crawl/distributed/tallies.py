"""A distributed round's bookkeeping in the database: run lines counted up atomically, per-source leases.

Many workers add to one source's line at once, so every change is one ``UPDATE ... SET x = x + n``:
no worker reads a count and writes it back (which would lose the other workers' additions).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import case, func, insert, select, update

from aggregator.db import Database
from aggregator.enums import RunStatus
from aggregator.models import CrawlRun, CrawlRunSource, Source, utcnow
from aggregator.services.runs import ERROR_TEXT_LIMIT, SourceTally


class RoundTallies:
    """Opens, counts up and closes the crawl run of a distributed round."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def open_lines(self, run_id: int, source_ids: Iterable[int]) -> None:
        """Create the zeroed line of each source in the run, so every worker only ever adds."""
        rows = [{"run_id": run_id, "source_id": source_id} for source_id in source_ids]
        if not rows:
            return
        with self._db.write() as session:
            session.execute(insert(CrawlRunSource), rows)

    def add(self, run_id: int, source_id: int, delta: SourceTally) -> None:
        """Add ``delta``'s counts (and error messages) to a source's line in one statement."""
        line = CrawlRunSource
        values: dict[str, object] = {
            "entries": line.entries + delta.entries,
            "fetched": line.fetched + delta.fetched,
            "new": line.new + delta.new,
            "duplicates": line.duplicates + delta.duplicates,
            "updated": line.updated + delta.updated,
            "unchanged": line.unchanged + delta.unchanged,
            "failed": line.failed + delta.failed,
            "errors": line.errors + delta.errors,
        }
        if delta.not_modified:
            values["not_modified"] = True
        if delta.warnings:
            values["warnings"] = line.warnings + len(delta.warnings)
            warning = "; ".join(delta.warnings)[:ERROR_TEXT_LIMIT]
            values["warning"] = case(
                (line.warning.is_(None), warning),
                else_=func.substr(line.warning + "; " + warning, 1, ERROR_TEXT_LIMIT),
            )
        if delta.messages:
            message = "; ".join(delta.messages)[:ERROR_TEXT_LIMIT]
            # The first messages are kept whole; past the limit the line says how many errors in all.
            values["error"] = case(
                (line.error.is_(None), message),
                else_=func.substr(line.error + "; " + message, 1, ERROR_TEXT_LIMIT),
            )
        statement = update(line).where(line.run_id == run_id, line.source_id == source_id).values(values)
        with self._db.write() as session:
            session.execute(statement)

    def warning(self, run_id: int, source_id: int) -> str | None:
        """Return the warnings the workers added to a source's line of the round, or None."""
        query = select(CrawlRunSource.warning).where(
            CrawlRunSource.run_id == run_id, CrawlRunSource.source_id == source_id
        )
        with self._db.read() as session:
            return session.scalar(query)

    def close(self, run_id: int, status: str) -> None:
        """Mark a round's run over (``finished`` or ``failed``), keeping the counts the workers added."""
        with self._db.write() as session:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id, CrawlRun.status == RunStatus.RUNNING)
                .values(status=status, finished_at=utcnow())
            )

    def is_running(self, run_id: int) -> bool:
        """Return True while the run is neither finished nor failed."""
        with self._db.read() as session:
            return session.scalar(select(CrawlRun.status).where(CrawlRun.id == run_id)) == RunStatus.RUNNING

    def release(self, source_id: int, owner: str) -> None:
        """Give back one source's lease if ``owner`` still holds it."""
        with self._db.write() as session:
            session.execute(
                update(Source)
                .where(Source.id == source_id, Source.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )
