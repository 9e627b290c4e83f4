"""Recording what a crawl harvested: idempotent, in short transactions, duplicates folded.

An item is new only if it is neither stored (by canonical URL, or by GUID within its source) nor a
near-duplicate of a stored text; otherwise every re-run, retry or second worker would propose it again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, case, delete, exists, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from aggregator.curate.duplicates import is_candidate
from aggregator.enums import UPGRADABLE_ORIGINS, ContentOrigin, ItemKind, ItemStatus
from aggregator.models import Item, ItemSketch, ItemTopic, utcnow
from aggregator.services import folds, pairs
from aggregator.services.harvested import ERROR_TEXT_LIMIT, Harvested, Outcome, TopicMatch
from aggregator.urls import canonical_url


def record(session: Session, harvested: Harvested) -> Outcome:
    """Store ``harvested`` unless it is known; return what happened. The caller owns the transaction."""
    harvested = harvested.storable()
    canon = harvested.canon
    existing = _existing(session, harvested, canon)
    if existing is not None:
        outcome = _merge(session, existing, harvested)
        _adopt_stories(session, existing.id, existing.canonical_url)
        return outcome
    first_copy = folds.original_of(
        session, harvested.kind, harvested.source_id, harvested.text, harvested.sketch
    )
    item_id = _insert(session, harvested, canon, first_copy)
    if item_id is None:
        return Outcome.DUPLICATE
    _adopt_stories(session, item_id, canon)
    return Outcome.SYNDICATED if first_copy is not None else Outcome.NEW


def record_batch(session: Session, batch: Sequence[Harvested]) -> list[Outcome]:
    """Store every item of ``batch`` as ``record`` would, one after another; the caller owns the transaction.

    Most items of a crawl are plain new articles: no stored item shares their URL, GUID or text, and
    no story waits for them as its issue. Four queries for the whole batch find out which ones are;
    those are inserted at once, and any other goes through ``record``, which asks its own questions.
    What each item adds is noted before the next is judged, so two copies within one batch are
    caught as they would be one batch apart.
    """
    batch = [h.storable() for h in batch]
    canons = [h.canon for h in batch]
    known = _Known.of(session, batch, canons)
    outcomes: list[Outcome] = []
    plain: list[pairs.Stored] = []
    for position, (harvested, canon) in enumerate(zip(batch, canons, strict=True)):
        if known.is_plain_new(harvested, canon):
            # None: another writer stored it since the batch's queries.
            item_id = _insert(session, harvested, canon, None, pair_now=False)
            outcomes.append(Outcome.NEW if item_id is not None else Outcome.DUPLICATE)
            if item_id is not None:
                plain.append(pairs.Stored(item_id, canon, harvested.language, harvested.alternates))
        else:
            outcomes.append(record(session, harvested))
        known.note(harvested, canon, -1 - position)
    pairs.link_from_page(session, plain, new=True)
    return outcomes


@dataclass
class _Known:
    """What the database (and the batch so far) holds that could make an item more than a plain insert."""

    urls: set[str]
    guids: set[tuple[int, str]]
    parents: set[str]
    # sketch value -> ids of the items holding it (a batch's own items by negative position)
    sketches: dict[int, set[int]]

    @classmethod
    def of(cls, session: Session, batch: Sequence[Harvested], canons: list[str]) -> _Known:
        connection = session.connection()
        guids = sorted({h.guid for h in batch if h.guid})
        stored_guids: set[tuple[int, str]] = set()
        if guids:
            sources = sorted({h.source_id for h in batch})
            for source_id, guid in connection.execute(_KNOWN_GUIDS, {"sources": sources, "guids": guids}):
                stored_guids.add((source_id, str(guid)))
        values = sorted({v for h in batch for v in h.sketch or ()})
        sketches: dict[int, set[int]] = {}
        if values:
            for value, item_id in connection.execute(_SKETCH_HOLDERS, {"values": values}):
                sketches.setdefault(value, set()).add(item_id)
        return cls(
            urls=set(connection.scalars(_KNOWN_URLS, {"canons": canons})),
            guids=stored_guids,
            parents=set(connection.scalars(_AWAITED_PARENTS, {"canons": canons})),
            sketches=sketches,
        )

    def is_plain_new(self, harvested: Harvested, canon: str) -> bool:
        if harvested.kind != ItemKind.ARTICLE or harvested.parent_url:
            return False
        if canon in self.urls or canon in self.parents:
            return False
        if harvested.guid and (harvested.source_id, harvested.guid) in self.guids:
            return False
        shared: dict[int, int] = {}
        for value in harvested.sketch or ():
            for holder in self.sketches.get(value, ()):
                shared[holder] = shared.get(holder, 0) + 1
        # A candidate sends the item to ``record``, whose check on the texts decides.
        return not any(is_candidate(count) for count in shared.values())

    def note(self, harvested: Harvested, canon: str, holder: int) -> None:
        self.urls.add(canon)
        if harvested.guid:
            self.guids.add((harvested.source_id, harvested.guid))
        if harvested.parent_url:
            self.parents.add(canonical_url(harvested.parent_url))
        for value in harvested.sketch or ():
            self.sketches.setdefault(value, set()).add(holder)


def _insert(
    session: Session, harvested: Harvested, canon: str, duplicate_of_id: int | None, *, pair_now: bool = True
) -> int | None:
    """Insert a new item with its topic scores and sketch; return its id, or None if the URL was taken.

    Its other-language version is looked for at once, unless ``pair_now`` is False (a batch looks for
    every plain new item's at its end, in two statements).
    """
    values = _insert_values(session, harvested, canon, duplicate_of_id)
    statement = _UPSERTS[session.get_bind().dialect.name]
    # On the session's connection: the row needs no ORM bookkeeping, and that bookkeeping is
    # paid on every item of a crawl.
    item_id: int | None = session.connection().execute(statement, values).scalar_one_or_none()
    if item_id is not None:
        _store_matches(session, item_id, harvested.topic_matches)
        _store_sketch(session, item_id, harvested.sketch, new=True)
        if duplicate_of_id is None and pair_now:
            stored = pairs.Stored(item_id, canon, harvested.language, harvested.alternates)
            pairs.link_from_page(session, [stored], new=True)
    return item_id


# Statements built once, with their values bound per call: building one per item (a new statement
# of some twenty values, and its cache key) cost more than the database's work on it.
_ITEMS = cast(Table, Item.__table__)
_UPSERTS = {
    # At-least-once fetching means two writers may race on one URL: the loser does nothing.
    name: dialect_insert(_ITEMS)
    .on_conflict_do_nothing(index_elements=["canonical_url"])
    .returning(_ITEMS.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_SAME_URL = Item.canonical_url == bindparam("canon")
# Ids first (a plain row, no ORM object built for the usual answer: none); the item only if found.
_BY_URL = select(Item.id).where(_SAME_URL)
# One query for both keys (each is indexed); the URL's match wins over the GUID's.
_BY_URL_OR_GUID = (
    select(Item.id)
    .where(or_(_SAME_URL, and_(Item.source_id == bindparam("source_id"), Item.guid == bindparam("guid"))))
    .order_by(case((_SAME_URL, 0), else_=1), Item.id)
    .limit(1)
)

_INSERT_SKETCH = insert(cast(Table, ItemSketch.__table__))
_HAS_ORPHANS = select(exists().where(Item.parent_url == bindparam("canon")))
_KNOWN_URLS = select(Item.canonical_url).where(Item.canonical_url.in_(bindparam("canons", expanding=True)))
_KNOWN_GUIDS = select(Item.source_id, Item.guid).where(
    Item.source_id.in_(bindparam("sources", expanding=True)),
    Item.guid.in_(bindparam("guids", expanding=True)),
)
_AWAITED_PARENTS = (
    select(Item.parent_url).where(Item.parent_url.in_(bindparam("canons", expanding=True))).distinct()
)
_SKETCH_HOLDERS = select(ItemSketch.value, ItemSketch.item_id).where(
    ItemSketch.value.in_(bindparam("values", expanding=True))
)


def _existing(session: Session, harvested: Harvested, canon: str) -> Item | None:
    connection = session.connection()
    if not harvested.guid:
        item_id = connection.scalar(_BY_URL, {"canon": canon})
    else:
        keys = {"canon": canon, "source_id": harvested.source_id, "guid": harvested.guid}
        item_id = connection.scalar(_BY_URL_OR_GUID, keys)
    return None if item_id is None else session.get(Item, item_id)


def _merge(session: Session, item: Item, harvested: Harvested) -> Outcome:
    if harvested.bullets and not item.bullets:
        # An issue stored before its bullets were kept gets them; once kept they are the curator's.
        item.bullets = [b.as_bullet() for b in harvested.bullets]
        item.issue_intro = item.issue_intro or harvested.issue_intro
    item.site_name = item.site_name or harvested.site_name
    if harvested.parent_url and item.parent_id is None and item.kind != ItemKind.NEWSLETTER:
        # A story already known on its own (from its site's feed) still belongs to this issue.
        item.parent_url = canonical_url(harvested.parent_url)
        item.parent_id = _id_of(session, harvested.parent_url)
        item.position = item.position or harvested.position
    if (
        harvested.kind == ItemKind.NEWSLETTER
        and item.kind == ItemKind.ARTICLE
        and item.status == ItemStatus.NEW
    ):
        item.kind = ItemKind.NEWSLETTER
    if item.content_origin not in UPGRADABLE_ORIGINS or item.status == ItemStatus.REJECTED:
        return Outcome.DUPLICATE
    if harvested.content_origin in UPGRADABLE_ORIGINS:
        item.fetch_attempts += 1
        item.last_fetch_error = (harvested.fetch_error or "")[:ERROR_TEXT_LIMIT] or None
        return Outcome.DUPLICATE
    # The page answered at last: its extracted text replaces the feed's stand-in, but what a
    # curator already wrote (title edits, excerpt) is theirs and stays. An item with its own text is
    # an article, whichever source met it first; its issue link (parent) stays.
    if item.kind == ItemKind.STORY and harvested.kind == ItemKind.ARTICLE:
        item.kind = ItemKind.ARTICLE
    item.content_origin = harvested.content_origin
    item.text = harvested.text
    item.summary = harvested.summary or item.summary
    item.author = item.author or harvested.author
    item.language = harvested.language or item.language
    item.published_at = item.published_at or harvested.published
    item.excerpt_candidates = list(harvested.excerpt_candidates) or item.excerpt_candidates
    if item.status == ItemStatus.NEW and harvested.title:
        item.title = harvested.title
    item.fetched_at = utcnow()
    item.fetch_attempts += 1
    item.last_fetch_error = None
    session.flush()
    _store_matches(session, item.id, harvested.topic_matches)
    _store_sketch(session, item.id, harvested.sketch)
    if item.duplicate_of_id is None:
        # Its page, read at last, may announce its other-language version.
        stored = pairs.Stored(item.id, item.canonical_url, item.language, harvested.alternates)
        pairs.link_from_page(session, [stored], new=False)
    return Outcome.COMPLETED


def _insert_values(
    session: Session, harvested: Harvested, canon: str, duplicate_of_id: int | None
) -> dict[str, Any]:
    now = utcnow()
    fetched = harvested.content_origin in (ContentOrigin.ARTICLE, ContentOrigin.API)
    return {
        "source_id": harvested.source_id,
        "url": harvested.url,
        "canonical_url": canon,
        "guid": harvested.guid,
        "kind": harvested.kind,
        "title": harvested.title,
        "author": harvested.author,
        "published_at": harvested.published,
        "first_seen_at": now,
        "fetched_at": now if fetched else None,
        "language": harvested.language,
        "text": harvested.text,
        "summary": harvested.summary,
        "content_origin": harvested.content_origin,
        "fetch_attempts": 1,
        "last_fetch_error": None if fetched else (harvested.fetch_error or "")[:ERROR_TEXT_LIMIT] or None,
        "status": ItemStatus.NEW,
        "excerpt": harvested.excerpt,
        "excerpt_candidates": list(harvested.excerpt_candidates),
        "parent_id": _id_of(session, harvested.parent_url) if harvested.parent_url else None,
        "parent_url": canonical_url(harvested.parent_url) if harvested.parent_url else None,
        "position": harvested.position,
        "duplicate_of_id": duplicate_of_id,
        "updated_at": now,
        "site_name": harvested.site_name,
        "issue_intro": harvested.issue_intro,
        "bullets": [b.as_bullet() for b in harvested.bullets],
    }


def _store_sketch(
    session: Session, item_id: int, sketch: tuple[int, ...] | None, *, new: bool = False
) -> None:
    if not sketch:
        return
    if not new:
        session.execute(delete(ItemSketch).where(ItemSketch.item_id == item_id))
    # A Core executemany: one statement for the rows, no ORM objects to track (paid on every item).
    rows = [{"item_id": item_id, "value": value} for value in set(sketch)]
    session.connection().execute(_INSERT_SKETCH, rows)


def _adopt_stories(session: Session, item_id: int, canon: str) -> None:
    # Stories travel faster than their issue (no page to extract), so they may be stored first.
    orphans = Item.parent_url == canon
    # Nearly every item is no issue at all: one indexed lookup spares the two updates below.
    if not session.scalar(_HAS_ORPHANS, {"canon": canon}):
        return
    session.execute(update(Item).where(orphans, Item.parent_id.is_(None)).values(parent_id=item_id))
    # A story known only by its bullet is dated by the issue that recommended it.
    issue_date = select(Item.published_at).where(Item.id == item_id).scalar_subquery()
    session.execute(
        update(Item)
        .where(orphans, Item.published_at.is_(None), Item.content_origin == ContentOrigin.BULLET)
        .values(published_at=issue_date)
    )


def _id_of(session: Session, url: str) -> int | None:
    return session.scalar(select(Item.id).where(Item.canonical_url == canonical_url(url)))


def _store_matches(session: Session, item_id: int, matches: Sequence[TopicMatch]) -> None:
    for match in matches:
        link = session.get(ItemTopic, (item_id, match.topic_id))
        if link is None:
            link = ItemTopic(item_id=item_id, topic_id=match.topic_id, assigned=False)
            session.add(link)
        link.score = match.score
        link.matched_terms = list(match.matched)
