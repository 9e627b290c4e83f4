"""Items service: what crawls harvested, how curators review it, and the curated entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Unpack

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session, selectinload

from aggregator.db import MAX_ID, Database
from aggregator.enums import ItemStatus
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import Item, ItemEvent, ItemTopic, Topic
from aggregator.services import pairs, recrawl, review
from aggregator.services.folds import unfold, with_folds
from aggregator.services.harvested import Harvested, Outcome, TopicMatch
from aggregator.services.queue import (
    COUNT_CAP,
    ItemFilter,
    ItemPage,
    count,
    fetch,
    fetch_page,
    neighbours,
)
from aggregator.services.recording import record, record_batch
from aggregator.services.recrawl import RetryCandidate
from aggregator.services.review import ReviewForm
from aggregator.services.views import EventView, ItemView, to_view, with_relations

if TYPE_CHECKING:
    # The learned order needs scikit-learn, whose import costs seconds: loaded when first asked for,
    # so the CLI, the crawl and the app's other pages start without it.
    from aggregator.curate.learning import Report
    from aggregator.services.ranking import Ranking

__all__ = ["Harvested", "ItemService", "ItemView", "Outcome", "RetryCandidate", "TopicMatch"]


class ItemService:
    """Every rule about items lives here; the CLI, the app and the pipelines call it."""

    def __init__(self, db: Database, ranking: Ranking | None = None) -> None:
        self._db = db
        self._ranking = ranking

    @property
    def ranking(self) -> Ranking:
        """Return the topics' learned models, built when a learned order is first asked for."""
        if self._ranking is None:
            from aggregator.services.ranking import Ranking

            self._ranking = Ranking(self._db)
        return self._ranking

    def settled(self, source_id: int, links: Sequence[tuple[str, str | None]]) -> set[str]:
        """Return the canonical URLs among ``links`` (canonical URL, GUID) not worth fetching again."""
        with self._db.read() as session:
            return recrawl.settled(session, source_id, links)

    def retry_candidates(self, source_id: int) -> list[RetryCandidate]:
        """Return the source's unreviewed items stored from the feed alone, up to the attempt limit."""
        with self._db.read() as session:
            return recrawl.retry_candidates(session, source_id)

    def record(self, harvested: Harvested) -> Outcome:
        """Store a harvested item once; a re-run, a retry or a second worker never duplicates it."""
        with self._db.write() as session:
            return record(session, harvested)

    def record_many(self, batch: Sequence[Harvested]) -> list[Outcome | Exception]:
        """Store a batch of harvested items in one transaction; return each one's outcome or error.

        A transaction per item cost a crawl more than the writes themselves (opening the connection,
        taking the write lock, committing, for every page). When anything in the batch fails (a bug,
        a value the database refuses), the batch is rolled back and its items are recorded again one
        transaction each, so the others are kept and the failing one is reported in its place.
        """
        try:
            with self._db.write() as session:
                return list(record_batch(session, batch))
        except Exception as exc:  # noqa: BLE001 (sorted out item by item below)
            if len(batch) == 1:
                return [exc]
        results: list[Outcome | Exception] = []
        for harvested in batch:
            try:
                results.append(self.record(harvested))
            except Exception as exc:  # noqa: BLE001 (reported per item, the batch goes on)
                results.append(exc)
        return results

    def query(
        self,
        *,
        limit: int | None = 100,
        offset: int = 0,
        after: tuple[dt.datetime | None, int] | None = None,
        **filters: Any,
    ) -> list[ItemView]:
        """Return the items ``filters`` hold (see ``ItemFilter``), in its order; copies left out."""
        wanted = ItemFilter(**filters)
        ranking = self.ranking if wanted.learned else None  # built only for the learned orders
        return fetch(self._db, wanted, limit=limit, offset=offset, after=after, ranking=ranking)

    def page(self, filters: ItemFilter, *, size: int, offset: int = 0, after: str = "") -> ItemPage:
        """Return one page of the queue, from ``offset`` or after the cursor ``after`` (newest first)."""
        ranking = self.ranking if filters.learned else None  # built only for the learned orders
        return fetch_page(self._db, filters, size=size, offset=offset, after=after, ranking=ranking)

    def model_report(self, topic: str) -> Report:
        """Return where a topic's learned model stands: decisions so far, and what it expects of the queue."""
        query = select(Item.id).where(Item.status == ItemStatus.NEW, Item.duplicate_of_id.is_(None))
        with self._db.read() as session:
            queue = [int(i) for i in session.scalars(query)]
        return self.ranking.report(topic, queue)

    def total(self, filters: ItemFilter, *, at_most: int = COUNT_CAP) -> int:
        """Return how many items the queue ``filters`` holds; past ``at_most``, ``at_most`` + 1."""
        return count(self._db, filters, at_most=at_most)

    def neighbours(self, filters: ItemFilter, item_id: int) -> tuple[int | None, int | None]:
        """Return the ids before and after ``item_id`` in the queue ``filters`` (None at either end)."""
        return neighbours(self._db, filters, item_id)

    def count(self, *, status: str | None = None) -> int:
        """Return how many items are stored, optionally of one status."""
        query = select(func.count()).select_from(Item)
        if status is not None:
            query = query.where(Item.status == status)
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    def count_by_kind(self) -> dict[str, int]:
        """Return how many items of each kind are stored, syndicated copies left out."""
        query = select(Item.kind, func.count()).where(Item.duplicate_of_id.is_(None)).group_by(Item.kind)
        with self._db.read() as session:
            return {kind: int(n) for kind, n in session.execute(query)}

    def get(self, item_id: int) -> ItemView:
        """Return one item with its topics, audit trail, copies and (for a copy) its original."""
        with self._db.read() as session:
            item = self._find(session, item_id)
            events = session.scalars(
                select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.at, ItemEvent.id)
            )
            trail = tuple(EventView(e.actor, e.action, dict(e.detail), e.at) for e in events)
            return pairs.with_pairs(session, with_folds(session, [to_view(item, trail)]))[0]

    def unfold(self, item_id: int, *, actor: str) -> ItemView:
        """Make a syndicated copy a queue item of its own, recording who did it on both items.

        It stays unfolded: crawls meet its page again by its URL or GUID and only merge it, and a
        page of the same text met under a new address folds into the closest stored text, itself.
        """
        with self._db.write() as session:
            unfold(session, self._find(session, item_id), actor)
        return self.get(item_id)

    def pair(self, item_id: int, other_id: int, *, actor: str) -> ItemView:
        """Link two items as one piece in two languages (a curator's word), recorded on both."""
        with self._db.write() as session:
            pairs.pair(session, item_id, other_id, actor)
        return self.get(item_id)

    def unpair(self, item_id: int, *, actor: str) -> ItemView:
        """Undo an item's pair with its other-language version, recorded on both."""
        with self._db.write() as session:
            pairs.unpair(session, self._find(session, item_id), actor)
        return self.get(item_id)

    def stories(self, issue_id: int) -> list[ItemView]:
        """Return a newsletter issue's stories in the order the issue gave them."""
        query = with_relations(select(Item)).where(Item.parent_id == issue_id)
        with self._db.read() as session:
            return [to_view(i) for i in session.scalars(query.order_by(Item.position.nulls_last(), Item.id))]

    def approve(
        self,
        item_id: int,
        *,
        actor: str,
        excerpt: str | None = None,
        topics: Iterable[str] = (),
    ) -> ItemView:
        """Approve an item, optionally with its excerpt and topics, and record who did it."""
        slugs = list(topics)
        with self._db.write() as session:
            item = self._find(session, item_id)
            detail: dict[str, Any] = {"from": item.status}
            if excerpt is not None:
                item.excerpt = review.required(excerpt, "excerpt")
                detail["excerpt"] = item.excerpt
            review.assign(session, item, slugs, actor)
            if slugs:
                detail["topics"] = slugs
            review.mark(session, item, ItemStatus.APPROVED, actor, detail)
        return self.get(item_id)

    def reject(self, item_id: int, *, actor: str, reason: str | None = None) -> ItemView:
        """Reject an item; it stays stored as a tombstone so no crawl proposes it again."""
        with self._db.write() as session:
            item = self._find(session, item_id)
            detail: dict[str, Any] = {"from": item.status}
            if reason:
                detail["reason"] = reason
            review.mark(session, item, ItemStatus.REJECTED, actor, detail)
        return self.get(item_id)

    def review_many(
        self, item_ids: Iterable[int], *, action: str, actor: str, reason: str | None = None
    ) -> int:
        """Approve or reject several items in one transaction; return how many changed.

        All or nothing: one unknown id leaves every item as it was.
        """
        if action not in ("approve", "reject"):
            raise InvalidInput(f"unknown review action {action!r}; use approve or reject")
        ids = sorted(set(item_ids))
        status = ItemStatus.APPROVED if action == "approve" else ItemStatus.REJECTED
        changed = 0
        with self._db.write() as session:
            for item_id in ids:
                item = self._find(session, item_id)
                if item.status == status:
                    continue
                detail: dict[str, Any] = {"from": item.status, "bulk": True}
                if reason and action == "reject":
                    detail["reason"] = reason
                review.mark(session, item, status, actor, detail)
                changed += 1
        return changed

    def set_topics(self, item_id: int, *, actor: str, topics: Iterable[str]) -> ItemView:
        """Make ``topics`` exactly the topics a curator assigned to the item, recording the change."""
        with self._db.write() as session:
            review.set_topics(session, self._find(session, item_id), actor, list(topics))
        return self.get(item_id)

    def languages(self) -> list[str]:
        """Return the languages of stored items, in alphabetical order."""
        # A loose index scan: one index probe per distinct language instead of reading every item.
        query = text(
            "WITH RECURSIVE langs(code) AS (SELECT min(language) FROM items UNION ALL "
            "SELECT (SELECT min(language) FROM items WHERE language > langs.code) FROM langs "
            "WHERE langs.code IS NOT NULL) SELECT code FROM langs WHERE code IS NOT NULL"
        )
        with self._db.read() as session:
            return [str(code) for code in session.scalars(query)]

    def edit(self, item_id: int, *, actor: str, **changes: Unpack[review.Changes]) -> ItemView:
        """Change what a curator may change (see ``review.edit``), recording old and new values."""
        with self._db.write() as session:
            review.edit(session, self._find(session, item_id), actor, **changes)
        return self.get(item_id)

    def save_review(self, item_id: int, *, actor: str, form: ReviewForm, approve: bool = True) -> ItemView:
        """Save the item page's form (title, note, excerpt, topics) and approve, in one transaction.

        All or nothing: an unknown topic or an empty title leaves the item as it was, so an entry is
        never published without the excerpt and topics its curator picked. ``approve=False`` saves
        the form alone.
        """
        with self._db.write() as session:
            item = self._find(session, item_id)
            review.edit(
                session,
                item,
                actor,
                title=form.title,
                excerpt=form.excerpt,
                note=form.note,
                published=form.published,
                publisher=form.publisher,
                kind=form.kind,
            )
            if form.topics is not None:
                review.set_topics(session, item, actor, form.topics)
            if approve and item.status != ItemStatus.APPROVED:
                review.mark(session, item, ItemStatus.APPROVED, actor, {"from": item.status})
        return self.get(item_id)

    def undo(self, item_id: int, *, actor: str) -> ItemView:
        """Put the item back where it stood before its last approve or reject (edits stay)."""
        with self._db.write() as session:
            review.undo(session, self._find(session, item_id), actor)
        return self.get(item_id)

    def hide_bullet(self, issue_id: int, position: int, *, actor: str, hidden: bool = True) -> ItemView:
        """Hide (or show again) the bullet at ``position`` (from 1) of a newsletter issue's page entry.

        The one way a bullet leaves its issue: what curators do to the story as an item of its own
        (approve with a quotation, reject) never changes the issue.
        """
        with self._db.write() as session:
            item = self._find(session, issue_id)
            bullets = [dict(b) for b in item.bullets or []]
            if not 1 <= position <= len(bullets):
                raise InvalidInput(
                    f"item #{issue_id} has {len(bullets)} bullets; {position} is not one of them"
                )
            if bool(bullets[position - 1].get("hidden")) != hidden:
                bullets[position - 1]["hidden"] = hidden
                item.bullets = bullets
                detail = {"position": position, "title": bullets[position - 1].get("title", "")}
                action = "hide bullet" if hidden else "show bullet"
                session.add(ItemEvent(item_id=item.id, actor=actor, action=action, detail=detail))
        return self.get(issue_id)

    def choose_excerpt(
        self, item_id: int, *, actor: str, proposal: int | None = None, text: str | None = None
    ) -> ItemView:
        """Keep one of the proposed excerpts (by its place) or the curator's own; never an empty one."""
        if text is None:
            candidates = self.get(item_id).excerpt_candidates
            if proposal is None or not 0 <= proposal < len(candidates):
                raise InvalidInput("pick a proposed excerpt or write one")
            text = candidates[proposal]
        return self.edit(item_id, actor=actor, excerpt=review.required(text, "excerpt"))

    def curated(self, *, topic: str | None = None) -> Iterator[ItemView]:
        """Yield the approved entries, newest first, optionally of one topic."""
        query = with_relations(select(Item)).where(Item.status == ItemStatus.APPROVED)
        if topic is not None:
            query = (
                query.join(ItemTopic, ItemTopic.item_id == Item.id)
                .join(Topic)
                .where(and_(Topic.slug == topic, ItemTopic.assigned.is_(True)))
            )
        query = query.order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
        with self._db.read() as session:
            for item in session.scalars(query):
                yield to_view(item)

    @staticmethod
    def _find(session: Session, item_id: int) -> Item:
        options = [selectinload(Item.source), selectinload(Item.topics).selectinload(ItemTopic.topic)]
        item = session.get(Item, item_id, options=options) if 0 < item_id <= MAX_ID else None
        if item is None:
            raise NotFound(f"no item with id {item_id}")
        return item
