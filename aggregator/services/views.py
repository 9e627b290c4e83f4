"""How items look to callers: frozen views built from the models inside a session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from aggregator.models import Item, ItemTopic


@dataclass(frozen=True, slots=True)
class EventView:
    """One audited action on an item."""

    actor: str
    action: str
    detail: dict[str, Any]
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class TopicScoreView:
    """An item's relevance to one topic, and whether a curator put it there."""

    slug: str
    score: float
    matched: tuple[str, ...]
    assigned: bool


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item as callers see it."""

    id: int
    source_id: int
    source_name: str
    url: str
    canonical_url: str
    guid: str | None
    kind: str
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
    excerpt_candidates: tuple[str, ...]
    curator_note: str | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    parent_id: int | None
    duplicate_of_id: int | None
    position: int | None
    scores: tuple[TopicScoreView, ...] = ()
    events: tuple[EventView, ...] = field(default=())

    @property
    def topics(self) -> tuple[str, ...]:
        """Return the slugs of the topics a curator assigned."""
        return tuple(s.slug for s in self.scores if s.assigned)

    def as_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        data: dict[str, Any] = {
            "id": self.id,
            "source": self.source_name,
            "kind": self.kind,
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
            "excerpt_candidates": list(self.excerpt_candidates),
            "curator_note": self.curator_note,
            "reviewed_by": self.reviewed_by,
            "reviewed_at": _iso(self.reviewed_at),
            "parent_id": self.parent_id,
            "duplicate_of_id": self.duplicate_of_id,
            "position": self.position,
            "topics": list(self.topics),
            "scores": {s.slug: {"score": round(s.score, 4), "matched": list(s.matched)} for s in self.scores},
        }
        if with_text:
            data["text"] = self.text
        return data


def with_relations(query: Select[Item]) -> Select[Item]:
    """Return ``query`` loading what a view needs in two extra queries, not one per item."""
    return query.options(selectinload(Item.source), selectinload(Item.topics).selectinload(ItemTopic.topic))


def to_view(item: Item, events: tuple[EventView, ...] = ()) -> ItemView:
    """Return the view of an item loaded with its source and topics."""
    scores = sorted(item.topics, key=lambda link: (-link.score, link.topic.slug))
    return ItemView(
        id=item.id,
        source_id=item.source_id,
        source_name=item.source.name,
        url=item.url,
        canonical_url=item.canonical_url,
        guid=item.guid,
        kind=item.kind,
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
        excerpt_candidates=tuple(item.excerpt_candidates or ()),
        curator_note=item.curator_note,
        reviewed_by=item.reviewed_by,
        reviewed_at=item.reviewed_at,
        parent_id=item.parent_id,
        duplicate_of_id=item.duplicate_of_id,
        position=item.position,
        scores=tuple(
            TopicScoreView(link.topic.slug, link.score, tuple(link.matched_terms or ()), link.assigned)
            for link in scores
        ),
        events=events,
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
