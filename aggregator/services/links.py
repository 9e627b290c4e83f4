"""Published links that still work: which entries to check, what an answer means, what curators do.

A link is **moved** when its page answers after permanent redirects (301 / 308) to another page, and
**gone** when it answered 404 or 410, or its host no longer resolves, on several checks in a row
(``AGGREGATOR_LINK_GONE_AFTER``, 3): one missing answer is often a site's bad hour. Anything else that
is not a success (a timeout, a 5xx, a refusal) is **failing** and flags nothing yet; a link robots.txt
forbids asking is **skipped**. Nothing is ever unpublished here: curators see moved and gone entries
and use the new address, give another, or record an archived copy's address, which published entries
then link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aggregator.db import MAX_ID, Database
from aggregator.enums import ItemStatus
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import Item, ItemEvent, LinkCheck, Source, utcnow
from aggregator.records import json_record
from aggregator.text import storable
from aggregator.urls import canonical_url, is_http_url

OK, MOVED, GONE, FAILING, SKIPPED = "ok", "moved", "gone", "failing", "skipped"
STATES = (OK, MOVED, GONE, FAILING, SKIPPED)
# What curators are shown to act on.
FLAGGED = (MOVED, GONE)
ERROR_CHARS = 1000
URL_CHARS = 2000
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class LinkAnswer:
    """What asking one link gave: the last status, where it ended, and how it got there."""

    url: str
    http_status: int | None = None
    final_url: str | None = None
    # Every redirect on the way was permanent (301 / 308), and there was at least one.
    permanent: bool = False
    error: str | None = None
    # The host name does not resolve: counted with 404 and 410 as a gone answer.
    no_such_host: bool = False
    # robots.txt forbids asking: nothing was asked.
    forbidden: bool = False

    @property
    def is_gone(self) -> bool:
        """Return whether the answer says the page is not there (404, 410, or no such host)."""
        return self.no_such_host or self.http_status in GONE_STATUSES

    @property
    def is_ok(self) -> bool:
        """Return whether the page answered with a success."""
        return self.http_status is not None and 200 <= self.http_status < 300


@dataclass(frozen=True, slots=True)
class LinkView:
    """A published entry's link and its last check."""

    item_id: int
    title: str
    source_name: str
    url: str
    archived_url: str | None
    state: str | None
    http_status: int | None
    final_url: str | None
    error: str | None
    checked_at: dt.datetime | None
    gone_in_row: int

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return json_record(self, rename={"source_name": "source"})


def state_of(answer: LinkAnswer, gone_before: int, gone_after: int) -> tuple[str, int]:
    """Return the link's state after ``answer`` and its gone answers in a row."""
    if answer.forbidden:
        return SKIPPED, gone_before
    if answer.is_gone:
        gone = gone_before + 1
        return (GONE if gone >= gone_after else FAILING), gone
    if answer.is_ok:
        moved = answer.permanent and answer.final_url and not same_page(answer.url, answer.final_url)
        return (MOVED if moved else OK), 0
    return FAILING, gone_before


def same_page(url: str, other: str) -> bool:
    """Return whether two addresses are one page (scheme and a trailing slash aside)."""
    return _page_key(url) == _page_key(other)


def _page_key(url: str) -> str:
    try:
        canon = canonical_url(url)
    except InvalidInput:
        return url
    rest = canon.split("://", 1)[-1]
    path, _, query = rest.partition("?")
    return f"{path.rstrip('/')}?{query}"


