"""Sources: add by URL (a feed, or a page announcing one), kind, settings, schedule, enabled, health."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.errors import InvalidInput
from aggregator.services.kinds import KINDS
from aggregator.services.sources import UNCHANGED
from aggregator.web.deps import check_csrf, current_user, get_core, get_session, require
from aggregator.web.templating import render

router = APIRouter(
    prefix="/manage/sources",
    include_in_schema=False,
    dependencies=[Depends(current_user), Depends(check_csrf)],
)
Admin = Depends(require("sources"))


def _back() -> Response:
    return RedirectResponse("/manage/sources", status_code=303)


def _settings(text: str) -> dict[str, Any]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"settings are not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(value, dict):
        raise InvalidInput('settings are a JSON object, e.g. {"per_page": 20}')
    return value


@router.get("", response_class=HTMLResponse)
def sources_page(request: Request) -> Response:
    """Return every source with its health and its form."""
    core = get_core(request)
    context = {
        "sources": core.sources.all(),
        "per_month": core.sources.items_per_month(),
        "kinds": list(KINDS),
        "kind_table": KINDS,
    }
    return render(request, "sources.html", context)


@router.post("", dependencies=[Admin])
async def add_source(
    request: Request,
    url: Annotated[str, Form(max_length=2000)],
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form()] = "auto",
) -> Response:
    """Add a source; with kind "auto" the URL may be a page, whose announced feed is used."""
    core = get_core(request)
    # "auto" fetches the URL: run it off the event loop so other curators' pages keep answering.
    source = await run_in_threadpool(core.sources.add, url, name=name.strip() or None, kind=kind)
    via = f": feed {source.url}" if source.url != url.strip() else ""
    get_session(request).say(f"Added {source.name!r}{via}.")
    return _back()


# The form names each of the kind's settings "setting:<name>" (from the kinds table).
_FIELD = "setting:"


@router.post("/{source_id}", dependencies=[Admin])
async def update_source(
    request: Request,
    source_id: int,
    kind: Annotated[str, Form()],
    settings: Annotated[str, Form(max_length=20_000)] = "",
    interval_minutes: Annotated[str, Form()] = "",
    enabled: Annotated[str, Form()] = "",
) -> Response:
    """Save a source's kind, settings (its kind's fields, JSON as a fallback), schedule and state."""
    sources = get_core(request).sources
    minutes = interval_minutes.strip()
    if minutes and not (minutes.isascii() and minutes.isdigit() and len(minutes) <= 6):
        raise InvalidInput("the interval is a whole number of minutes")
    sent = await request.form()
    # An empty field means the setting's default; the kinds table reads and checks every value.
    fields = {
        key.removeprefix(_FIELD): value.strip()
        for key, value in sent.multi_items()
        if key.startswith(_FIELD) and isinstance(value, str) and value.strip()
    }
    current = await run_in_threadpool(sources.get, str(source_id))
    seconds = int(minutes) * 60 if minutes else None
    saved = await run_in_threadpool(
        partial(
            sources.save,
            str(source_id),
            kind=kind,
            settings={**fields, **_settings(settings)},
            interval_seconds=seconds if seconds != current.interval_seconds else UNCHANGED,
            enabled=bool(enabled) if bool(enabled) != current.enabled else None,
        )
    )
    get_session(request).say(f"Source {saved.name!r} saved.")
    return _back()
