"""The stored shapes: sources, items, topics, users, crawl runs and the audit trail of item events."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from aggregator.enums import ContentOrigin, EntryOrder, ItemKind, ItemStatus, RunStatus

# The values each CHECK constraint allows, in the order the migrations wrote them.
ITEM_STATUSES = tuple(str(s) for s in ItemStatus)
ITEM_KINDS = tuple(str(k) for k in ItemKind)
CONTENT_ORIGINS = tuple(sorted(str(o) for o in ContentOrigin))
RUN_STATUSES = tuple(str(s) for s in RunStatus)


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores UTC and always gives back aware datetimes, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


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


class User(Base):
    """Someone who reviews, curates or reads."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="curator")
    password_hash: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ItemEvent(Base):
    """One thing someone did to an item: the audit trail curators see."""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


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


class LoginAttempt(Base):
    """A failed login, kept a while so that guessing passwords is slowed across every app process."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_name_address_at", "name", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginSession(Base):
    """A logged-in browser: the cookie carries a random token, the database only its hash.

    Kept here rather than in the cookie alone so that logging out ends it for every copy of the
    cookie, and an admin can list and revoke sessions.
    """

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class AppSetting(Base):
    """A value the app generates once and keeps, such as the key that signs session cookies."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class MailMessage(Base):
    """A message a mailbox source has read, by folder UID and Message-ID, and what became of it.

    Re-polling reads only UIDs not listed here (for the folder's current UIDVALIDITY), and a message
    met again under a new UID (moved, or the folder rebuilt) is known by its Message-ID: so a
    message is stored or reported once, however often the mailbox is polled.
    """

    __tablename__ = "mail_messages"
    __table_args__ = (
        UniqueConstraint("source_id", "uidvalidity", "uid", name="uq_mail_messages_uid"),
        Index("ix_mail_messages_source_message", "source_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str] = mapped_column(String(1000))
    # "stored", or "skipped" with the reason (too large, malformed, not a newsletter, sender).
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WordPressPage(Base):
    """The WordPress page a topic was published to, and what it held when it was last written.

    One row per topic and site: publishing again updates that page, never a second one; and a page
    whose modification time in WordPress differs from the one recorded here was edited there since.
    """

    __tablename__ = "wordpress_pages"
    __table_args__ = (UniqueConstraint("topic_id", "site_url", name="uq_wordpress_pages_topic_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    site_url: Mapped[str] = mapped_column(String(2000))
    page_id: Mapped[int] = mapped_column(BigInteger)
    link: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(20))
    # WordPress's own "modified_gmt" and content after our last write: the test for edits made there.
    modified_gmt: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200), default="")


class ApiToken(Base):
    """A token a script sends as ``Authorization: Bearer``; the database keeps only its hash.

    It acts for its user, with the user's role, on the JSON API only. Revoking keeps the row (who had
    which token, until when) and refuses the token from then on.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
