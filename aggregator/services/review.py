"""A curator's decisions on one item, applied inside the caller's transaction and audited.

``ItemService`` opens the transaction; these functions change the item and add its audit events.
Keeping them apart from the service lets one transaction hold several of them: the item page's
Approve saves the title, note, excerpt and topics and approves, all or nothing, so an approval
never goes out without the excerpt and topics the curator had picked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from aggregator.enums import ItemKind, ItemStatus
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import Item, ItemEvent, ItemTopic, Topic, utcnow
from aggregator.text import storable

REVIEW_ACTIONS = ("approve", "reject")
PUBLISHER_CHARS = 300
# What a curator may call an item. Article and newsletter are what the item is (an issue has bullets);
# the others are an article's heading word ("July 2019 Guardian report:").
EDITABLE_KINDS = ("article", "newsletter", "report")
_STRUCTURAL_KINDS = (ItemKind.ARTICLE, ItemKind.NEWSLETTER)


class Changes(TypedDict, total=False):
    """What ``edit`` may change of an item, each field optional (absent: left as it is)."""

    title: str | None
    excerpt: str | None
    note: str | None
    published: dt.datetime | None
    publisher: str | None
    kind: str | None


@dataclass(frozen=True, slots=True)
class ReviewForm:
    """What the item page's one form holds; None leaves a field as it is.

    ``topics`` is the whole set of assigned topics (an empty tuple clears them).
    """

    title: str | None = None
    excerpt: str | None = None
    note: str | None = None
    topics: tuple[str, ...] | None = None
    published: dt.datetime | None = None
    publisher: str | None = None
    kind: str | None = None


def edit(
    session: Session,
    item: Item,
    actor: str,
    *,
    title: str | None = None,
    excerpt: str | None = None,
    note: str | None = None,
    published: dt.datetime | None = None,
    publisher: str | None = None,
    kind: str | None = None,
) -> None:
    """Change what a curator may change, recording each field's old and new value in one event.

    ``publisher`` names who wrote the item ("" gives the choice back to the rule in
    services/publishers); ``kind`` is what its heading calls it (article, report, newsletter).
    """
    if kind is not None and kind not in EDITABLE_KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(EDITABLE_KINDS)}")
    changes: dict[str, Any] = {}
    if publisher is not None:
        chosen = " ".join((storable(publisher, PUBLISHER_CHARS) or "").split()) or None
        if item.publisher != chosen:
            changes["publisher"] = {"old": item.publisher, "new": chosen}
            item.publisher = chosen
    if kind is not None:
        old = item.entry_word or item.kind
        if kind in _STRUCTURAL_KINDS:
            item.kind, item.entry_word = kind, None
        else:
            item.kind, item.entry_word = ItemKind.ARTICLE, kind
        if old != kind:
            changes["kind"] = {"old": old, "new": kind}
    for name, value in (("title", title), ("excerpt", excerpt), ("curator_note", note)):
        if value is not None:
            new = required(value, name) if name == "title" else (storable(value.strip()) or None)
            if getattr(item, name) != new:
                changes[name] = {"old": getattr(item, name), "new": new}
                setattr(item, name, new)
    if published is not None and item.published_at != published:
        changes["published_at"] = {"old": _iso(item.published_at), "new": _iso(published)}
        item.published_at = published
    if changes:
        session.add(ItemEvent(item_id=item.id, actor=actor, action="edit", detail=changes))


def set_topics(session: Session, item: Item, actor: str, topics: tuple[str, ...] | list[str]) -> None:
    """Make ``topics`` exactly the item's assigned topics, recording the change."""
    wanted = sorted(set(topics))
    before = sorted(link.topic.slug for link in item.topics if link.assigned)
    if before == wanted:
        return
    for link in item.topics:
        if link.assigned and link.topic.slug not in wanted:
            link.assigned = False
            link.assigned_by = None
            link.assigned_at = None
    assign(session, item, [s for s in wanted if s not in before], actor)
    session.add(
        ItemEvent(item_id=item.id, actor=actor, action="topics", detail={"old": before, "new": wanted})
    )


def assign(session: Session, item: Item, slugs: list[str], actor: str) -> None:
    """Assign the topics ``slugs`` to the item (an unknown slug is an error, nothing is saved)."""
    for slug in slugs:
        topic = session.scalar(select(Topic).where(Topic.slug == slug))
        if topic is None:
            raise NotFound(f"no topic {slug!r}; create it with `aggregator topics add {slug} --name ...`")
        link = session.get(ItemTopic, (item.id, topic.id))
        if link is None:
            link = ItemTopic(item_id=item.id, topic_id=topic.id)
            session.add(link)
        link.assigned = True
        link.assigned_by = actor
        link.assigned_at = utcnow()


def mark(session: Session, item: Item, status: str, actor: str, detail: dict[str, Any]) -> None:
    """Set the item's review status, recording who did it."""
    item.status = status
    item.reviewed_by = actor
    item.reviewed_at = utcnow()
    action = "approve" if status == ItemStatus.APPROVED else "reject"
    session.add(ItemEvent(item_id=item.id, actor=actor, action=action, detail=detail))


def undo(session: Session, item: Item, actor: str) -> str:
    """Put the item back where it stood before its last approve or reject; return what was undone.

    Edits saved with an approval stay (they are the curator's work); only the decision goes back.
    An item whose last decision was already undone, or changed since, has nothing to undo.
    """
    events = list(
        session.scalars(
            select(ItemEvent)
            .where(ItemEvent.item_id == item.id, ItemEvent.action.in_((*REVIEW_ACTIONS, "undo")))
            .order_by(ItemEvent.at.desc(), ItemEvent.id.desc())
        )
    )
    if not events or events[0].action == "undo":
        raise InvalidInput("nothing to undo: this item's last decision was already undone")
    last = events[0]
    done = ItemStatus.APPROVED if last.action == "approve" else ItemStatus.REJECTED
    if item.status != done:
        raise InvalidInput(f"nothing to undo: the item is {item.status} now")
    previous = str(last.detail.get("from") or ItemStatus.NEW)
    item.status = previous
    earlier = next((e for e in events[1:] if e.action in REVIEW_ACTIONS), None)
    if previous == ItemStatus.NEW or earlier is None:
        item.reviewed_by, item.reviewed_at = None, None
    else:
        item.reviewed_by, item.reviewed_at = earlier.actor, earlier.at
    session.add(
        ItemEvent(item_id=item.id, actor=actor, action="undo", detail={"undid": last.action, "to": previous})
    )
    return last.action


def required(value: str, name: str) -> str:
    """Return ``value`` stripped; raise InvalidInput when nothing is left."""
    stripped = (storable(value) or "").strip()
    if not stripped:
        raise InvalidInput(f"the {name} cannot be empty")
    return stripped


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None
