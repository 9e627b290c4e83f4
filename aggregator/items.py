"""Items service: record what a crawl harvested (idempotently), review it, and list the curated entries."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from aggregator.db import Database
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import ITEM_STATUSES, Item, ItemEvent, ItemTopic, Source, Topic, utcnow
from aggregator.urls import canonical_url

_IN_CHUNK = 500
# A page that failed this many times is left as the feed gave it; a curator can still open the link.
MAX_FETCH_ATTEMPTS = 5
ERROR_TEXT_LIMIT = 2000


class Outcome(enum.Enum):
    """What recording a harvested item did."""

    NEW = "new"
    COMPLETED = "completed"  # a feed-only item got its article page at last
    DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Harvested:
    """An article as a crawl found it, before it is stored."""

    source_id: int
    url: str
    guid: str | None
    title: str
    author: str | None
    published: dt.datetime | None
    language: str | None
    text: str
    summary: str
    content_origin: str = "article"
    fetch_error: str | None = None


@dataclass(frozen=True, slots=True)
class RetryCandidate:
    """A stored feed-only item whose article page is worth asking for again."""

    url: str
    guid: str | None
    title: str
    author: str | None
    published: dt.datetime | None
    text_html: str


@dataclass(frozen=True, slots=True)
class EventView:
    """One audited action on an item."""

    actor: str
    action: str
    detail: dict[str, Any]
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item as callers see it."""

    id: int
    source_id: int
    source_name: str
    url: str
    canonical_url: str
    guid: str | None
    title: str
    author: str | None
    published_at: dt.datetime | None
    first_seen_at: dt.datetime
    fetched_at: dt.datetime | None
    language: str | None
    text: str
    summary: str
    content_origin: str
    status: str
    excerpt: str | None
    curator_note: str | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    topics: tuple[str, ...] = ()
    events: tuple[EventView, ...] = field(default=())

    def as_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source_name,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "guid": self.guid,
            "title": self.title,
            "author": self.author,
            "published_at": _iso(self.published_at),
            "first_seen_at": _iso(self.first_seen_at),
            "fetched_at": _iso(self.fetched_at),
            "language": self.language,
            "summary": self.summary,
            "content_origin": self.content_origin,
            "status": self.status,
            "excerpt": self.excerpt,
            "curator_note": self.curator_note,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": _iso(self.reviewed_at),
            "topics": list(self.topics),
        }
        if with_text:
            data["text"] = self.text
        return data


