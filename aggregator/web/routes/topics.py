"""Topics: name, intro, include and exclude terms, and their order on the published pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.web.deps import check_csrf, current_user, get_core, get_session, require
from aggregator.web.templating import render

router = APIRouter(
    prefix="/manage/topics",
    include_in_schema=False,
    dependencies=[Depends(current_user), Depends(check_csrf)],
)
Editor = Depends(require("topics"))
Text = Annotated[str, Form(max_length=10_000)]


def _lines(text: str) -> list[str]:
    return [line for line in text.replace(",", "\n").splitlines() if line.strip()]


def _back() -> Response:
    return RedirectResponse("/manage/topics", status_code=303)


@router.get("", response_class=HTMLResponse)
def topics_page(request: Request) -> Response:
    """Return the topics, in page order, each with its form."""
    return render(request, "topics.html", {"topics": get_core(request).topics.all()})


@router.post("", dependencies=[Editor])
def add_topic(
    request: Request,
    slug: Annotated[str, Form(max_length=200)],
    name: Annotated[str, Form(max_length=300)],
    intro: Text = "",
    include: Text = "",
    exclude: Text = "",
) -> Response:
    """Create a topic and score the unreviewed items against it."""
    topics = get_core(request).topics
    topic = topics.add(slug, name=name, intro=intro, include=_lines(include), exclude=_lines(exclude))
    matched = topics.matching(topic.slug)
    get_session(request).say(f"Topic {topic.name!r} added; it matches {matched} unreviewed items.")
    return _back()


@router.post("/{slug}", dependencies=[Editor])
def update_topic(
    request: Request,
    slug: str,
    name: Annotated[str, Form(max_length=300)],
    intro: Text = "",
    include: Text = "",
    exclude: Text = "",
) -> Response:
    """Save a topic's name, intro and terms."""
    topic = get_core(request).topics.update(
        slug, name=name, intro=intro, include=_lines(include), exclude=_lines(exclude)
    )
    get_session(request).say(f"Topic {topic.name!r} saved.")
    return _back()


@router.post("/{slug}/move", dependencies=[Editor])
def move_topic(request: Request, slug: str, offset: Annotated[int, Form(ge=-1000, le=1000)]) -> Response:
    """Move a topic up or down the page order."""
    get_core(request).topics.move(slug, offset)
    return _back()
