"""The item page: the text beside one review form (excerpt, topics, note, title), undo, audit log.

An item page opened from the queue carries the queue's filters in its query string, so approving,
rejecting and j / k move through that same queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.enums import ItemKind
from aggregator.errors import InvalidInput, NotFound
from aggregator.services.review import EDITABLE_KINDS, ReviewForm
from aggregator.services.users import UserView
from aggregator.services.views import ItemView
from aggregator.web.deps import check_csrf, current_user, get_core, get_session, require
from aggregator.web.filters import QueueFilters, parse_day
from aggregator.web.sessions import SessionData
from aggregator.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_user), Depends(check_csrf)])
Reviewer = Annotated[UserView, Depends(require("review"))]


Filters = Annotated[QueueFilters, Depends()]


@dataclass(frozen=True, slots=True)
class ReviewInput:
    """The item page's one form as the browser sent it, kept to show again if it cannot be saved."""

    title: str
    published: str
    choice: str
    custom: str
    note: str
    topics: tuple[str, ...]
    without_topic: bool
    publisher: str = ""
    kind: str = ""


def _back(item_id: int, filters: QueueFilters | None = None) -> Response:
    query = urlencode(filters.as_params()) if filters is not None else ""
    return RedirectResponse(f"/items/{item_id}" + (f"?{query}" if query else ""), status_code=303)


def _form_of(item: ItemView) -> ReviewInput:
    """Return the form as the item stands; with no excerpt yet, an article's first proposal is picked."""
    candidates = item.excerpt_candidates
    if item.excerpt is None and item.kind == ItemKind.NEWSLETTER:
        # An issue's entry is its intro and bullets; an excerpt is only what the curator adds.
        choice, custom = "", ""
    elif item.excerpt is None:
        choice, custom = ("0" if candidates else "custom"), ""
    elif item.excerpt in candidates:
        choice, custom = str(candidates.index(item.excerpt)), ""
    else:
        choice, custom = "custom", item.excerpt
    day = item.published_at.strftime("%Y-%m-%d") if item.published_at else ""
    note, kind = item.curator_note or "", item.entry_word or item.kind
    return ReviewInput(item.title, day, choice, custom, note, item.topics, False, item.publisher or "", kind)


def _show(
    request: Request,
    item: ItemView,
    filters: QueueFilters,
    form: ReviewInput,
    warning: str | None = None,
) -> Response:
    core = get_core(request)
    before, after = core.items.neighbours(filters.item_filter(), item.id)
    params = filters.as_params()
    context = {
        "item": item,
        "kinds": EDITABLE_KINDS,
        "topics": core.topics.all(),
        "form": form,
        "warning": warning,
        "scores": {s.slug: s for s in item.scores},
        "queue": urlencode(params),
        "previous_id": before,
        "next_id": after,
    }
    return render(request, "item.html", context)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int, filters: Filters) -> Response:
    """Return the item page, within the queue its filters name (the default queue without them)."""
    item = get_core(request).items.get(item_id)
    return _show(request, item, filters, _form_of(item))


