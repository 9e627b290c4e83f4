"""What a crawl asks of the store before fetching: which links are settled, which pages to try again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html import escape

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from aggregator.enums import UPGRADABLE_ORIGINS, ContentOrigin, ItemStatus
from aggregator.models import Item

_IN_CHUNK = 500
# A page that failed this many times is left as the feed gave it; a curator can still open the link.
MAX_FETCH_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class RetryCandidate:
    """A stored feed-only item whose article page is worth asking for again."""

    url: str
    guid: str | None
    title: str
    author: str | None
    published: dt.datetime | None
    text_html: str


def settled(session: Session, source_id: int, links: Sequence[tuple[str, str | None]]) -> set[str]:
    """Return the canonical URLs among ``links`` (canonical URL, GUID) not worth fetching again.

    An item is settled once its page (or its API text) was stored or a curator reviewed it; a
    rejected item is a tombstone, so it is never proposed again. New items known only from a
    feed's text or a newsletter's bullet are fetched again, to get the whole article.
    """
    canon = [c for c, _ in links]
    guids = [g for _, g in links if g]
    settled_urls: set[str] = set()
    settled_guids: set[str] = set()
    is_settled = or_(Item.content_origin.not_in(UPGRADABLE_ORIGINS), Item.status != ItemStatus.NEW)
    for chunk in _chunks(canon):
        by_url = select(Item.canonical_url).where(Item.canonical_url.in_(chunk), is_settled)
        settled_urls.update(session.scalars(by_url))
    for chunk in _chunks(guids):
        in_source = and_(Item.source_id == source_id, Item.guid.in_(chunk))
        by_guid = select(Item.guid).where(in_source, is_settled)
        settled_guids.update(g for g in session.scalars(by_guid) if g)
    return {c for c, g in links if c in settled_urls or (g is not None and g in settled_guids)}


def retry_candidates(session: Session, source_id: int) -> list[RetryCandidate]:
    """Return the source's unreviewed items stored from the feed alone, up to the attempt limit."""
    query = (
        select(Item)
        .where(
            Item.source_id == source_id,
            Item.status == ItemStatus.NEW,
            Item.content_origin == ContentOrigin.FEED,
            Item.fetch_attempts < MAX_FETCH_ATTEMPTS,
        )
        .order_by(Item.id)
    )
    return [
        RetryCandidate(
            url=i.url,
            guid=i.guid,
            title=i.title,
            author=i.author,
            published=i.published_at,
            text_html="".join(f"<p>{escape(p)}</p>" for p in i.text.split("\n") if p.strip()),
        )
        for i in session.scalars(query)
    ]


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]