class LinkService:
    """Every rule about published links lives here."""

    def __init__(self, db: Database, *, gone_after: int = 3) -> None:
        self._db = db
        self.gone_after = max(1, gone_after)

    def due(
        self, *, older_than: dt.timedelta | None = None, now: dt.datetime | None = None
    ) -> list[tuple[int, str]]:
        """Return (item id, link) of the published entries to check: all, or those not checked lately."""
        query = (
            select(Item.id, Item.url)
            .outerjoin(LinkCheck, LinkCheck.item_id == Item.id)
            .where(Item.status == ItemStatus.APPROVED)
            .order_by(Item.id)
        )
        if older_than is not None:
            cutoff = (now or utcnow()) - older_than
            query = query.where(or_(LinkCheck.checked_at.is_(None), LinkCheck.checked_at < cutoff))
        with self._db.read() as session:
            return [(int(i), str(u)) for i, u in session.execute(query)]

    def record(self, item_id: int, answer: LinkAnswer, *, now: dt.datetime | None = None) -> str:
        """Keep ``answer`` as the item's last check; return the link's state."""
        with self._db.write() as session:
            check = session.get(LinkCheck, item_id)
            before = check.gone_in_row if check is not None else 0
            state, gone = state_of(answer, before, self.gone_after)
            if check is None:
                check = LinkCheck(item_id=item_id)
                session.add(check)
            check.checked_at = now or utcnow()
            check.state = state
            check.gone_in_row = gone
            check.http_status = answer.http_status
            check.final_url = storable(answer.final_url, URL_CHARS)
            check.error = storable(answer.error, ERROR_CHARS)
            return state

    def list(self, states: Iterable[str] = FLAGGED) -> list[LinkView]:
        """Return the published entries whose link is in one of ``states``, longest in trouble first."""
        wanted = list(states)
        unknown = set(wanted) - set(STATES)
        if unknown:
            raise InvalidInput(f"unknown link state {sorted(unknown)!r}; use {', '.join(STATES)}")
        query = (
            select(Item, LinkCheck, Source.name)
            .join(LinkCheck, LinkCheck.item_id == Item.id)
            .join(Source, Source.id == Item.source_id)
            .where(Item.status == ItemStatus.APPROVED, LinkCheck.state.in_(wanted))
            .order_by(LinkCheck.gone_in_row.desc(), Item.id)
        )
        with self._db.read() as session:
            return [_view(item, check, name) for item, check, name in session.execute(query)]

    def counts(self) -> dict[str, int]:
        """Return how many published entries are in each state ("unchecked" for those never checked)."""
        query = (
            select(LinkCheck.state)
            .select_from(Item)
            .outerjoin(LinkCheck, LinkCheck.item_id == Item.id)
            .where(Item.status == ItemStatus.APPROVED)
        )
        found: dict[str, int] = {}
        with self._db.read() as session:
            for state in session.scalars(query):
                found[state or "unchecked"] = found.get(state or "unchecked", 0) + 1
        return found

    def use_new_address(self, item_id: int, *, actor: str) -> LinkView:
        """Make a moved entry link the address its old one redirects to."""
        with self._db.write() as session:
            _, check = self._find(session, item_id)
            if check is None or check.state != MOVED or not check.final_url:
                raise InvalidInput(f"item {item_id}'s link has not moved")
            new = check.final_url
        return self.replace(item_id, new, actor=actor, action="link moved")

    def replace(self, item_id: int, url: str, *, actor: str, action: str = "link replaced") -> LinkView:
        """Make the entry link ``url`` instead; its identity (canonical URL) stays, its check starts over."""
        new = _http_url(url)
        with self._db.write() as session:
            item, check = self._find(session, item_id)
            detail = {"old": item.url, "new": new}
            item.url = new
            if check is not None:
                session.delete(check)
            session.add(ItemEvent(item_id=item.id, actor=actor, action=action, detail=detail))
        return self.get(item_id)

    def archive(self, item_id: int, url: str | None, *, actor: str) -> LinkView:
        """Record where an archived copy of the page is (None: forget it); published entries link it."""
        new = _http_url(url) if url else None
        with self._db.write() as session:
            item, _ = self._find(session, item_id)
            detail = {"old": item.archived_url, "new": new}
            item.archived_url = new
            session.add(ItemEvent(item_id=item.id, actor=actor, action="link archived", detail=detail))
        return self.get(item_id)

    def get(self, item_id: int) -> LinkView:
        """Return one entry's link and its last check."""
        with self._db.read() as session:
            item, check = self._find(session, item_id)
            return _view(item, check, item.source.name)

    @staticmethod
    def _find(session: Session, item_id: int) -> tuple[Item, LinkCheck | None]:
        item = session.get(Item, item_id) if 0 < item_id <= MAX_ID else None
        if item is None:
            raise NotFound(f"no item with id {item_id}")
        return item, session.get(LinkCheck, item_id)


def _http_url(url: str) -> str:
    cleaned = (storable(url) or "").strip()
    if not is_http_url(cleaned) or len(cleaned) > URL_CHARS:
        raise InvalidInput(f"an entry's link is an http(s) URL, not {url!r}")
    return cleaned


def _view(item: Item, check: LinkCheck | None, source_name: str) -> LinkView:
    return LinkView(
        item_id=item.id,
        title=item.title,
        source_name=source_name,
        url=item.url,
        archived_url=item.archived_url,
        state=check.state if check else None,
        http_status=check.http_status if check else None,
        final_url=check.final_url if check else None,
        error=check.error if check else None,
        checked_at=check.checked_at if check else None,
        gone_in_row=check.gone_in_row if check else 0,
    )
