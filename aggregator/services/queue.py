"""The review queue: which items a filter holds, in which order, and how it is paged.

The queue page, the JSON API and ``aggregator items list`` all ask here, so a filter, an order or a
page boundary means the same everywhere. Newest first pages by cursor (the last item's date and
id), which the index answers at any depth; the relevance order pages by number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from aggregator.db import MAX_ID, Database
from aggregator.errors import InvalidInput
from aggregator.models import ITEM_STATUSES, Item, ItemTopic, Source, Topic
from aggregator.services.folds import with_folds
from aggregator.services.pairs import with_pairs
from aggregator.services.search import SearchMatch, search_match
from aggregator.services.views import ItemView, to_view, with_relations

if TYPE_CHECKING:
    from aggregator.curate.learning import Order
    from aggregator.services.ranking import Ranking

# newest and relevance (the topic's rules, or the search) come from the index; the learned orders
# (services/ranking.py) from each topic's model: most likely first, or least certain first.
LEARNED = ("likely", "uncertain")
SORTS = ("newest", "relevance", *LEARNED)
# Deeper than this, counting past an offset is no way to page (the newest-first order has cursors).
MAX_OFFSET = 1_000_000
Cursor = tuple[dt.datetime | None, int]
# How deep the relevance orders look for an item's neighbours (the newest-first order has cursors).
NEIGHBOUR_WINDOW = 1000
# How far the queue's total counts (see ``count``).
COUNT_CAP = 1000


@dataclass(frozen=True, slots=True)
class ItemFilter:
    """What a curator asked to see; None means "any".

    Relevance is the score for ``topic`` or, without a topic, how well an item matches ``search``
    (full text: title, summary, text and author). ``since`` / ``until`` bound the publication date.
    """

    status: str | None = None
    source: str | None = None
    topic: str | None = None
    sort: str = "newest"
    include_duplicates: bool = False
    language: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    search: str | None = None

    @property
    def pairs_as_one(self) -> bool:
        """Return whether a pair shows as one row (its first item's, the other shown in it).

        Only where both versions answer the filters alike: a topic, a search, a language or a source
        may hold one version and not the other, and then each shows as itself, naming the other.
        """
        return not (self.topic or self.search or self.language or self.source)

    @property
    def learned(self) -> bool:
        """Return whether this is a learned order (most likely or least certain first)."""
        return self.sort in LEARNED

    @property
    def by_cursor(self) -> bool:
        """Return whether this order pages by cursor (newest first) rather than by number."""
        return self.sort == "newest"


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One page of the queue, with where the next one starts."""

    items: list[ItemView]
    # Where the next page starts: a cursor in the newest-first order, an offset in the others;
    # None when this page is the last.
    next_after: str | None
    next_offset: int | None


def fetch(
    db: Database,
    wanted: ItemFilter,
    *,
    limit: int | None,
    offset: int = 0,
    after: Cursor | None = None,
    ranking: Ranking | None = None,
) -> list[ItemView]:
    """Return the items ``wanted`` holds, newest (or most relevant) first; syndicated copies left out.

    ``after`` (the date and id of the last item of a page) gives the next page of the newest-first
    order from the index, however deep, instead of counting past an offset. The learned orders
    (``likely``, ``uncertain``) need ``ranking``.
    """
    if offset < 0 or offset > MAX_OFFSET or (limit is not None and limit < 0):
        raise InvalidInput(f"a page starts at an offset from 0 to {MAX_OFFSET:,}")
    if wanted.sort not in SORTS:
        raise InvalidInput(f"unknown sort {wanted.sort!r}; use one of {', '.join(SORTS)}")
    if wanted.sort in LEARNED:
        return _learned(db, ranking, wanted, limit=limit, offset=offset, after=after)
    query, match = _filtered(db, wanted)
    query = with_relations(query)
    newest = (Item.published_at.desc().nulls_last(), Item.id.desc())
    topic = wanted.topic
    by_rank = _by_rank(wanted, match)
    relevance = wanted.sort == "relevance"
    if after is not None:
        if not wanted.by_cursor:
            raise InvalidInput("paging after an item works in the newest-first order only")
        query = query.where(_older_than(*after))
    if relevance and topic is not None:
        query = query.order_by(ItemTopic.score.desc())
    elif by_rank and match is not None:
        # The words as typed found in a title put that item first: the curator is looking for it.
        query = query.order_by(match.in_title().desc())
    most = None if limit is None else offset + limit
    # Ranking every match of a common word is the slow part of a search; the best few hundred
    # matches usually fill the page. When the filters leave too few of them, rank them all.
    cap = 10 * most if by_rank and most is not None else None
    while True:
        page = match.apply(query, by_rank=by_rank, cap=cap) if match is not None else query
        page = page.order_by(*newest).offset(offset)
        if limit is not None:
            page = page.limit(limit)
        with db.read() as session:
            found = with_pairs(session, with_folds(session, [to_view(i) for i in session.scalars(page)]))
        if cap is None or limit is None or len(found) == limit:
            return found
        cap = None


def count(db: Database, wanted: ItemFilter, *, at_most: int = COUNT_CAP) -> int:
    """Return how many items ``wanted`` holds, counting no further than ``at_most`` + 1.

    Counting every match of a broad filter reads every matching row (their text too, on SQLite):
    over a second at 100,000 items, against milliseconds for a page. Past ``at_most`` a curator
    needs to know only that there are more.
    """
    query, match = _filtered(db, wanted)
    if match is not None:
        query = match.apply(query, by_rank=False)
    counted = query.with_only_columns(Item.id).limit(at_most + 1).subquery()
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(counted)) or 0)


