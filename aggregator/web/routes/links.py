"""Published links that moved or are gone: listed for curators, who fix, replace or archive them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.services.links import FLAGGED
from aggregator.services.users import UserView
from aggregator.web.deps import check_csrf, current_user, get_core, get_session, require
from aggregator.web.templating import render

router = APIRouter(
    prefix="/manage/links",
    include_in_schema=False,
    dependencies=[Depends(current_user), Depends(check_csrf)],
)
Reviewer = Annotated[UserView, Depends(require("review"))]
Url = Annotated[str, Form(max_length=2000)]


def _back() -> Response:
    return RedirectResponse("/manage/links", status_code=303)


@router.get("", response_class=HTMLResponse)
def links_page(request: Request) -> Response:
    """Return the published entries whose link moved or is gone, and the counts of every state."""
    links = get_core(request).links
    context = {"links": links.list(FLAGGED), "failing": links.list(("failing",)), "counts": links.counts()}
    return render(request, "links.html", context)


@router.post("/{item_id}/fix")
def fix(request: Request, item_id: int, user: Reviewer) -> Response:
    """Make a moved entry link the address it redirects to."""
    view = get_core(request).links.use_new_address(item_id, actor=user.name)
    get_session(request).say(f"#{view.item_id} now links {view.url}.")
    return _back()


@router.post("/{item_id}/replace")
def replace(request: Request, item_id: int, user: Reviewer, url: Url) -> Response:
    """Make the entry link another address."""
    view = get_core(request).links.replace(item_id, url, actor=user.name)
    get_session(request).say(f"#{view.item_id} now links {view.url}.")
    return _back()


@router.post("/{item_id}/archive")
def archive(request: Request, item_id: int, user: Reviewer, url: Url = "") -> Response:
    """Record an archived copy's address, which published entries then link (empty: forget it)."""
    get_core(request).links.archive(item_id, url.strip() or None, actor=user.name)
    get_session(request).say("Archived copy recorded." if url.strip() else "Archived copy forgotten.")
    return _back()
