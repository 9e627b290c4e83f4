"""Coverage: which sources feed which topics month by month, what curators made of it, who went quiet.

An item counts in the month it was harvested (first seen), as harvested and as what it is now:
approved, rejected or still new, so each month's figures add up. An item on a topic is one a rule
scored above zero or a curator assigned; an item on two topics counts on both, once per source.
Syndicated copies folded into another item are left out: the original counts.

A source is **quiet** when its newest item is older than twice its usual gap, the median gap between
the publication dates of its last items (at least a day, as few sources are read more often).
"""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from aggregator.db import Database
from aggregator.errors import InvalidInput
from aggregator.models import Item, ItemTopic, Source, Topic, utcnow
from aggregator.records import json_record

# The latest items whose gaps give a source's usual gap.
GAP_SAMPLE = 21
MIN_GAP = dt.timedelta(days=1)
QUIET_FACTOR = 2
MAX_MONTHS = 120
NO_TOPIC = ""


@dataclass(slots=True)
class Counts:
    """Items harvested in a month, and what they are now."""

    harvested: int = 0
    approved: int = 0
    rejected: int = 0
    new: int = 0

    def add(self, status: str, count: int) -> None:
        """Count ``count`` items now of ``status``."""
        self.harvested += count
        if status in ("approved", "rejected", "new"):
            setattr(self, status, getattr(self, status) + count)

    def as_dict(self) -> dict[str, int]:
        """Return a JSON-ready mapping."""
        return json_record(self)


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    """One source over the period: its counts, its topics, and whether it went quiet."""

    name: str
    enabled: bool
    counts: Counts
    last_item_at: dt.datetime | None
    usual_gap: dt.timedelta | None
    quiet: bool


@dataclass(slots=True)
class CoverageReport:
    """The months of the period, and the counts per source, per topic and per source and topic."""

    months: list[str]
    sources: list[SourceCoverage]
    topics: list[str]
    # (source, month) -> counts; (topic, month) -> counts; (month, source, topic) -> counts
    by_source: dict[tuple[str, str], Counts] = field(default_factory=dict)
    by_topic: dict[tuple[str, str], Counts] = field(default_factory=dict)
    cells: dict[tuple[str, str, str], Counts] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, str, Counts]]:
        """Return (month, source, topic, counts) for every month, source and topic with items, in order."""
        return [(m, s, t, c) for (m, s, t), c in sorted(self.cells.items())]

    def topic_totals(self) -> dict[str, Counts]:
        """Return each topic's counts over the period."""
        totals: dict[str, Counts] = {}
        for (topic, _), counts in self.by_topic.items():
            total = totals.setdefault(topic, Counts())
            for status in ("approved", "rejected", "new"):
                total.add(status, getattr(counts, status))
        return totals


def month_of(when: dt.datetime) -> str:
    """Return the month of a UTC time as "YYYY-MM"."""
    return f"{when.year:04d}-{when.month:02d}"


def months_back(now: dt.datetime, months: int) -> list[str]:
    """Return the last ``months`` months up to ``now``'s, oldest first."""
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(f"a coverage report covers 1 to {MAX_MONTHS} months, not {months}")
    year, month = now.year, now.month
    found = []
    for _ in range(months):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


class CoverageService:
    """Every rule about coverage lives here."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def report(self, *, months: int = 12, now: dt.datetime | None = None) -> CoverageReport:
        """Return the coverage of the last ``months`` months (this one included)."""
        now = now or utcnow()
        period = months_back(now, months)
        start = dt.datetime.strptime(period[0], "%Y-%m").replace(tzinfo=dt.UTC)
        month = self._month(Item.first_seen_at)
        original = Item.duplicate_of_id.is_(None)
        in_period = Item.first_seen_at >= start
        with self._db.read() as session:
            names = {sid: name for sid, name in session.execute(select(Source.id, Source.name))}
            topics = {
                tid: slug
                for tid, slug in session.execute(select(Topic.id, Topic.slug).order_by(Topic.position))
            }
            by_source: dict[tuple[str, str], Counts] = {}
            query = (
                select(Item.source_id, month, Item.status, func.count())
                .where(original, in_period)
                .group_by(Item.source_id, month, Item.status)
            )
            for source_id, when, status, count in session.execute(query):
                by_source.setdefault((names[source_id], str(when)), Counts()).add(status, int(count))
            cells: dict[tuple[str, str, str], Counts] = {}
            by_topic: dict[tuple[str, str], Counts] = {}
            on_topic = or_(ItemTopic.score > 0, ItemTopic.assigned.is_(True))
            per_topic = (
                select(Item.source_id, ItemTopic.topic_id, month, Item.status, func.count())
                .join(ItemTopic, ItemTopic.item_id == Item.id)
                .where(original, in_period, on_topic)
                .group_by(Item.source_id, ItemTopic.topic_id, month, Item.status)
            )
            for source_id, topic_id, when, status, count in session.execute(per_topic):
                key = (str(when), names[source_id], topics[topic_id])
                cells.setdefault(key, Counts()).add(status, int(count))
                by_topic.setdefault((topics[topic_id], str(when)), Counts()).add(status, int(count))
            # What no topic holds still counts for its source, under no topic.
            topical = select(ItemTopic.item_id).where(ItemTopic.item_id == Item.id, on_topic).exists()
            query = (
                select(Item.source_id, month, Item.status, func.count())
                .where(original, in_period, ~topical)
                .group_by(Item.source_id, month, Item.status)
            )
            for source_id, when, status, count in session.execute(query):
                cells.setdefault((str(when), names[source_id], NO_TOPIC), Counts()).add(status, int(count))
            sources = [self._source(session, source, by_source, now) for source in self._sources(session)]
        return CoverageReport(
            months=period,
            sources=sources,
            topics=list(topics.values()),
            by_source=by_source,
            by_topic=by_topic,
            cells=cells,
        )

    def _month(self, column: Any) -> ColumnElement[str]:
        if self._db.dialect == "sqlite":
            return func.strftime("%Y-%m", column)
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")

    @staticmethod
    def _sources(session: Session) -> Iterable[Source]:
        return session.scalars(select(Source).order_by(Source.name))

    def _source(
        self, session: Session, source: Source, by_source: dict[tuple[str, str], Counts], now: dt.datetime
    ) -> SourceCoverage:
        counts = Counts()
        for (name, _), c in by_source.items():
            if name == source.name:
                for status in ("approved", "rejected", "new"):
                    counts.add(status, getattr(c, status))
        dated = func.coalesce(Item.published_at, Item.first_seen_at)
        recent = select(dated).where(Item.source_id == source.id).order_by(dated.desc()).limit(GAP_SAMPLE)
        dates = [d for d in session.scalars(recent) if d is not None]
        gap = usual_gap(dates)
        last = dates[0] if dates else None
        active = source.enabled and source.retired_at is None
        quiet = bool(active and gap is not None and last is not None and now - last > QUIET_FACTOR * gap)
        return SourceCoverage(source.name, active, counts, last, gap, quiet)


def usual_gap(dates: list[dt.datetime]) -> dt.timedelta | None:
    """Return the median gap between distinct dates (newest first), at least a day; None under three dates."""
    distinct = sorted(set(dates), reverse=True)
    if len(distinct) < 3:
        return None
    gaps = [newer - older for newer, older in itertools.pairwise(distinct)]
    return max(MIN_GAP, dt.timedelta(seconds=statistics.median(g.total_seconds() for g in gaps)))