def neighbours(db: Database, wanted: ItemFilter, item_id: int) -> tuple[int | None, int | None]:
    """Return the ids of the items before and after ``item_id`` in the queue ``wanted``, or None.

    The item itself need not be in the queue any more (a curator just approved it): in the newest-first
    order its date and id still say where it stood. The relevance orders look among the first
    ``NEIGHBOUR_WINDOW`` items.
    """
    if not wanted.by_cursor:
        order = _relevance_ids(db, wanted)
        if item_id not in order:
            return None, (order[0] if order else None)
        at = order.index(item_id)
        return (order[at - 1] if at > 0 else None), (order[at + 1] if at + 1 < len(order) else None)
    query, match = _filtered(db, wanted)
    if match is not None:
        query = match.apply(query, by_rank=False)
    with db.read() as session:
        published = session.scalar(select(Item.published_at).where(Item.id == item_id))
        ids = query.with_only_columns(Item.id)
        older = ids.where(_older_than(published, item_id))
        older = older.order_by(Item.published_at.desc().nulls_last(), Item.id.desc()).limit(1)
        newer = ids.where(_newer_than(published, item_id))
        newer = newer.order_by(Item.published_at.asc().nulls_first(), Item.id.asc()).limit(1)
        return session.scalar(newer), session.scalar(older)


def _relevance_ids(db: Database, wanted: ItemFilter) -> list[int]:
    """Return the ids of the first ``NEIGHBOUR_WINDOW`` items of a relevance order, ids alone read."""
    query, match = _filtered(db, wanted)
    by_rank = _by_rank(wanted, match)
    if wanted.topic is not None:
        query = query.order_by(ItemTopic.score.desc())
    elif by_rank and match is not None:
        query = query.order_by(match.in_title().desc())
    if match is not None:
        query = match.apply(query, by_rank=by_rank, cap=10 * NEIGHBOUR_WINDOW)
    ids = query.order_by(Item.published_at.desc().nulls_last(), Item.id.desc()).limit(NEIGHBOUR_WINDOW)
    with db.read() as session:
        return list(session.scalars(ids.with_only_columns(Item.id)))


