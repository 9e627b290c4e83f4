"""Topics service: the knowledge base's topic pages and the terms that make an item relevant to one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from aggregator.curate.relevance import TopicTerms, base_language, score_item
from aggregator.db import Database
from aggregator.enums import EntryOrder, ItemStatus
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.models import Item, ItemTopic, Topic
from aggregator.text import storable

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The topics table's column lengths (models.Topic).
SLUG_CHARS = 200
NAME_CHARS = 300
ENTRY_ORDERS = tuple(str(o) for o in EntryOrder)
# A topic's term lists per language: {"cy": {"include": [...], "exclude": [...]}}, as callers give them.
LanguageTermsInput = Mapping[str, Mapping[str, Iterable[str]]]


@dataclass(frozen=True, slots=True)
class TopicView:
    """A topic as callers see it."""

    id: int
    slug: str
    name: str
    intro: str
    include_terms: tuple[str, ...]
    exclude_terms: tuple[str, ...]
    position: int
    # Lists beside the main one: language -> (include, exclude)
    language_terms: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]

    @property
    def terms(self) -> TopicTerms:
        """Return every term list, for scoring an item in its own language."""
        return TopicTerms(self.include_terms, self.exclude_terms, self.language_terms)

    entry_order: str = EntryOrder.OLDEST

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "slug": self.slug,
            "name": self.name,
            "intro": self.intro,
            "include": list(self.include_terms),
            "exclude": list(self.exclude_terms),
            "languages": {
                code: {"include": list(include), "exclude": list(exclude)}
                for code, (include, exclude) in self.language_terms.items()
            },
            "position": self.position,
            "order": self.entry_order,
        }


class TopicService:
    """Every rule about topics lives here."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        slug: str,
        *,
        name: str,
        intro: str = "",
        include: Iterable[str] = (),
        exclude: Iterable[str] = (),
        language_terms: LanguageTermsInput | None = None,
    ) -> TopicView:
        """Create a topic, score every unreviewed item against it, and return it."""
        slug = slug.strip()
        if not _SLUG.match(slug) or len(slug) > SLUG_CHARS:
            raise InvalidInput(f"a topic slug is lower-case words joined by hyphens, not {slug!r}")
        with self._db.write() as session:
            if session.scalar(select(Topic).where(Topic.slug == slug)) is not None:
                raise Conflict(f"a topic {slug!r} exists already")
            position = (session.scalar(select(func.max(Topic.position))) or 0) + 1
            topic = Topic(
                slug=slug,
                name=_name(name),
                intro=(storable(intro) or "").strip(),
                include_terms=_terms(include),
                exclude_terms=_terms(exclude),
                language_terms=_language_terms(language_terms or {}),
                position=position,
            )
            session.add(topic)
        # What was harvested before the topic existed is scored now, as a crawl scores what is new.
        self.rescore(slug)
        return self.get(slug)

    def rescore(self, slug: str, *, batch: int = 500) -> int:
        """Score every unreviewed item against topic ``slug``; return how many it matches.

        Crawls score what they harvest; this covers what was harvested before the topic existed
        or before its terms changed. Batches keep each write transaction short.
        """
        topic = self.get(slug)
        matched = 0
        last_id = 0
        while True:
            with self._db.write() as session:
                rows = session.execute(
                    select(Item.id, Item.title, Item.summary, Item.text, Item.language)
                    .where(Item.status == ItemStatus.NEW, Item.id > last_id)
                    .order_by(Item.id)
                    .limit(batch)
                ).all()
                if not rows:
                    return matched
                for item_id, title, summary, text, language in rows:
                    score = score_item(title, summary, text, language, topic.terms)
                    link = session.get(ItemTopic, (item_id, topic.id))
                    if score.score > 0:
                        matched += 1
                        if link is None:
                            link = ItemTopic(item_id=item_id, topic_id=topic.id, assigned=False)
                            session.add(link)
                        link.score = score.score
                        link.matched_terms = list(score.matched)
                    elif link is not None and not link.assigned:
                        session.delete(link)
                last_id = rows[-1][0]

    def update(
        self,
        slug: str,
        *,
        name: str | None = None,
        intro: str | None = None,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        order: str | None = None,
        language_terms: LanguageTermsInput | None = None,
    ) -> TopicView:
        """Change what is given of a topic; rescore the unreviewed items when its terms changed.

        ``order`` is how its page runs: oldest (first), newest (first) or manual (as curators moved
        the entries; see ``move_entry``). ``language_terms``, when given, replaces every
        per-language list (a language left out loses its list, and its items are scored by the main
        list again).
        """
        if order is not None and order not in ENTRY_ORDERS:
            raise InvalidInput(f"unknown order {order!r}; use one of {', '.join(ENTRY_ORDERS)}")
        with self._db.write() as session:
            topic = session.scalar(select(Topic).where(Topic.slug == slug))
            if topic is None:
                raise NotFound(f"no topic {slug!r}")
            before = (
                list(topic.include_terms or ()),
                list(topic.exclude_terms or ()),
                topic.language_terms or {},
            )
            if name is not None:
                topic.name = _name(name)
            if intro is not None:
                topic.intro = (storable(intro) or "").strip()
            if include is not None:
                topic.include_terms = _terms(include)
            if exclude is not None:
                topic.exclude_terms = _terms(exclude)
            if order is not None:
                topic.entry_order = order
            if language_terms is not None:
                topic.language_terms = _language_terms(language_terms)
            after = (list(topic.include_terms), list(topic.exclude_terms), topic.language_terms or {})
            changed_terms = before != after
        if changed_terms:
            self.rescore(slug)
        return self.get(slug)

    def matching(self, slug: str) -> int:
        """Return how many unreviewed items topic ``slug`` matches."""
        query = (
            select(func.count())
            .select_from(ItemTopic)
            .join(Topic, Topic.id == ItemTopic.topic_id)
            .join(Item, Item.id == ItemTopic.item_id)
            .where(Topic.slug == slug, Item.status == ItemStatus.NEW, ItemTopic.score > 0)
        )
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    def move(self, slug: str, offset: int) -> list[TopicView]:
        """Move a topic ``offset`` places in page order (negative: earlier); return the new order."""
        with self._db.write() as session:
            ordered = list(session.scalars(select(Topic).order_by(Topic.position, Topic.slug)))
            index = next((i for i, t in enumerate(ordered) if t.slug == slug), None)
            if index is None:
                raise NotFound(f"no topic {slug!r}")
            topic = ordered.pop(index)
            ordered.insert(max(0, min(len(ordered), index + offset)), topic)
            for position, each in enumerate(ordered, start=1):
                each.position = position
        return self.all()

    def entries(self, slug: str) -> list[int]:
        """Return the ids of the topic's published entries, in its page's order."""
        with self._db.read() as session:
            topic = session.scalar(select(Topic).where(Topic.slug == slug))
            if topic is None:
                raise NotFound(f"no topic {slug!r}")
            query = select(Item.id).where(Item.status == ItemStatus.APPROVED, on_topic(topic.id))
            return list(session.scalars(query.order_by(*entry_order_by(topic.id, topic.entry_order))))

    def move_entry(self, slug: str, item_id: int, offset: int) -> list[int]:
        """Move an entry ``offset`` places on the topic's page (negative: up); return the new order.

        The page keeps the order it showed, with this one entry moved, and is arranged by hand
        from then on (its order becomes manual).
        """
        ordered = self.entries(slug)
        if item_id not in ordered:
            raise NotFound(f"item #{item_id} is not a published entry of topic {slug!r}")
        index = ordered.index(item_id)
        ordered.pop(index)
        ordered.insert(max(0, min(len(ordered), index + offset)), item_id)
        with self._db.write() as session:
            topic = session.scalar(select(Topic).where(Topic.slug == slug))
            assert topic is not None
            topic.entry_order = EntryOrder.MANUAL
            links = session.scalars(
                select(ItemTopic).where(ItemTopic.topic_id == topic.id, ItemTopic.item_id.in_(ordered))
            )
            place = {entry: n for n, entry in enumerate(ordered, start=1)}
            for link in links:
                link.position = place[link.item_id]
        return ordered

    def all(self) -> list[TopicView]:
        """Return every topic in page order."""
        with self._db.read() as session:
            return [_view(t) for t in session.scalars(select(Topic).order_by(Topic.position, Topic.slug))]

    def get(self, slug: str) -> TopicView:
        """Return the topic ``slug``; raise NotFound otherwise."""
        with self._db.read() as session:
            topic = session.scalar(select(Topic).where(Topic.slug == slug))
            if topic is None:
                raise NotFound(f"no topic {slug!r}")
            return _view(topic)


