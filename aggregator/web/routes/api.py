"""The JSON API: the queue and the review actions, topics and sources, and its OpenAPI document."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from aggregator.services.queue import MAX_OFFSET
from aggregator.services.users import UserView
from aggregator.services.views import ItemView
from aggregator.web.deps import check_csrf, current_user, get_core, require
from aggregator.web.filters import PAGE_SIZE, QueueFilters

router = APIRouter(prefix="/api", dependencies=[Depends(current_user), Depends(check_csrf)], tags=["api"])
Reviewer = Annotated[UserView, Depends(require("review"))]


class ApproveBody(BaseModel):
    """Approve, optionally setting the excerpt and assigning topics."""

    excerpt: str | None = Field(default=None, max_length=5000)
    topics: list[str] = []


class RejectBody(BaseModel):
    """Reject, with an optional reason."""

    reason: str | None = Field(default=None, max_length=2000)


class EditBody(BaseModel):
    """The fields a curator may change; those left out stay as they are."""

    title: str | None = Field(default=None, max_length=2000)
    excerpt: str | None = Field(default=None, max_length=5000)
    note: str | None = Field(default=None, max_length=10_000)
    published_at: dt.datetime | None = None
    topics: list[str] | None = None
    publisher: str | None = Field(default=None, max_length=300)
    kind: str | None = Field(default=None, max_length=32)


class BulletBody(BaseModel):
    """Hide a bullet of an issue's entry (or show it again)."""

    hidden: bool = True


class MoveBody(BaseModel):
    """Move an entry this many places on its topic's page (negative: up)."""

    offset: int = Field(ge=-1000, le=1000)


class PublisherBody(BaseModel):
    """Who publishes a host's pages, as headings name them."""

    name: str = Field(min_length=1, max_length=300)
    suffix: str = Field(default="", max_length=300)


class BulkBody(BaseModel):
    """Approve or reject several items at once (all or nothing)."""

    ids: list[int] = Field(min_length=1, max_length=1000)
    action: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=2000)


def _full(item: ItemView) -> dict[str, Any]:
    data = item.as_dict(with_folds=True)
    data["events"] = [
        {"actor": e.actor, "action": e.action, "detail": e.detail, "at": e.at.isoformat()}
        for e in item.events
    ]
    return data


@router.get("/items")
def list_items(
    request: Request,
    filters: Annotated[QueueFilters, Depends()],
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    after: Annotated[str, Query(max_length=100, description="the `next` of the previous page")] = "",
) -> dict[str, Any]:
    """Return queue items (without their text) matching the filters, as the queue page orders them.

    In the newest-first order, ``next`` is the cursor of the following page (pass it as ``after``); in
    the others, ``next_offset`` is the following page's offset. ``sort=likely`` orders by the topic's
    learned model (or, without a topic, each item's best topic) and, with a topic, holds every item the
    other filters hold; ``sort=uncertain`` puts the ones the model is least sure of first. Items in these
    orders carry ``why``: their likelihood and the terms that raised and lowered it.
    """
    found = get_core(request).items.page(filters.item_filter(), size=limit, offset=offset, after=after)
    return {
        "items": [i.as_dict(with_text=False, with_folds=True) for i in found.items],
        "limit": limit,
        "offset": offset,
        "next": found.next_after,
        "next_offset": found.next_offset,
    }


@router.get("/items/{item_id}")
def get_item(request: Request, item_id: int) -> dict[str, Any]:
    """Return one item with its text, topics and audit log."""
    return _full(get_core(request).items.get(item_id))


@router.post("/items/{item_id}/approve")
def approve_item(
    request: Request, item_id: int, user: Reviewer, body: ApproveBody | None = None
) -> dict[str, Any]:
    """Approve an item."""
    body = body or ApproveBody()
    item = get_core(request).items.approve(item_id, actor=user.name, excerpt=body.excerpt, topics=body.topics)
    return _full(item)


@router.post("/items/{item_id}/reject")
def reject_item(
    request: Request, item_id: int, user: Reviewer, body: RejectBody | None = None
) -> dict[str, Any]:
    """Reject an item; it stays as a tombstone, never proposed again."""
    reason = body.reason if body else None
    return _full(get_core(request).items.reject(item_id, actor=user.name, reason=reason))


@router.post("/items/{item_id}/undo")
def undo_review(request: Request, item_id: int, user: Reviewer) -> dict[str, Any]:
    """Put an item back where it stood before its last approve or reject; 422 if nothing to undo."""
    return _full(get_core(request).items.undo(item_id, actor=user.name))


@router.post("/items/{item_id}/unfold")
def unfold_item(request: Request, item_id: int, user: Reviewer) -> dict[str, Any]:
    """Make a syndicated copy an item of its own, back in the queue; 422 if it is not folded."""
    return _full(get_core(request).items.unfold(item_id, actor=user.name))


class PairBody(BaseModel):
    """The item that is the other-language version."""

    other: int = Field(ge=1)


@router.post("/items/{item_id}/pair")
def pair_item(request: Request, item_id: int, user: Reviewer, body: PairBody) -> dict[str, Any]:
    """Link the item and ``other`` as one piece in two languages; 409 if either is paired already."""
    return _full(get_core(request).items.pair(item_id, body.other, actor=user.name))


@router.delete("/items/{item_id}/pair")
def unpair_item(request: Request, item_id: int, user: Reviewer) -> dict[str, Any]:
    """Undo the item's pair with its other-language version; 422 if it has none."""
    return _full(get_core(request).items.unpair(item_id, actor=user.name))


