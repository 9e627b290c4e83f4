"""Jinja2 with autoescaping on for every template: harvested titles, authors and text are text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from aggregator.web.deps import get_session

_HERE = Path(__file__).resolve().parent


def _date(value: dt.datetime | None, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


# A stored line starting with one of these is a list item (newsletters keep their bullets so).
_BULLET = re.compile(r"^(?:[-*•●▪]\s+)")


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """Return the text as ("p", [line]) paragraphs and ("ul", [items]) lists of consecutive bullets."""
    blocks: list[tuple[str, list[str]]] = []
    for line in _paragraphs(text):
        bullet = _BULLET.match(line)
        if bullet is None:
            blocks.append(("p", [line]))
        elif blocks and blocks[-1][0] == "ul":
            blocks[-1][1].append(line[bullet.end() :])
        else:
            blocks.append(("ul", [line[bullet.end() :]]))
    return blocks


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# What an item is, as a curator says it (the stored kinds are one word each).
_KIND_LABELS = {"article": "article", "newsletter": "newsletter issue", "story": "story"}


def _kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind)


def _strength(score: float) -> str:
    """Return a topic score as a word: a lone title hit scores about 0.5, title, summary and body 0.75."""
    if score >= 0.75:
        return "strong"
    if score >= 0.45:
        return "good"
    return "weak"


def _change(value: Any) -> str:
    # An edit records {"old": ..., "new": ...} per field; everything else reads as it is.
    if isinstance(value, dict) and set(value) == {"old", "new"}:
        return f"{_plain(value['old'])} → {_plain(value['new'])}"
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["paragraphs"] = _paragraphs
    env.filters["blocks"] = _blocks
    env.filters["clip"] = _clip
    env.filters["change"] = _change
    env.filters["kind_label"] = _kind_label
    env.filters["strength"] = _strength
    return env


templates = Jinja2Templates(env=_environment())


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Return the page ``name`` with the user, CSRF token and pending message added to ``context``."""
    session = get_session(request)
    if session.fresh:
        session.changed = True
    full = {
        "user": getattr(request.state, "user", None),
        "csrf": session.csrf,
        "flash": session.take_flash(),
        "undo": session.take_undo(),
        **context,
    }
    response: HTMLResponse = templates.TemplateResponse(request, name, full, status_code=status_code)
    return response