def _filtered(db: Database, wanted: ItemFilter) -> tuple[Select[Item], SearchMatch | None]:
    """Return the query of the items ``wanted`` holds, unordered, and its search (not yet applied)."""
    query = select(Item)
    if wanted.language:
        query = query.where(Item.language == wanted.language)
    if wanted.since is not None:
        query = query.where(Item.published_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(Item.published_at < wanted.until)
    match = search_match(db.dialect, wanted.search) if wanted.search else None
    if wanted.status is not None:
        if wanted.status not in ITEM_STATUSES:
            raise InvalidInput(f"unknown status {wanted.status!r}; use one of {', '.join(ITEM_STATUSES)}")
        query = query.where(Item.status == wanted.status)
    if wanted.source is not None:
        # Resolved once, not joined per row: the planner keeps walking the newest-first index.
        source_ids = select(Source.id).where(or_(Source.name == wanted.source, Source.url == wanted.source))
        query = query.where(Item.source_id.in_(source_ids.scalar_subquery()))
    if not wanted.include_duplicates:
        query = query.where(Item.duplicate_of_id.is_(None))
    if wanted.pairs_as_one:
        query = query.where(or_(Item.pair_id.is_(None), ~_partner_listed_first()))
    if wanted.topic is not None:
        query = (
            query.join(ItemTopic, ItemTopic.item_id == Item.id).join(Topic).where(Topic.slug == wanted.topic)
        )
        query = query.where(or_(ItemTopic.score > 0, ItemTopic.assigned.is_(True)))
    if wanted.sort not in SORTS:
        raise InvalidInput(f"unknown sort {wanted.sort!r}; use one of {', '.join(SORTS)}")
    if wanted.sort == "relevance" and wanted.topic is None and match is None:
        raise InvalidInput("sorting by relevance needs a topic or a search")
    return query, match


def _by_rank(wanted: ItemFilter, match: SearchMatch | None) -> bool:
    """Return whether the search's rank orders the items (relevance asked for, no topic to rank by)."""
    return wanted.sort == "relevance" and wanted.topic is None and match is not None


def fetch_page(
    db: Database,
    wanted: ItemFilter,
    *,
    size: int,
    offset: int = 0,
    after: str = "",
    ranking: Ranking | None = None,
) -> ItemPage:
    """Return ``size`` items from ``offset`` (or after cursor ``after``, newest first)."""
    if size < 1 or offset < 0:
        raise InvalidInput("a page holds at least one item and starts at offset 0 or later")
    cursor = parse_cursor(after)
    # One more than the page shows: whether it is there says whether a next page exists.
    found = fetch(db, wanted, limit=size + 1, offset=offset, after=cursor, ranking=ranking)
    shown, more = found[:size], len(found) > size
    if not more:
        return ItemPage(shown, None, None)
    if wanted.by_cursor:
        return ItemPage(shown, encode_cursor(shown[-1].published_at, shown[-1].id), None)
    return ItemPage(shown, None, offset + size)


def _learned(
    db: Database,
    ranking: Ranking | None,
    wanted: ItemFilter,
    *,
    limit: int | None,
    offset: int,
    after: Cursor | None,
) -> list[ItemView]:
    """Return a page of the learned order: every item the filters hold (a topic's rules need not match)."""
    if ranking is None:
        raise InvalidInput(f"the {wanted.sort!r} order is not available here")
    if after is not None:
        raise InvalidInput("paging after an item works in the newest-first order only")
    # Copies are left out by their own index rather than in the query: "status = new" alone is answered
    # from the status index, without reading each item's row (a queue of 20,000 items: ~0.3 s).
    # Every filter but the topic: a learned order over a topic holds the items its rules miss too.
    query, match = _filtered(db, replace(wanted, topic=None, include_duplicates=True))
    if match is not None:
        query = match.apply(query, by_rank=False)
    with db.read() as session:
        found = session.scalars(query.with_only_columns(Item.id))
        candidates = [int(i) for i in found]
        if not wanted.include_duplicates:
            copies = set(session.scalars(select(Item.id).where(Item.duplicate_of_id.is_not(None))))
            candidates = [i for i in candidates if i not in copies]
    order: Order = "uncertain" if wanted.sort == "uncertain" else "likely"
    placed = ranking.order(candidates, wanted.topic, order, offset, limit)
    place = {p.item_id: p for p in placed}
    with db.read() as session:
        loaded = session.scalars(with_relations(select(Item)).where(Item.id.in_(list(place))))
        views = {v.id: v for v in with_pairs(session, with_folds(session, [to_view(i) for i in loaded]))}
    shown = [(p, views[p.item_id]) for p in placed if p.item_id in views]
    from aggregator.curate.features import Document  # scikit-learn's import only for learned orders

    whys = ranking.why([(p, Document(title=v.title, summary=v.summary, text=v.text)) for p, v in shown])
    return [replace(view, why=why) for (_, view), why in zip(shown, whys, strict=True)]


def encode_cursor(published: dt.datetime | None, item_id: int) -> str:
    """Return the cursor for the page after an item: its publication date (or "none") and its id."""
    return f"{published.isoformat() if published else 'none'}~{item_id}"


def parse_cursor(value: str) -> Cursor | None:
    """Return the (publication date, id) of a cursor, None for an empty one; raise InvalidInput."""
    if not value:
        return None
    when, _, item_id = value.rpartition("~")
    try:
        published = None if when == "none" else dt.datetime.fromisoformat(when)
        if published is not None and published.tzinfo is None:
            raise ValueError(when)
        if not (item_id.isascii() and item_id.isdigit()) or not 0 < int(item_id) <= MAX_ID:
            raise ValueError(item_id)
        return published, int(item_id)
    except ValueError:
        raise InvalidInput(f"not a page cursor: {value!r}") from None


def _partner_listed_first() -> ColumnElement[bool]:
    """Return the condition that an item's pair partner has the same status and a lower id."""
    partner = aliased(Item)
    return exists().where(
        partner.id == Item.pair_id,
        partner.id < Item.id,
        partner.status == Item.status,
        partner.duplicate_of_id.is_(None),
    )


def _older_than(published: dt.datetime | None, item_id: int) -> ColumnElement[bool]:
    """Return the condition for items after (published, id) in the newest-first order (nulls last)."""
    if published is None:
        return and_(Item.published_at.is_(None), Item.id < item_id)
    return or_(
        Item.published_at < published,
        and_(Item.published_at == published, Item.id < item_id),
        Item.published_at.is_(None),
    )


def _newer_than(published: dt.datetime | None, item_id: int) -> ColumnElement[bool]:
    """Return the condition for items before (published, id) in the newest-first order (nulls last)."""
    if published is None:
        return or_(Item.published_at.is_not(None), and_(Item.published_at.is_(None), Item.id > item_id))
    return or_(Item.published_at > published, and_(Item.published_at == published, Item.id > item_id))
