"""Coverage: which sources feed which topics month by month, who went quiet; charts as SVG images."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from aggregator.publish.coverage import chart_svg
from aggregator.services.coverage import MAX_MONTHS
from aggregator.web.deps import current_user, get_core
from aggregator.web.templating import render

router = APIRouter(prefix="/manage/coverage", include_in_schema=False, dependencies=[Depends(current_user)])
Months = Annotated[int, Query(ge=1, le=MAX_MONTHS)]


@router.get("", response_class=HTMLResponse)
def coverage_page(request: Request, months: Months = 12) -> Response:
    """Return the charts beside the tables: sources (quiet ones flagged), topics, month by month."""
    report = get_core(request).coverage.report(months=months)
    context = {"report": report, "months": months, "topic_totals": report.topic_totals()}
    return render(request, "coverage.html", context)


@router.get("/{by}.svg")
def coverage_chart(
    request: Request,
    by: Literal["sources", "topics"],
    months: Months = 12,
    measure: Annotated[Literal["harvested", "approved"], Query()] = "harvested",
) -> Response:
    """Return a line chart per month, one line per source or topic, drawn on the server."""
    report = get_core(request).coverage.report(months=months)
    svg = chart_svg(report, by=by[:-1], measure=measure)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=60"})