class LinkBody(BaseModel):
    """A curator's act on an entry's link: use the address it moved to, give another, or an archived copy."""

    action: Literal["fix", "replace", "archive"]
    url: str | None = Field(default=None, max_length=2000)


@router.get("/links")
def list_links(
    request: Request, state: Annotated[list[str] | None, Query(description="default: moved and gone")] = None
) -> dict[str, Any]:
    """Return the published entries whose link is in the given states (moved and gone by default)."""
    links = get_core(request).links
    views = links.list(state) if state else links.list()
    return {"links": [v.as_dict() for v in views], "counts": links.counts()}


@router.post("/items/{item_id}/link")
def act_on_link(request: Request, item_id: int, user: Reviewer, body: LinkBody) -> dict[str, Any]:
    """Fix a moved link, replace it, or record an archived copy (422 for a URL that is not http(s))."""
    links = get_core(request).links
    if body.action == "fix":
        view = links.use_new_address(item_id, actor=user.name)
    elif body.action == "replace":
        view = links.replace(item_id, body.url or "", actor=user.name)
    else:
        view = links.archive(item_id, body.url or None, actor=user.name)
    return view.as_dict()


@router.patch("/items/{item_id}")
def edit_item(request: Request, item_id: int, user: Reviewer, body: EditBody) -> dict[str, Any]:
    """Change an item's title, excerpt, note, date or assigned topics."""
    items = get_core(request).items
    published = body.published_at
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    item = items.edit(
        item_id,
        actor=user.name,
        title=body.title,
        excerpt=body.excerpt,
        note=body.note,
        published=published,
        publisher=body.publisher,
        kind=body.kind,
    )
    if body.topics is not None:
        item = items.set_topics(item_id, actor=user.name, topics=body.topics)
    return _full(item)


@router.post("/items/bulk")
def bulk(request: Request, user: Reviewer, body: BulkBody) -> dict[str, Any]:
    """Approve or reject several items; return how many changed."""
    changed = get_core(request).items.review_many(
        body.ids, action=body.action, actor=user.name, reason=body.reason
    )
    return {"changed": changed}


@router.get("/topics")
def list_topics(request: Request) -> dict[str, Any]:
    """Return the topics in page order."""
    return {"topics": [t.as_dict() for t in get_core(request).topics.all()]}


@router.post("/items/{item_id}/bullets/{position}")
def hide_bullet(
    request: Request, item_id: int, position: int, user: Reviewer, body: BulletBody
) -> dict[str, Any]:
    """Hide (or show) the bullet at ``position`` (from 1) of a newsletter issue's entry."""
    return _full(get_core(request).items.hide_bullet(item_id, position, actor=user.name, hidden=body.hidden))


@router.get("/topics/{slug}/entries")
def topic_entries(request: Request, slug: str) -> dict[str, Any]:
    """Return the ids of a topic's published entries, in its page's order."""
    topics = get_core(request).topics
    return {"order": topics.get(slug).entry_order, "entries": topics.entries(slug)}


@router.post("/topics/{slug}/entries/{item_id}/move")
def move_entry(
    request: Request,
    slug: str,
    item_id: int,
    body: MoveBody,
    user: Annotated[UserView, Depends(require("topics"))],
) -> dict[str, Any]:
    """Move an entry up or down its topic's page; the page is then arranged by hand."""
    return {"order": "manual", "entries": get_core(request).topics.move_entry(slug, item_id, body.offset)}


@router.get("/publishers")
def list_publishers(request: Request) -> dict[str, Any]:
    """Return the publishers table, by host."""
    return {"publishers": [p.as_dict() for p in get_core(request).publishers.all()]}


@router.put("/publishers/{host}")
def put_publisher(
    request: Request, host: str, body: PublisherBody, user: Annotated[UserView, Depends(require("topics"))]
) -> dict[str, Any]:
    """Say who publishes the pages of ``host`` (or change it)."""
    return get_core(request).publishers.put(host, name=body.name, suffix=body.suffix).as_dict()


@router.get("/topics/{slug}/model")
def topic_model(request: Request, slug: str) -> dict[str, Any]:
    """Return where the topic's learned model stands: decisions so far, estimated recall, worth reading."""
    return {"topic": slug, **asdict(get_core(request).items.model_report(slug))}


@router.get("/sources")
def list_sources(request: Request) -> dict[str, Any]:
    """Return the sources with their health and items over the last 30 days."""
    core = get_core(request)
    per_month = core.sources.items_per_month()
    return {
        "sources": [{**s.as_dict(), "items_per_month": per_month.get(s.id, 0)} for s in core.sources.all()]
    }


@router.get("/sessions")
def list_sessions(request: Request, user: Annotated[UserView, Depends(require("users"))]) -> dict[str, Any]:
    """Return the live login sessions, newest first (admins only)."""
    return {"sessions": [asdict(s) for s in get_core(request).sessions.all()]}


@router.delete("/sessions/{session_id}")
def revoke_session(
    request: Request, session_id: str, user: Annotated[UserView, Depends(require("users"))]
) -> dict[str, Any]:
    """End a login session, named by the start of its id (admins only)."""
    return {"revoked": asdict(get_core(request).sessions.revoke(session_id))}


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request) -> dict[str, Any]:
    """Return the API's OpenAPI document (to logged-in users only)."""
    document: dict[str, Any] = request.app.openapi()
    return document
