"""How items and sources look to callers: frozen views built from the models inside a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from aggregator.enums import ContentOrigin
from aggregator.models import Item, ItemTopic, Source
from aggregator.records import json_record
from aggregator.services.kinds import setting_of


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
class WhyView:
    """Why an item stands where it does in a learned order: its likelihood and the terms that moved it."""

    topic: str
    likelihood: float
    raised: tuple[str, ...]
    lowered: tuple[str, ...]

    @property
    def percent(self) -> str:
        """Return the likelihood as a curator reads it: "37%", "<1%" or ">99%"."""
        if self.likelihood < 0.005:
            return "<1%"
        if self.likelihood > 0.995:
            return ">99%"
        return f"{self.likelihood:.0%}"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "topic": self.topic,
            "likelihood": round(self.likelihood, 4),
            "raised": list(self.raised),
            "lowered": list(self.lowered),
        }


@dataclass(frozen=True, slots=True)
class CopyView:
    """Another item carrying the same story: a syndicated copy, or the original a copy was folded into."""

    id: int
    source_name: str
    url: str
    title: str

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"id": self.id, "source": self.source_name, "url": self.url, "title": self.title}


@dataclass(frozen=True, slots=True)
class PairView:
    """An item's version in the other language."""

    id: int
    language: str | None
    title: str
    url: str
    status: str

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return json_record(self)


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
    publisher: str | None = None
    site_name: str | None = None
    entry_word: str | None = None
    issue_intro: str = ""
    bullets: tuple[dict[str, Any], ...] = ()
    pair_id: int | None = None
    pair_origin: str | None = None
    archived_url: str | None = None
    scores: tuple[TopicScoreView, ...] = ()
    events: tuple[EventView, ...] = field(default=())
    # Filled by services.folds.with_folds where a caller shows folds (the queue, the item page).
    copies: tuple[CopyView, ...] = ()
    original: CopyView | None = None
    # Filled by services.pairs.with_pairs where a caller shows pairs (the queue, the item page).
    pair: PairView | None = None
    # Filled in a learned order (services/ranking.py): the item's likelihood and the terms behind it.
    why: WhyView | None = None

    @property
    def topics(self) -> tuple[str, ...]:
        """Return the slugs of the topics a curator assigned."""
        return tuple(s.slug for s in self.scores if s.assigned)

    def as_dict(self, *, with_text: bool = True, with_folds: bool = False) -> dict[str, Any]:
        """Return a JSON-ready mapping; ``with_folds`` adds its copies and the original it copies."""
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
            "publisher": self.publisher,
            "entry_word": self.entry_word,
            "issue_intro": self.issue_intro,
            "bullets": [dict(b) for b in self.bullets],
            "pair_id": self.pair_id,
            "pair_origin": self.pair_origin,
            "archived_url": self.archived_url,
            "topics": list(self.topics),
            "scores": {s.slug: {"score": round(s.score, 4), "matched": list(s.matched)} for s in self.scores},
        }
        if with_folds:
            data["copies"] = [c.as_dict() for c in self.copies]
            data["original"] = self.original.as_dict() if self.original else None
            data["pair"] = self.pair.as_dict() if self.pair else None
        if self.why is not None:
            data["why"] = self.why.as_dict()
        if with_text:
            data["text"] = self.text
        return data


def with_relations(query: Select[Item]) -> Select[Item]:
    """Return ``query`` loading what a view needs in two extra queries, not one per item."""
    return query.options(selectinload(Item.source), selectinload(Item.topics).selectinload(ItemTopic.topic))


def item_view(
    values: Mapping[str, Any], scores: tuple[TopicScoreView, ...] = (), events: tuple[EventView, ...] = ()
) -> ItemView:
    """Return the view of an item given its columns by name (a row, or a loaded item's attributes).

    The one way an ItemView is built: what a listing left out (the text, a feed's dates) gets the
    value an item without it would have.
    """
    given = {name: values[name] for name in _COLUMNS if name in values}
    given.setdefault("first_seen_at", values.get("updated_at"))
    given["excerpt_candidates"] = tuple(given.get("excerpt_candidates") or ())
    given["bullets"] = tuple(dict(b) for b in given.get("bullets") or () if isinstance(b, dict))
    given["issue_intro"] = given.get("issue_intro") or ""
    given["text"] = given.get("text") or ""
    given["content_origin"] = given.get("content_origin") or ContentOrigin.ARTICLE
    for optional in ("fetched_at", "duplicate_of_id"):
        given.setdefault(optional, None)
    return ItemView(**given, scores=scores, events=events)


