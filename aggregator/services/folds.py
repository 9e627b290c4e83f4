"""Syndicated copies of stored items: which story a new text copies, what listings show, unfolding.

What makes two texts one story is ``curate/duplicates``'s rule; this module applies it to what is
stored. A copy stays stored with ``duplicate_of_id`` pointing at its original and out of the queue;
the original's row says where else the story appeared, and a curator who sees a wrong fold unfolds
the copy, which makes it a queue item of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from aggregator.curate.duplicates import CANDIDATE_SHARED, containment, same_story, shingles
from aggregator.enums import ItemKind
from aggregator.errors import InvalidInput
from aggregator.models import Item, ItemEvent, ItemSketch, Source
from aggregator.services.views import CopyView, ItemView

# The candidates sharing most sketch values first; past MAX_CHECKED, a text is on a template that
# many stored texts share, and its copies (sharing more values) were among the first anyway.
MAX_CHECKED = 8
_IN_CHUNK = 500
_SHARING = (
    select(ItemSketch.item_id)
    .where(ItemSketch.value.in_(bindparam("values", expanding=True)))
    .group_by(ItemSketch.item_id)
    .having(func.count(ItemSketch.value) >= CANDIDATE_SHARED)
    .order_by(func.count(ItemSketch.value).desc(), ItemSketch.item_id)
    .limit(MAX_CHECKED)
)
_CANDIDATE_TEXTS = select(Item.id, Item.source_id, Item.duplicate_of_id, Item.text).where(
    Item.id.in_(bindparam("ids", expanding=True)), Item.kind != ItemKind.NEWSLETTER
)
_BRIEF = select(Item.id, Item.duplicate_of_id, Item.url, Item.title, Source.name).join(Source)


def original_of(
    session: Session, kind: str, source_id: int, text: str, sketch: tuple[int, ...] | None
) -> int | None:
    """Return the id of the stored story that ``text`` is a copy of, or None.

    A copy folds into the stored text closest to it (the highest containment; on a tie, one from its
    own source, as a page that moved would be; then the oldest), or into that text's original when it
    is a copy itself. Closest, not oldest: a copy that a curator unfolded is the closest text to
    itself, so its page met again under a new address folds into it, not into the story it was
    wrongly folded into. A newsletter issue holds several stories: it is never folded, nor folded into.
    """
    if kind == ItemKind.NEWSLETTER or not sketch:
        return None
    # Two steps on purpose: joined to items in one query, SQLite's planner walks every original
    # item for each new one, a cost that grows with the table; by sketch value first, it is a few
    # index lookups, and usually nothing follows.
    candidates = list(session.scalars(_SHARING, {"values": list(sketch)}))
    if not candidates:
        return None
    new = shingles(text)
    best: tuple[float, bool, int] | None = None
    original = None
    for item_id, stored_source, duplicate_of_id, stored in session.execute(
        _CANDIDATE_TEXTS, {"ids": candidates}
    ):
        other = shingles(stored)
        if new is None or other is None or not same_story(new, other):
            continue
        rank = (containment(new, other), stored_source == source_id, -item_id)
        if best is None or rank > best:
            best, original = rank, duplicate_of_id or item_id
    return original


def with_folds(session: Session, views: Sequence[ItemView]) -> list[ItemView]:
    """Return ``views`` with each one's copies and, for a copy, the item it was folded into."""
    ids = [v.id for v in views]
    copies: dict[int, list[CopyView]] = {}
    for chunk in _chunks(ids):
        query = _BRIEF.where(Item.duplicate_of_id.in_(chunk)).order_by(Item.id)
        for row in session.execute(query):
            copies.setdefault(row.duplicate_of_id, []).append(_brief(row))
    wanted = sorted({v.duplicate_of_id for v in views if v.duplicate_of_id is not None})
    originals = {}
    for chunk in _chunks(wanted):
        originals.update({row.id: _brief(row) for row in session.execute(_BRIEF.where(Item.id.in_(chunk)))})
    return [
        replace(
            v,
            copies=tuple(copies.get(v.id, ())),
            original=originals.get(v.duplicate_of_id) if v.duplicate_of_id else None,
        )
        for v in views
    ]


def unfold(session: Session, item: Item, actor: str) -> int:
    """Make a folded copy an item of its own; record it on both items; return the former original's id."""
    original = item.duplicate_of_id
    if original is None:
        raise InvalidInput(f"item {item.id} is not folded into another item")
    item.duplicate_of_id = None
    # On both trails: the copy's says where it was, the original's why its copy left.
    session.add(ItemEvent(item_id=item.id, actor=actor, action="unfold", detail={"from": original}))
    session.add(ItemEvent(item_id=original, actor=actor, action="unfold", detail={"copy": item.id}))
    return original


def _brief(row: Row[int, int | None, str, str, str]) -> CopyView:
    return CopyView(row.id, row.name, row.url, row.title)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start : start + _IN_CHUNK]
