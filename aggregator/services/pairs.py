"""Pairs: an item and its version in the other language, linked when the page says so or a curator does.

Whichever version is stored second finds the first: by the alternates either page announced (kept in
``item_alternates``), then by the URL conventions of ``curate/pairs``. A pair is two items pointing at
each other (``pair_id``); a folded copy is never paired, and an item belongs to one pair at most. The
queue shows a pair as one row, approving one offers the other, and published entries link the other
language's version.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from aggregator.curate.pairs import counterpart_urls, may_pair
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.models import Item, ItemAlternate, ItemEvent
from aggregator.services.views import ItemView, PairView

FROM_PAGE = "page"
FROM_CURATOR = "curator"

_ITEMS = cast(Table, Item.__table__)
# Two statements per batch of new items, each read from its own index: the stored items at the URLs
# where their other versions would be, and those whose pages named them. Asked as one condition with
# "pair_id IS NULL", SQLite walked the pair_id index over every unpaired item instead; the unpaired
# ones are kept in Python.
_FIELDS = (_ITEMS.c.id, _ITEMS.c.canonical_url, _ITEMS.c.language, _ITEMS.c.pair_id, _ITEMS.c.duplicate_of_id)
_AT_URLS = select(*_FIELDS).where(_ITEMS.c.canonical_url.in_(bindparam("urls", expanding=True)))
_NAMING = (
    select(ItemAlternate.url.label("named"), *_FIELDS)
    .join(ItemAlternate, ItemAlternate.item_id == _ITEMS.c.id)
    .where(ItemAlternate.url.in_(bindparam("canons", expanding=True)))
)
_SET_PAIR = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item"))
    .values(pair_id=bindparam("other"), pair_origin=bindparam("origin"))
)
_BRIEF = select(Item.id, Item.language, Item.title, Item.url, Item.status)
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored item whose page may have named its other-language version."""

    item_id: int
    canon: str
    language: str | None
    alternates: Sequence[tuple[str, str]] = ()


def link_from_page(session: Session, stored: Sequence[Stored], *, new: bool) -> dict[int, int]:
    """Keep what each item's page announced and pair it with a stored version; return item -> partner.

    Announced versions (either page naming the other) pair unless both languages are known and the
    same; a version found only by URL convention pairs only when the two languages are known and differ.
    Items of one batch pair with each other as with anything stored before.
    """
    connection = session.connection()
    ids = [s.item_id for s in stored]
    if not stored:
        return {}
    if not new:
        connection.execute(delete(ItemAlternate).where(ItemAlternate.item_id.in_(ids)))
    announced = {s.item_id: {url: code for code, url in s.alternates if url != s.canon} for s in stored}
    rows = [
        {"item_id": item_id, "url": url, "language": code}
        for item_id, named in announced.items()
        for url, code in named.items()
    ]
    if rows:
        connection.execute(insert(ItemAlternate), rows)
    places = {s.item_id: {*announced[s.item_id], *counterpart_urls(s.canon)} for s in stored}
    at_url: dict[str, Row[Any]] = {}
    for chunk in _chunks(sorted({u for urls in places.values() for u in urls})):
        at_url.update({row.canonical_url: row for row in connection.execute(_AT_URLS, {"urls": chunk})})
    naming: dict[str, list[Row[Any]]] = {}
    for chunk in _chunks(sorted({s.canon for s in stored})):
        for row in connection.execute(_NAMING, {"canons": chunk}):
            naming.setdefault(row.named, []).append(row)
    paired = {row.id for row in at_url.values() if row.pair_id is not None}
    paired |= {row.id for rows_ in naming.values() for row in rows_ if row.pair_id is not None}
    if not new:
        paired |= set(connection.scalars(select(Item.id).where(Item.id.in_(ids), Item.pair_id.is_not(None))))
    joined: dict[int, int] = {}
    for s in stored:
        if s.item_id in paired:
            continue
        candidates = [(at_url[u], u in announced[s.item_id]) for u in places[s.item_id] if u in at_url]
        candidates += [(row, True) for row in naming.get(s.canon, ())]
        best: tuple[int, int] | None = None
        for row, said in candidates:
            if row.id == s.item_id or row.id in paired or row.duplicate_of_id is not None:
                continue
            same = bool(s.language and row.language) and not may_pair(s.language, row.language)
            if (said and not same) or may_pair(s.language, row.language):
                rank = (0 if said else 1, int(row.id))
                best = rank if best is None or rank < best else best
        if best is not None:
            paired |= {s.item_id, best[1]}
            joined[s.item_id] = best[1]
    if joined:
        _join_all(session, [(item_id, other) for item_id, other in joined.items()], FROM_PAGE)
    return joined


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
    _join_all(session, [(item_id, other_id)], origin)


def _join_all(session: Session, couples: Sequence[tuple[int, int]], origin: str) -> None:
    # Core statements on the session's connection: no ORM bookkeeping on the crawl's storage path.
    rows = [{"item": a, "other": b, "origin": origin} for a, b in couples]
    rows += [{"item": b, "other": a, "origin": origin} for a, b in couples]
    session.connection().execute(_SET_PAIR, rows)


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
