"""Crawl runs: what each recent crawl did with each source's entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from aggregator.services.runs import OUTCOMES
from aggregator.web.deps import current_user, get_core
from aggregator.web.templating import render

router = APIRouter(prefix="/manage/crawls", include_in_schema=False, dependencies=[Depends(current_user)])


@router.get("", response_class=HTMLResponse)
def runs_page(request: Request, limit: Annotated[int, Query(ge=1, le=200)] = 20) -> Response:
    """Return the most recent crawl runs, newest first, each with its per-source lines."""
    return render(request, "runs.html", {"runs": get_core(request).runs.recent(limit), "outcomes": OUTCOMES})
