"""What is harvested and curated: sources, items (alternates, link checks, sketches), topics, publishers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aggregator.enums import ContentOrigin, EntryOrder, ItemKind, ItemStatus
from aggregator.models.base import CONTENT_ORIGINS, ITEM_KINDS, ITEM_STATUSES, Base, utcnow


class Source(Base):
    """Somewhere articles come from: a feed, and later a site, an API or a newsletter."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="feed")
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    # A source with reviewed items is retired rather than deleted, so its approved entries stay
    # publishable and its rejected ones stay tombstoned.
    retired_at: Mapped[dt.datetime | None]
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_attempt_at: Mapped[dt.datetime | None]
    last_success_at: Mapped[dt.datetime | None]
    error_count: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # What the last good crawl read only leniently (a document not well-formed, a feed cut short):
    # kept apart from errors, since the source still works.
    last_warning: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Scheduling: how often (None = the kind's default), when next, and whether it is parked after
    # too many failures in a row (then it is only probed daily until it answers or is re-enabled).
    interval_seconds: Mapped[int | None]
    next_check_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    parked_at: Mapped[dt.datetime | None]
    # A crawl holds a lease on each source it crawls, so no two crawls run one source at once; a
    # crawl killed outright leaves a lease that simply expires.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None]

    items: Mapped[list[Item]] = relationship(back_populates="source", passive_deletes=True)


class Item(Base):
    """One harvested article; its canonical URL is its identity, so storing it twice is impossible."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint(f"status IN {ITEM_STATUSES!r}", name="item_status"),
        CheckConstraint(f"content_origin IN {CONTENT_ORIGINS!r}", name="item_content_origin"),
        Index("ix_items_source_guid", "source_id", "guid"),
        Index("ix_items_status_published", "status", "published_at"),
        CheckConstraint(f"kind IN {ITEM_KINDS!r}", name="item_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    canonical_url: Mapped[str] = mapped_column(String(2000), unique=True)
    guid: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[dt.datetime | None]
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[dt.datetime | None]
    # Indexed so the queue's language filter lists the languages by skipping through the index.
    language: Mapped[str | None] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # "feed" means the article page could not be fetched and the feed's own content stands in;
    # such items are fetched again on later crawls until the page answers.
    content_origin: Mapped[str] = mapped_column(String(16), default=ContentOrigin.ARTICLE)
    fetch_attempts: Mapped[int] = mapped_column(default=0)
    last_fetch_error: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.NEW)
    excerpt: Mapped[str | None] = mapped_column(Text)
    curator_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None]
    # Indexed: the learned order reads the items changed since it last looked (services/ranking.py).
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(16), default=ItemKind.ARTICLE)
    # A newsletter story points at its issue; a syndicated copy points at the first copy stored.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    # The issue's canonical URL: a story may be stored before its issue, and is linked when it arrives.
    parent_url: Mapped[str | None] = mapped_column(String(2000), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    excerpt_candidates: Mapped[list[str]] = mapped_column(default=list)
    position: Mapped[int | None]  # a story's place in its issue
    # Who wrote it, when a curator said so (else resolved from the source, the publishers table, the
    # page's og:site_name, the host: services/publishers.py); og:site_name as harvested.
    publisher: Mapped[str | None] = mapped_column(String(300))
    site_name: Mapped[str | None] = mapped_column(String(300))
    # What its heading calls it when a curator says it is not an article: "report", ...
    entry_word: Mapped[str | None] = mapped_column(String(32))
    # A newsletter issue as it was written: its intro paragraphs (blank-line separated) and its
    # stories' bullets (title, text, link words, url, hidden). Kept on the issue, so what curators do
    # to a story as an item of its own never changes the issue's bullets.
    issue_intro: Mapped[str] = mapped_column(Text, default="")
    bullets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The same piece in the other language (an English item and its Welsh version point at each
    # other), linked because the page said so ("page") or a curator did ("curator").
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    pair_origin: Mapped[str | None] = mapped_column(String(16))
    # Where an archived copy of a gone article lives, as a curator recorded it; published entries link it.
    archived_url: Mapped[str | None] = mapped_column(String(2000))

    source: Mapped[Source] = relationship(back_populates="items")
    topics: Mapped[list[ItemTopic]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )


class ItemAlternate(Base):
    """A version of an item's page in another language, as the page announced it (canonical URL).

    Kept so that whichever of the two versions is stored second finds the first and is paired with it.
    """

    __tablename__ = "item_alternates"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), primary_key=True, index=True)
    language: Mapped[str] = mapped_column(String(16))


class LinkCheck(Base):
    """The last time a published entry's link was asked for, and what came of it."""

    __tablename__ = "link_checks"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    checked_at: Mapped[dt.datetime]
    # ok, moved (a permanent redirect to another page), gone (404, 410 or no such host, several checks
    # in a row), failing (a gone answer not yet repeated enough, or an error such as a timeout)
    state: Mapped[str] = mapped_column(String(16), index=True)
    http_status: Mapped[int | None]
    final_url: Mapped[str | None] = mapped_column(String(2000))
    error: Mapped[str | None] = mapped_column(Text)
    # Gone answers (404, 410, DNS failure) in a row; a link is called gone only after several.
    gone_in_row: Mapped[int] = mapped_column(default=0)


class ItemSketch(Base):
    """One value of an item's MinHash sketch; items sharing many values carry the same text."""

    __tablename__ = "item_sketches"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class Topic(Base):
    """A topic page of the knowledge base, with the terms that make an item relevant to it."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text, default="")
    include_terms: Mapped[list[str]] = mapped_column(default=list)
    exclude_terms: Mapped[list[str]] = mapped_column(default=list)
    # Lists beside the main (English) one, for items in other languages:
    # {"cy": {"include": [...], "exclude": [...]}}
    language_terms: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # How its page runs: oldest first (the knowledge base's way), newest first, or the curator's order.
    entry_order: Mapped[str] = mapped_column(String(16), default=EntryOrder.OLDEST)

    items: Mapped[list[ItemTopic]] = relationship(back_populates="topic", passive_deletes=True)


class ItemTopic(Base):
    """An item's place on a topic: a relevance score, and whether a curator assigned it."""

    __tablename__ = "item_topics"
    # A topic's queue, most relevant first, read straight from the index.
    __table_args__ = (Index("ix_item_topics_topic_score", "topic_id", "score"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    matched_terms: Mapped[list[str]] = mapped_column(default=list)
    assigned: Mapped[bool] = mapped_column(default=False)
    assigned_by: Mapped[str | None] = mapped_column(String(200))
    assigned_at: Mapped[dt.datetime | None]
    # The entry's place on a topic arranged by hand (smaller first); None until a curator moves it.
    position: Mapped[int | None]

    item: Mapped[Item] = relationship(back_populates="topics")
    topic: Mapped[Topic] = relationship(back_populates="items")


class Publisher(Base):
    """Who writes the pages of one host, as entry headings name them ("Institute of Welsh Affairs")."""

    __tablename__ = "publishers"
    __table_args__ = (UniqueConstraint("host", name="uq_publishers_host"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(300))
    # Printed after the word for the entry: "article (Click on Wales)".
    suffix: Mapped[str] = mapped_column(String(300), default="")
