"""Crawl runs and their counts per source."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aggregator.enums import RunStatus
from aggregator.models.base import RUN_STATUSES, Base, utcnow


class CrawlRun(Base):
    """One crawl, with its per-source counts."""

    __tablename__ = "crawl_runs"
    __table_args__ = (CheckConstraint(f"status IN {RUN_STATUSES!r}", name="crawl_run_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.RUNNING)
    trigger: Mapped[str] = mapped_column(String(32), default="cli")
    # The process running it (crawl:HOST:PID:TAG), so a run left "running" by a killed crawl is closed;
    # None for a distributed round, which its own lease closes.
    owner: Mapped[str | None] = mapped_column(String(200))

    sources: Mapped[list[CrawlRunSource]] = relationship(
        back_populates="run", cascade="all, delete-orphan", passive_deletes=True
    )


class CrawlRunSource(Base):
    """What one crawl got from one source."""

    __tablename__ = "crawl_run_sources"
    __table_args__ = (UniqueConstraint("run_id", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    warning: Mapped[str | None] = mapped_column(Text)
    # What became of each entry: entries = new + updated + unchanged + duplicates + failed.
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)

    run: Mapped[CrawlRun] = relationship(back_populates="sources")