def to_view(item: Item, events: tuple[EventView, ...] = ()) -> ItemView:
    """Return the view of an item loaded with its source and topics (``with_relations``)."""
    links = sorted(item.topics, key=lambda link: (-link.score, link.topic.slug))
    scores = tuple(
        TopicScoreView(link.topic.slug, link.score, tuple(link.matched_terms or ()), link.assigned)
        for link in links
    )
    values = {name: getattr(item, name) for name in _COLUMNS if name != "source_name"}
    return item_view({**values, "source_name": item.source.name}, scores, events)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source as callers see it, health included."""

    id: int
    name: str
    kind: str
    url: str
    enabled: bool
    settings: dict[str, Any]
    etag: str | None
    last_modified: str | None
    last_attempt_at: dt.datetime | None
    last_success_at: dt.datetime | None
    error_count: int
    last_error: str | None
    item_count: int = 0
    next_check_at: dt.datetime | None = None
    parked_at: dt.datetime | None = None
    interval_seconds: int | None = None
    last_warning: str | None = None

    def setting(self, name: str) -> Any:
        """Return setting ``name`` read as its kind's table says (typed, or its default)."""
        return setting_of(self.kind, self.settings, name)

    def text(self, name: str) -> str | None:
        """Return a text, URL or pattern setting, or None."""
        value = self.setting(name)
        return value if isinstance(value, str) and value else None

    def number(self, name: str) -> int:
        """Return a whole-number setting (its default when unset)."""
        value = self.setting(name)
        if not isinstance(value, int):
            raise TypeError(f"setting {name!r} of a {self.kind} source is not a number")
        return value

    def flag(self, name: str) -> bool:
        """Return a yes / no setting."""
        return bool(self.setting(name))

    def day(self, name: str) -> dt.datetime | None:
        """Return a date setting, or None."""
        value = self.setting(name)
        return value if isinstance(value, dt.datetime) else None

    def values(self, name: str) -> list[str]:
        """Return a list setting (empty when unset)."""
        value = self.setting(name)
        return list(value) if isinstance(value, list) else []

    @property
    def health(self) -> str:
        """Return ``ok``, ``warning``, ``failing``, ``parked``, ``never crawled`` or ``disabled``."""
        if not self.enabled:
            return "disabled"
        if self.parked_at is not None:
            return "parked"
        if self.error_count:
            return "failing"
        if self.last_warning:
            return "warning"
        return "ok" if self.last_success_at else "never crawled"

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        # The validators (etag, Last-Modified) are the crawler's, not the caller's.
        return json_record(
            self,
            rename={"item_count": "items"},
            exclude=("etag", "last_modified"),
            extra={"health": self.health},
        )


def source_view(source: Source, item_count: int = 0) -> SourceView:
    """Return the view of a stored source."""
    return SourceView(
        id=source.id,
        name=source.name,
        kind=source.kind,
        url=source.url,
        enabled=source.enabled,
        settings=dict(source.settings or {}),
        etag=source.etag,
        last_modified=source.last_modified,
        last_attempt_at=source.last_attempt_at,
        last_success_at=source.last_success_at,
        error_count=source.error_count,
        last_error=source.last_error,
        item_count=item_count,
        next_check_at=source.next_check_at,
        parked_at=source.parked_at,
        interval_seconds=source.interval_seconds,
        last_warning=source.last_warning,
    )


# The ItemView fields read from an item's columns (source_name from its source).
_COLUMNS = tuple(
    f.name
    for f in fields(ItemView)
    if f.name not in ("scores", "events", "copies", "original", "pair", "why")
)
