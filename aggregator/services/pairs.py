"""Pairs: an item and its version in the other language, linked when the page says so or a curator does.

Whichever version is stored second finds the first: by the alternates either page announced (kept in
``item_alternates``), then by the URL conventions of ``curate/pairs``. A pair is two items pointing at
each other (``pair_id``); a folded copy is never paired, and an item belongs to one pair at most. The
queue shows a pair as one row, approving one offers the other, and published entries link the other
language's version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, literal, select, union_all, update
from sqlalchemy.orm import Session

from aggregator.curate.pairs import counterpart_urls, may_pair
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.models import Item, ItemAlternate, ItemEvent
from aggregator.services.views import ItemView, PairView

FROM_PAGE = "page"
FROM_CURATOR = "curator"

_ITEMS = cast(Table, Item.__table__)
# One statement per new item, each half read from its own index: the stored items at the URLs where its
# other version would be, and those whose page named it (``named`` = 1). Asked as one condition with
# "pair_id IS NULL", SQLite walked the pair_id index over every unpaired item instead; the unpaired
# ones are kept in Python.
_FIELDS = (_ITEMS.c.id, _ITEMS.c.canonical_url, _ITEMS.c.language, _ITEMS.c.pair_id, _ITEMS.c.duplicate_of_id)
_CANDIDATES = union_all(
    select(*_FIELDS, literal(0).label("named")).where(
        _ITEMS.c.canonical_url.in_(bindparam("urls", expanding=True))
    ),
    select(*_FIELDS, literal(1).label("named"))
    .join(ItemAlternate, ItemAlternate.item_id == _ITEMS.c.id)
    .where(ItemAlternate.url == bindparam("canon")),
)
_SET_PAIR = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item"))
    .values(pair_id=bindparam("other"), pair_origin=bindparam("origin"))
)
_BRIEF = select(Item.id, Item.language, Item.title, Item.url, Item.status)


def link_from_page(
    session: Session,
    item_id: int,
    canon: str,
    language: str | None,
    alternates: Sequence[tuple[str, str]],
    *,
    new: bool,
) -> int | None:
    """Keep what ``item_id``'s page announced and pair it with a stored version; return the partner's id.

    Announced versions (either page naming the other) pair unless both languages are known and the
    same; a version found only by URL convention pairs only when the two languages are known and differ.
    """
    connection = session.connection()
    if not new:
        connection.execute(delete(ItemAlternate).where(ItemAlternate.item_id == item_id))
    announced = {url: code for code, url in alternates if url != canon}
    if announced:
        rows = [{"item_id": item_id, "url": url, "language": code} for url, code in announced.items()]
        connection.execute(insert(ItemAlternate), rows)
    if not new and connection.scalar(select(Item.pair_id).where(Item.id == item_id)) is not None:
        return None
    urls = sorted({*announced, *counterpart_urls(canon)})
    best: tuple[int, int] | None = None
    for row in connection.execute(_CANDIDATES, {"urls": urls, "canon": canon}):
        if row.id == item_id or row.pair_id is not None or row.duplicate_of_id is not None:
            continue
        said = row.canonical_url in announced or bool(row.named)
        same = bool(language and row.language) and not may_pair(language, row.language)
        if (said and not same) or may_pair(language, row.language):
            rank = (0 if said else 1, int(row.id))
            best = rank if best is None or rank < best else best
    if best is None:
        return None
    _join(session, item_id, best[1], FROM_PAGE)
    return best[1]


def pair(session: Session, item_id: int, other_id: int, actor: str) -> None:
    """Pair two items as one piece in two languages, on a curator's word; recorded on both."""
    if item_id == other_id:
        raise InvalidInput("an item cannot be paired with itself")
    first, second = session.get(Item, item_id), session.get(Item, other_id)
    for wanted, found in ((item_id, first), (other_id, second)):
        if found is None:
            raise NotFound(f"no item {wanted}")
    assert first is not None
    assert second is not None
    if first.pair_id == second.id:
        return
    for item in (first, second):
        if item.duplicate_of_id is not None:
            raise InvalidInput(
                f"item {item.id} is a folded copy of item {item.duplicate_of_id}: unfold it first"
            )
        if item.pair_id is not None:
            raise Conflict(f"item {item.id} is paired with item {item.pair_id} already: unpair it first")
    _join(session, item_id, other_id, FROM_CURATOR)
    session.add(ItemEvent(item_id=item_id, actor=actor, action="pair", detail={"with": other_id}))
    session.add(ItemEvent(item_id=other_id, actor=actor, action="pair", detail={"with": item_id}))


def unpair(session: Session, item: Item, actor: str) -> int:
    """Undo ``item``'s pair, recorded on both items; return the former partner's id."""
    other_id = item.pair_id
    if other_id is None:
        raise InvalidInput(f"item {item.id} is not paired")
    session.execute(
        update(Item).where(Item.id.in_([item.id, other_id])).values(pair_id=None, pair_origin=None)
    )
    # Its page may still announce the other: the announcement goes, or the next crawl pairs them again.
    session.execute(delete(ItemAlternate).where(ItemAlternate.item_id.in_([item.id, other_id])))
    session.add(ItemEvent(item_id=item.id, actor=actor, action="unpair", detail={"from": other_id}))
    session.add(ItemEvent(item_id=other_id, actor=actor, action="unpair", detail={"from": item.id}))
    session.expire(item)
    return other_id


def with_pairs(session: Session, views: Sequence[ItemView]) -> list[ItemView]:
    """Return ``views`` each with its other-language version (id, language, title, link, status)."""
    wanted = sorted({v.pair_id for v in views if v.pair_id is not None})
    if not wanted:
        return list(views)
    found = {
        row.id: PairView(row.id, row.language, row.title, row.url, row.status)
        for row in session.execute(_BRIEF.where(Item.id.in_(wanted)))
    }
    return [replace(v, pair=found.get(v.pair_id)) if v.pair_id is not None else v for v in views]


def _join(session: Session, item_id: int, other_id: int, origin: str) -> None:
    # Core statements on the session's connection: no ORM bookkeeping on the crawl's storage path.
    rows = [
        {"item": item_id, "other": other_id, "origin": origin},
        {"item": other_id, "other": item_id, "origin": origin},
    ]
    session.connection().execute(_SET_PAIR, rows)
