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

from sqlalchemy import select

from aggregator.curate.features import Document
from aggregator.curate.training import Decision, Topic
from aggregator.db import Database
from aggregator.enums import ItemStatus
from aggregator.models import Item, ItemTopic
from aggregator.models import Topic as TopicRow

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StoredTopic:
    """A topic as the model reads it, with its id and slug."""

    id: int
    slug: str
    topic: Topic


def versions(db: Database) -> dict[int, dt.datetime]:
    """Return when each queue-able item (not a folded copy) last changed, by id."""
    query = select(Item.id, Item.updated_at).where(Item.duplicate_of_id.is_(None))
    with db.read() as session:
        return {int(i): at for i, at in session.execute(query)}


def documents(db: Database, item_ids: Iterable[int]) -> Iterator[tuple[int, Document]]:
    """Yield what the model reads of the given items: title, summary and text."""
    ids = sorted(item_ids)
    with db.read() as session:
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            query = select(Item.id, Item.title, Item.summary, Item.text).where(Item.id.in_(chunk))
            for item_id, title, summary, text in session.execute(query):
                yield int(item_id), Document(title=title or "", summary=summary or "", text=text or "")


def topics(db: Database) -> list[StoredTopic]:
    """Return every topic, in page order."""
    with db.read() as session:
        rows = session.scalars(select(TopicRow).order_by(TopicRow.position, TopicRow.id))
        return [
            StoredTopic(
                t.id,
                t.slug,
                Topic(t.name, t.intro or "", tuple(t.include_terms or ()), tuple(t.exclude_terms or ())),
            )
            for t in rows
        ]


def rule_scores(db: Database, topic_id: int) -> dict[int, float]:
    """Return the keyword rules' stored score (relevance.score_topic) of the items that have one."""
    query = select(ItemTopic.item_id, ItemTopic.score).where(
        ItemTopic.topic_id == topic_id, ItemTopic.score > 0
    )
    with db.read() as session:
        return {int(i): float(s) for i, s in session.execute(query)}


def decisions(db: Database) -> dict[int, list[Decision]]:
    """Return each topic's decisions (by topic id), in the order they were taken."""
    reviewed = (
        select(Item.id, Item.status)
        .where(Item.status != ItemStatus.NEW, Item.duplicate_of_id.is_(None))
        .order_by(Item.reviewed_at.nulls_first(), Item.id)
    )
    assigned = (
        select(ItemTopic.item_id, ItemTopic.topic_id)
        .join(Item, Item.id == ItemTopic.item_id)
        .where(ItemTopic.assigned.is_(True), Item.status == ItemStatus.APPROVED)
    )
    with db.read() as session:
        order = [(int(i), str(s)) for i, s in session.execute(reviewed)]
        into: dict[int, set[int]] = {}
        for item_id, topic_id in session.execute(assigned):
            into.setdefault(int(item_id), set()).add(int(topic_id))
        topic_ids = [int(t) for t in session.scalars(select(TopicRow.id))]
    found: dict[int, list[Decision]] = {t: [] for t in topic_ids}
    for item_id, status in order:
        for topic_id, held in found.items():
            if status == ItemStatus.REJECTED:
                held.append(Decision(item_id, False))
            elif status == ItemStatus.APPROVED and topic_id in into.get(item_id, ()):
                held.append(Decision(item_id, True))
    return found
