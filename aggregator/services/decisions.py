"""What the learned queue order reads from the database: the items' texts, the topics and the decisions.

Decisions are data already stored: an item's status, when it was reviewed and the topics it was approved
into. An item approved into a topic is a positive for that topic, a rejected item a negative for every
topic; an item approved into other topics says nothing about this one. They are read in the order they
were taken (review time, then id), so a model rebuilt from them after a restart, or in a second app
process, is the model updated decision by decision in the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aggregator.curate.features import Document
from aggregator.curate.training import Decision, Topic
from aggregator.enums import ItemStatus
from aggregator.models import Item, ItemTopic
from aggregator.models import Topic as TopicRow

_IN_CHUNK = 500
_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class StoredTopic:
    """A topic as the model reads it, with its id and slug."""

    id: int
    slug: str
    topic: Topic


def census(session: Session) -> tuple[int, dt.datetime | None]:
    """Return how many queue-able items (not folded copies) there are, and the latest change to any item."""
    count = session.scalar(select(func.count()).where(Item.duplicate_of_id.is_(None)))
    return int(count or 0), session.scalar(select(func.max(Item.updated_at)))


def queueable(session: Session) -> set[int]:
    """Return the ids of every queue-able item (not a folded copy)."""
    return {int(i) for i in session.scalars(select(Item.id).where(Item.duplicate_of_id.is_(None)))}


def changed_since(session: Session, since: dt.datetime) -> dict[int, bool]:
    """Return the items changed at or after ``since``, each with whether it is queue-able."""
    query = select(Item.id, Item.duplicate_of_id).where(Item.updated_at >= since)
    return {int(i): copy is None for i, copy in session.execute(query)}


def documents(session: Session, item_ids: Iterable[int]) -> Iterator[tuple[int, Document]]:
    """Yield what the model reads of the given items: title, summary and text."""
    ids = sorted(item_ids)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        query = select(Item.id, Item.title, Item.summary, Item.text).where(Item.id.in_(chunk))
        for item_id, title, summary, text in session.execute(query):
            yield int(item_id), Document(title=title or "", summary=summary or "", text=text or "")


def topics(session: Session) -> list[StoredTopic]:
    """Return every topic, in page order."""
    rows = session.scalars(select(TopicRow).order_by(TopicRow.position, TopicRow.id))
    return [
        StoredTopic(
            t.id,
            t.slug,
            Topic(t.name, t.intro or "", tuple(t.include_terms or ()), tuple(t.exclude_terms or ())),
        )
        for t in rows
    ]


def rule_scores(session: Session, topic_id: int) -> dict[int, float]:
    """Return the keyword rules' stored score (relevance.score_topic) of the items that have one."""
    query = select(ItemTopic.item_id, ItemTopic.score).where(
        ItemTopic.topic_id == topic_id, ItemTopic.score > 0
    )
    return {int(i): float(s) for i, s in session.execute(query)}


def decisions(session: Session) -> dict[int, list[Decision]]:
    """Return each topic's decisions (by topic id), in the order they were taken."""
    # By status alone, so the status index answers; copies are left out here rather than in SQL, where
    # the planner would walk the copies' index and read every item's row.
    reviewed = select(Item.id, Item.status, Item.reviewed_at, Item.duplicate_of_id).where(
        Item.status.in_((ItemStatus.APPROVED, ItemStatus.REJECTED))
    )
    assigned = (
        select(ItemTopic.item_id, ItemTopic.topic_id)
        .join(Item, Item.id == ItemTopic.item_id)
        .where(ItemTopic.assigned.is_(True), Item.status == ItemStatus.APPROVED)
    )
    rows = [(at, int(i), str(s)) for i, s, at, copy in session.execute(reviewed) if copy is None]
    rows.sort(key=lambda row: (row[0] is not None, row[0] or _NEVER, row[1]))
    into: dict[int, set[int]] = {}
    for item_id, topic_id in session.execute(assigned):
        into.setdefault(int(item_id), set()).add(int(topic_id))
    found: dict[int, list[Decision]] = {int(t): [] for t in session.scalars(select(TopicRow.id))}
    for _, item_id, status in rows:
        for topic_id, held in found.items():
            if status == ItemStatus.REJECTED:
                held.append(Decision(item_id, False))
            elif topic_id in into.get(item_id, ()):
                held.append(Decision(item_id, True))
    return found
