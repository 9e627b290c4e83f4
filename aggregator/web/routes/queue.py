"""The review queue: filtered, searched, newest or most relevant first; bulk approve and reject."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.users import UserView
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
) -> Response:
    """Return one page of the queue with its filters."""
    core = get_core(request)
    found = core.items.query(**filters.query_args(), limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    params = filters.as_params()
    context = {
        "items": found[:PAGE_SIZE],
        "filters": filters,
        "page": page,
        "newer": urlencode({**params, "page": page - 1}) if page > 1 else None,
        "older": urlencode({**params, "page": page + 1}) if len(found) > PAGE_SIZE else None,
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
