"""The item page: text beside the original, excerpt, title and date, topics, note, review, audit log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.services.users import UserView
from aggregator.web.deps import check_csrf, current_user, get_core, get_session, require
from aggregator.web.filters import parse_day
from aggregator.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_user), Depends(check_csrf)])
Reviewer = Annotated[UserView, Depends(require("review"))]


def _back(item_id: int) -> Response:
    return RedirectResponse(f"/items/{item_id}", status_code=303)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int) -> Response:
    """Return the item page."""
    core = get_core(request)
    item = core.items.get(item_id)
    context = {
        "item": item,
        "topics": core.topics.all(),
        "assigned": set(item.topics),
        "scores": {s.slug: s for s in item.scores},
    }
    return render(request, "item.html", context)


@router.post("/items/{item_id}/approve")
def approve(request: Request, item_id: int, user: Reviewer) -> Response:
    """Approve the item as it stands; offer its other-language version when that is still new."""
    item = get_core(request).items.approve(item_id, actor=user.name)
    other = item.pair
    if other is not None and other.status == "new":
        get_session(request).say(
            f"Approved. Its {other.language or 'other-language'} version is still new: approve it too?"
        )
    else:
        get_session(request).say("Approved.")
    return _back(item_id)


@router.post("/items/{item_id}/reject")
def reject(
    request: Request, item_id: int, user: Reviewer, reason: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """Reject the item, with an optional reason; it stays as a tombstone."""
    get_core(request).items.reject(item_id, actor=user.name, reason=reason.strip() or None)
    get_session(request).say("Rejected.")
    return _back(item_id)


@router.post("/items/{item_id}/unfold")
def unfold(request: Request, item_id: int, user: Reviewer) -> Response:
    """Make this copy an item of its own, back in the queue."""
    get_core(request).items.unfold(item_id, actor=user.name)
    get_session(request).say("Unfolded: it is in the queue on its own.")
    return _back(item_id)


@router.post("/items/{item_id}/pair")
def pair(request: Request, item_id: int, user: Reviewer, other: Annotated[int, Form(ge=1)]) -> Response:
    """Link the item with its other-language version, item ``other``."""
    get_core(request).items.pair(item_id, other, actor=user.name)
    get_session(request).say(f"Paired with item {other}.")
    return _back(item_id)


@router.post("/items/{item_id}/unpair")
def unpair(request: Request, item_id: int, user: Reviewer) -> Response:
    """Undo the item's pair."""
    get_core(request).items.unpair(item_id, actor=user.name)
    get_session(request).say("Unpaired.")
    return _back(item_id)


@router.post("/items/{item_id}/edit")
def edit(
    request: Request,
    item_id: int,
    user: Reviewer,
    title: Annotated[str, Form(max_length=2000)],
    published: Annotated[str, Form()] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Save the title, publication day and curator note."""
    items = get_core(request).items
    current = items.get(item_id)
    day = parse_day(published, "date")
    when: dt.datetime | None = None
    if day is not None and (current.published_at is None or current.published_at.date() != day.date()):
        # Only a changed day replaces the stored time; saving the form as it was keeps it exact.
        when = day
    items.edit(item_id, actor=user.name, title=title, note=note, published=when)
    get_session(request).say("Saved.")
    return _back(item_id)


@router.post("/items/{item_id}/excerpt")
def excerpt(
    request: Request,
    item_id: int,
    user: Reviewer,
    choice: Annotated[str, Form()] = "",
    custom: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Keep one of the proposed excerpts, or the curator's own."""
    own = choice == "custom" or (not choice and bool(custom.strip()))
    proposal = None if own or not (choice.isascii() and choice.isdigit()) else int(choice[:6])
    get_core(request).items.choose_excerpt(
        item_id, actor=user.name, proposal=proposal, text=custom if own else None
    )
    get_session(request).say("Excerpt saved.")
    return _back(item_id)


@router.post("/items/{item_id}/topics")
def assign_topics(
    request: Request,
    item_id: int,
    user: Reviewer,
    topics: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    """Make the checked topics the item's topics."""
    get_core(request).items.set_topics(item_id, actor=user.name, topics=topics)
    get_session(request).say("Topics saved.")
    return _back(item_id)
