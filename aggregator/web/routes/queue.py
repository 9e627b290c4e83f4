"""The review queue: filtered, searched, newest or most relevant first; bulk approve and reject."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.services.queue import COUNT_CAP
from aggregator.services.users import UserView
from aggregator.web.deps import check_csrf, current_user, get_core, get_session, require
from aggregator.web.errors import back_to
from aggregator.web.filters import PAGE_SIZE, QueueFilters
from aggregator.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(current_user), Depends(check_csrf)])


@router.get("/")
def home() -> Response:
    """Send the curator to the queue."""
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    filters: Annotated[QueueFilters, Depends()],
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    after: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Return one page of the queue with its filters."""
    core = get_core(request)
    # A curator who chose a topic reads it most likely first unless they asked for another order.
    wanted = filters.item_filter(topic_default="likely")
    # Newest first pages by cursor (fast at any depth); the relevance orders page by number.
    offset = 0 if wanted.by_cursor else (page - 1) * PAGE_SIZE
    found = core.items.page(wanted, size=PAGE_SIZE, offset=offset, after=after if wanted.by_cursor else "")
    params = filters.as_params()
    older = None
    if found.next_after is not None:
        older = urlencode({**params, "after": found.next_after})
    elif found.next_offset is not None:
        older = urlencode({**params, "page": page + 1})
    newer = None
    if wanted.by_cursor and after:
        newer = urlencode(params)
    elif not wanted.by_cursor and page > 1:
        newer = urlencode({**params, "page": page - 1})
    context = {
        "items": found.items,
        "total": core.items.total(wanted),
        "total_cap": COUNT_CAP,
        "queue": urlencode(params),
        "filters": filters,
        "page": page if not wanted.by_cursor else None,
        "newer": newer,
        "newer_label": "newest" if wanted.by_cursor else "more relevant",
        "sort": wanted.sort,
        "report": core.items.model_report(wanted.topic) if wanted.topic and wanted.learned else None,
        "older": older,
        "topics": core.topics.all(),
        "sources": core.sources.names(),
        "languages": core.items.languages(),
    }
    return render(request, "queue.html", context)


@router.post("/queue/bulk")
def bulk_review(
    request: Request,
    user: Annotated[UserView, Depends(require("review"))],
    action: Annotated[str, Form()],
    ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Approve or reject the checked items, then go back to the same queue page."""
    session = get_session(request)
    if not ids:
        session.say("Nothing selected.")
    else:
        changed = get_core(request).items.review_many(
            ids, action=action, actor=user.name, reason=reason or None
        )
        verb = "Approved" if action == "approve" else "Rejected"
        session.say(f"{verb} {changed} item{'s' if changed != 1 else ''}.")
    return RedirectResponse(back_to(request), status_code=303)