def _name(name: str) -> str:
    cleaned = (storable(name) or "").strip()
    if not cleaned:
        raise InvalidInput("a topic needs a name")
    if len(cleaned) > NAME_CHARS:
        raise InvalidInput(f"a topic's name has at most {NAME_CHARS} characters")
    return cleaned


def _terms(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        for term in value.split(","):
            cleaned = " ".join((storable(term) or "").split()).lower()
            if cleaned:
                seen.setdefault(cleaned, None)
    return list(seen)


def _language_terms(given: LanguageTermsInput) -> dict[str, Any]:
    """Return the per-language lists as stored: codes checked, terms normalised, empty lists dropped."""
    stored: dict[str, Any] = {}
    for language, lists in given.items():
        code = base_language(language)
        if code is None or code != language.strip().lower():
            raise InvalidInput(f"a term list's language is a code such as 'cy', not {language!r}")
        unknown = set(lists) - {"include", "exclude"}
        if unknown:
            raise InvalidInput(f"a language's terms are 'include' and 'exclude', not {sorted(unknown)!r}")
        include = _terms(lists.get("include", ()))
        exclude = _terms(lists.get("exclude", ()))
        if include or exclude:
            stored[code] = {"include": include, "exclude": exclude}
    return dict(sorted(stored.items()))


def _view(topic: Topic) -> TopicView:
    return TopicView(
        id=topic.id,
        slug=topic.slug,
        name=topic.name,
        intro=topic.intro,
        include_terms=tuple(topic.include_terms or ()),
        exclude_terms=tuple(topic.exclude_terms or ()),
        position=topic.position,
        entry_order=topic.entry_order or EntryOrder.OLDEST,
        language_terms={
            code: (tuple(lists.get("include", ())), tuple(lists.get("exclude", ())))
            for code, lists in (topic.language_terms or {}).items()
        },
    )


def on_topic(topic_id: int) -> ColumnElement[bool]:
    """Return the condition that an item is on topic ``topic_id`` by a curator's choice."""
    assigned = select(ItemTopic.item_id).where(ItemTopic.topic_id == topic_id, ItemTopic.assigned.is_(True))
    return Item.id.in_(assigned)


def entry_order_by(topic_id: int, order: str) -> list[ColumnElement[Any]]:
    """Return the ORDER BY of a topic's entries: oldest first, newest first, or the curators' order.

    The one place the page order is decided: the published pages and ``move_entry`` both read it.
    Entries a curator has not placed yet follow the placed ones, oldest first.
    """
    if order == EntryOrder.NEWEST:
        return [Item.published_at.desc().nulls_last(), Item.id.desc()]
    oldest: list[ColumnElement[Any]] = [Item.published_at.asc().nulls_last(), Item.id.asc()]
    if order != EntryOrder.MANUAL:
        return oldest
    place = (
        select(ItemTopic.position)
        .where(ItemTopic.item_id == Item.id, ItemTopic.topic_id == topic_id)
        .scalar_subquery()
    )
    return [place.asc().nulls_last(), *oldest]