class ItemService:
    """Every rule about items lives here; the CLI, the app and the pipelines call it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def settled(self, source_id: int, links: Sequence[tuple[str, str | None]]) -> set[str]:
        """Return the canonical URLs among ``links`` (canonical URL, GUID) not worth fetching again.

        An item is settled once its article page was stored or a curator reviewed it; a rejected
        item is a tombstone, so it is never proposed again. Only feed-only new items are retried.
        """
        canon = [c for c, _ in links]
        guids = [g for _, g in links if g]
        settled_urls: set[str] = set()
        settled_guids: set[str] = set()
        is_settled = or_(Item.content_origin == "article", Item.status != "new")
        with self._db.read() as session:
            for chunk in _chunks(canon):
                query = select(Item.canonical_url).where(Item.canonical_url.in_(chunk), is_settled)
                rows = session.execute(query)
                settled_urls.update(rows.scalars())
            for chunk in _chunks(guids):
                rows = session.execute(
                    select(Item.guid).where(Item.source_id == source_id, Item.guid.in_(chunk), is_settled)
                )
                settled_guids.update(g for g in rows.scalars() if g)
        return {c for c, g in links if c in settled_urls or (g is not None and g in settled_guids)}

    def retry_candidates(self, source_id: int) -> list[RetryCandidate]:
        """Return the source's unreviewed items stored from the feed alone, up to the attempt limit."""
        query = (
            select(Item)
            .where(
                Item.source_id == source_id,
                Item.status == "new",
                Item.content_origin == "feed",
                Item.fetch_attempts < MAX_FETCH_ATTEMPTS,
            )
            .order_by(Item.id)
        )
        with self._db.read() as session:
            return [
                RetryCandidate(
                    url=i.url,
                    guid=i.guid,
                    title=i.title,
                    author=i.author,
                    published=i.published_at,
                    text_html="".join(f"<p>{escape(p)}</p>" for p in i.text.split("\n") if p.strip()),
                )
                for i in session.scalars(query)
            ]

    def record(self, harvested: Harvested) -> Outcome:
        """Store a harvested article once; a re-run, a retry or a second worker never duplicates it."""
        canon = canonical_url(harvested.url)
        with self._db.write() as session:
            existing = self._existing(session, harvested, canon)
            if existing is not None:
                return self._merge(existing, harvested)
            values = self._insert_values(harvested, canon)
            insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
            # At-least-once fetching means two writers may race on one URL: the loser does nothing.
            statement = (
                insert(Item)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["canonical_url"])
                .returning(Item.id)
            )
            inserted = session.execute(statement).scalar_one_or_none()
            return Outcome.NEW if inserted is not None else Outcome.DUPLICATE

    @staticmethod
    def _existing(session: Session, harvested: Harvested, canon: str) -> Item | None:
        item = session.scalar(select(Item).where(Item.canonical_url == canon))
        if item is None and harvested.guid:
            same_guid = and_(Item.source_id == harvested.source_id, Item.guid == harvested.guid)
            item = session.scalar(select(Item).where(same_guid).limit(1))
        return item

    @staticmethod
    def _merge(item: Item, harvested: Harvested) -> Outcome:
        if item.content_origin != "feed" or item.status == "rejected":
            return Outcome.DUPLICATE
        now = utcnow()
        if harvested.content_origin == "feed":
            item.fetch_attempts += 1
            item.last_fetch_error = (harvested.fetch_error or "")[:ERROR_TEXT_LIMIT] or None
            return Outcome.DUPLICATE
        # The page answered at last: its extracted text replaces the feed's stand-in, but what a
        # curator already wrote (title edits, excerpt) is theirs and stays.
        item.content_origin = "article"
        item.text = harvested.text
        item.summary = harvested.summary or item.summary
        item.author = item.author or harvested.author
        item.language = harvested.language or item.language
        item.published_at = item.published_at or harvested.published
        if item.status == "new" and harvested.title:
            item.title = harvested.title
        item.fetched_at = now
        item.fetch_attempts += 1
        item.last_fetch_error = None
        return Outcome.COMPLETED

    @staticmethod
    def _insert_values(harvested: Harvested, canon: str) -> dict[str, Any]:
        now = utcnow()
        from_page = harvested.content_origin == "article"
        return {
            "source_id": harvested.source_id,
            "url": harvested.url,
            "canonical_url": canon,
            "guid": harvested.guid,
            "title": harvested.title,
            "author": harvested.author,
            "published_at": harvested.published,
            "first_seen_at": now,
            "fetched_at": now if from_page else None,
            "language": harvested.language,
            "text": harvested.text,
            "summary": harvested.summary,
            "content_origin": harvested.content_origin,
            "fetch_attempts": 1,
            "last_fetch_error": None if from_page else (harvested.fetch_error or "")[:ERROR_TEXT_LIMIT],
            "status": "new",
            "updated_at": now,
        }

    def query(
        self,
        *,
        status: str | None = None,
        source: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[ItemView]:
        """Return items, newest first, optionally of one status or source."""
        query = _with_relations(select(Item))
        if status is not None:
            if status not in ITEM_STATUSES:
                raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(ITEM_STATUSES)}")
            query = query.where(Item.status == status)
        if source is not None:
            query = query.join(Item.source).where(or_(Source.name == source, Source.url == source))
        query = query.order_by(Item.published_at.desc().nulls_last(), Item.id.desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._db.read() as session:
            return [_view(i) for i in session.scalars(query)]

    def count(self, *, status: str | None = None) -> int:
        """Return how many items are stored, optionally of one status."""
        query = select(func.count()).select_from(Item)
        if status is not None:
            query = query.where(Item.status == status)
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    def get(self, item_id: int) -> ItemView:
        """Return one item with its topics and audit trail."""
        with self._db.read() as session:
            item = self._find(session, item_id)
            events = session.scalars(
                select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.at, ItemEvent.id)
            )
            trail = tuple(EventView(e.actor, e.action, dict(e.detail), e.at) for e in events)
            return _view(item, trail)

    def approve(
        self,
        item_id: int,
        *,
        actor: str,
        excerpt: str | None = None,
        topics: Iterable[str] = (),
    ) -> ItemView:
        """Approve an item, optionally with its excerpt and topics, and record who did it."""
        slugs = list(topics)
        with self._db.write() as session:
            item = self._find(session, item_id)
            detail: dict[str, Any] = {"from": item.status}
            if excerpt is not None:
                item.excerpt = _required(excerpt, "excerpt")
                detail["excerpt"] = item.excerpt
            self._assign(session, item, slugs, actor)
            if slugs:
                detail["topics"] = slugs
            self._review(session, item, "approved", actor, detail)
        return self.get(item_id)

    def reject(self, item_id: int, *, actor: str, reason: str | None = None) -> ItemView:
        """Reject an item; it stays stored as a tombstone so no crawl proposes it again."""
        with self._db.write() as session:
            item = self._find(session, item_id)
            detail: dict[str, Any] = {"from": item.status}
            if reason:
                detail["reason"] = reason
            self._review(session, item, "rejected", actor, detail)
        return self.get(item_id)

    def edit(
        self,
        item_id: int,
        *,
        actor: str,
        title: str | None = None,
        excerpt: str | None = None,
        note: str | None = None,
        published: dt.datetime | None = None,
    ) -> ItemView:
        """Change what a curator may change, recording each field's old and new value."""
        with self._db.write() as session:
            item = self._find(session, item_id)
            changes: dict[str, Any] = {}
            for name, value in (("title", title), ("excerpt", excerpt), ("curator_note", note)):
                if value is not None:
                    new = _required(value, name) if name == "title" else (value.strip() or None)
                    if getattr(item, name) != new:
                        changes[name] = {"old": getattr(item, name), "new": new}
                        setattr(item, name, new)
            if published is not None and item.published_at != published:
                changes["published_at"] = {"old": _iso(item.published_at), "new": _iso(published)}
                item.published_at = published
            if changes:
                session.add(ItemEvent(item_id=item.id, actor=actor, action="edit", detail=changes))
        return self.get(item_id)

    def curated(self, *, topic: str | None = None) -> Iterator[ItemView]:
        """Yield the approved entries, newest first, optionally of one topic."""
        query = _with_relations(select(Item)).where(Item.status == "approved")
        if topic is not None:
            query = (
                query.join(ItemTopic, ItemTopic.item_id == Item.id)
                .join(Topic)
                .where(and_(Topic.slug == topic, ItemTopic.assigned.is_(True)))
            )
        query = query.order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        with self._db.read() as session:
            for item in session.scalars(query):
                yield _view(item)

    @staticmethod
    def _find(session: Session, item_id: int) -> Item:
        item = session.get(Item, item_id, options=[selectinload(Item.source), selectinload(Item.topics)])
        if item is None:
            raise NotFound(f"no item with id {item_id}")
        return item

    @staticmethod
    def _assign(session: Session, item: Item, slugs: list[str], actor: str) -> None:
        for slug in slugs:
            topic = session.scalar(select(Topic).where(Topic.slug == slug))
            if topic is None:
                raise NotFound(f"no topic {slug!r}; create it with `aggregator topics add {slug} --name ...`")
            link = session.get(ItemTopic, (item.id, topic.id))
            if link is None:
                link = ItemTopic(item_id=item.id, topic_id=topic.id)
                session.add(link)
            link.assigned = True
            link.assigned_by = actor
            link.assigned_at = utcnow()

    @staticmethod
    def _review(session: Session, item: Item, status: str, actor: str, detail: dict[str, Any]) -> None:
        item.status = status
        item.reviewed_by = actor
        item.reviewed_at = utcnow()
        action = "approve" if status == "approved" else "reject"
        session.add(ItemEvent(item_id=item.id, actor=actor, action=action, detail=detail))


def _with_relations(query: Select[Item]) -> Select[Item]:
    return query.options(selectinload(Item.source), selectinload(Item.topics).selectinload(ItemTopic.topic))


def _view(item: Item, events: tuple[EventView, ...] = ()) -> ItemView:
    return ItemView(
        id=item.id,
        source_id=item.source_id,
        source_name=item.source.name,
        url=item.url,
        canonical_url=item.canonical_url,
        guid=item.guid,
        title=item.title,
        author=item.author,
        published_at=item.published_at,
        first_seen_at=item.first_seen_at,
        fetched_at=item.fetched_at,
        language=item.language,
        text=item.text,
        summary=item.summary,
        content_origin=item.content_origin,
        status=item.status,
        excerpt=item.excerpt,
        curator_note=item.curator_note,
        reviewed_by=item.reviewed_by,
        reviewed_at=item.reviewed_at,
        topics=tuple(sorted(link.topic.slug for link in item.topics if link.assigned)),
        events=events,
    )


def _required(value: str, name: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise InvalidInput(f"the {name} cannot be empty")
    return stripped


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