@router.post("/items/{item_id}/review")
def review(
    request: Request,
    item_id: int,
    user: Reviewer,
    filters: Filters,
    title: Annotated[str, Form(max_length=2000)] = "",
    published: Annotated[str, Form(max_length=20)] = "",
    choice: Annotated[str, Form(max_length=20)] = "",
    custom: Annotated[str, Form(max_length=5000)] = "",
    note: Annotated[str, Form(max_length=10_000)] = "",
    topics: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    without_topic: Annotated[str, Form(max_length=10)] = "",
    save: Annotated[str, Form(max_length=10)] = "",
    publisher: Annotated[str | None, Form(max_length=300)] = None,
    kind: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Save the whole form and approve (or only save); then open the next item of the same queue.

    Approving with no topic asks once: the page comes back as it was sent, saying so, and a second
    Approve goes through. Anything that cannot be saved comes back the same way, nothing lost.
    """
    items = get_core(request).items
    item = items.get(item_id)
    chosen = tuple(dict.fromkeys(topics))
    sent = ReviewInput(
        title, published, choice, custom, note, chosen, without_topic == "1", publisher or "", kind
    )
    approving = not save
    if approving and not sent.topics and not sent.without_topic:
        warning = (
            "No topic is ticked, so this entry would appear on no topic page. "
            "Tick a topic (t), or approve again to approve it without one."
        )
        return _show(request, item, filters, replace(sent, without_topic=True), warning)
    try:
        form = ReviewForm(
            title=title,
            excerpt=_excerpt(item, sent),
            note=note,
            topics=sent.topics,
            published=_changed_day(item, published),
            # A form without the field (an older page, a script) leaves the publisher as it is.
            publisher=publisher,
            kind=kind or None,
        )
        _, after = items.neighbours(filters.item_filter(), item_id)
        was = item.status
        saved = items.save_review(item_id, actor=user.name, form=form, approve=approving)
    except (InvalidInput, NotFound) as exc:
        return _show(request, item, filters, sent, f"Not saved: {exc}")
    session = get_session(request)
    if not approving:
        session.say("Saved.")
        return _back(item_id, filters)
    if was != saved.status:
        session.offer_undo(item_id)
    if _offer_pair(session, saved):
        return _back(item_id, filters)  # stay: the page's button approves the other version
    if after is None:
        query = urlencode(filters.as_params())
        return RedirectResponse("/queue" + (f"?{query}" if query else ""), status_code=303)
    return _back(after, filters)


def _offer_pair(session: SessionData, approved: ItemView) -> bool:
    """Say the item is approved; return whether its other-language version, still new, is offered."""
    other = approved.pair
    if other is None or other.status != "new":
        session.say(f"Approved: {approved.title}")
        return False
    language = other.language or "other-language"
    session.say(f"Approved: {approved.title}. Its {language} version is still new: approve it too?")
    return True


@router.post("/items/{item_id}/approve")
def approve(request: Request, item_id: int, user: Reviewer) -> Response:
    """Approve the item as it stands (the other-language version offered on a pair's page)."""
    approved = get_core(request).items.approve(item_id, actor=user.name)
    _offer_pair(get_session(request), approved)
    return _back(item_id)


def _excerpt(item: ItemView, sent: ReviewInput) -> str | None:
    """Return the excerpt the form picked: a proposal by number, the curator's own, or None (none yet)."""
    if sent.choice == "custom" or (not sent.choice and sent.custom.strip()):
        return sent.custom if sent.custom.strip() else None
    if (
        sent.choice.isascii()
        and sent.choice.isdigit()
        and int(sent.choice[:6]) < len(item.excerpt_candidates)
    ):
        return item.excerpt_candidates[int(sent.choice[:6])]
    if sent.choice:
        raise InvalidInput(f"no proposed excerpt number {sent.choice}")
    return None


def _changed_day(item: ItemView, published: str) -> dt.datetime | None:
    """Return the day sent if it differs from the stored one (saving the form as it was keeps the time)."""
    day = parse_day(published, "date")
    if day is None or (item.published_at is not None and item.published_at.date() == day.date()):
        return None
    return day


@router.post("/items/{item_id}/undo")
def undo(request: Request, item_id: int, user: Reviewer, filters: Filters) -> Response:
    """Put the item back where it stood before its last approve or reject, and open it."""
    item = get_core(request).items.undo(item_id, actor=user.name)
    get_session(request).say(f"Undone: {item.title} is {item.status} again.")
    return _back(item_id, filters)


@router.post("/items/{item_id}/reject")
def reject(
    request: Request,
    item_id: int,
    user: Reviewer,
    filters: Filters,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Reject the item, with an optional reason (it stays as a tombstone); open the queue's next item."""
    items = get_core(request).items
    _, after = items.neighbours(filters.item_filter(), item_id)
    was = items.get(item_id).status
    rejected = items.reject(item_id, actor=user.name, reason=reason.strip() or None)
    session = get_session(request)
    session.say(f"Rejected: {rejected.title}")
    if was != rejected.status:
        session.offer_undo(item_id)
    return _back(after, filters) if after is not None else _back(item_id, filters)


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


@router.post("/items/{item_id}/bullets/{position}")
def bullet(
    request: Request,
    item_id: int,
    position: int,
    user: Reviewer,
    hidden: Annotated[bool, Form()] = True,
) -> Response:
    """Hide a bullet of a newsletter issue's entry, or show it again."""
    get_core(request).items.hide_bullet(item_id, position, actor=user.name, hidden=hidden)
    get_session(request).say("Bullet hidden." if hidden else "Bullet shown.")
    return _back(item_id)
