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


# The languages the topics page offers a list of its own for, beside the main (English) one.
FORM_LANGUAGES = ("cy",)


def _language_terms(include_cy: str, exclude_cy: str) -> dict[str, dict[str, list[str]]]:
    return {"cy": {"include": _lines(include_cy), "exclude": _lines(exclude_cy)}}


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
    include_cy: Text = "",
    exclude_cy: Text = "",
) -> Response:
    """Create a topic and score the unreviewed items against it."""
    topics = get_core(request).topics
    topic = topics.add(
        slug,
        name=name,
        intro=intro,
        include=_lines(include),
        exclude=_lines(exclude),
        language_terms=_language_terms(include_cy, exclude_cy),
    )
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
    include_cy: Text = "",
    exclude_cy: Text = "",
) -> Response:
    """Save a topic's name, intro and terms (the main list and the Welsh one)."""
    topics = get_core(request).topics
    languages = {
        code: {"include": list(inc), "exclude": list(exc)}
        for code, (inc, exc) in topics.get(slug).language_terms.items()
        if code not in FORM_LANGUAGES
    }
    languages.update(_language_terms(include_cy, exclude_cy))
    topic = topics.update(
        slug,
        name=name,
        intro=intro,
        include=_lines(include),
        exclude=_lines(exclude),
        language_terms=languages,
    )
    get_session(request).say(f"Topic {topic.name!r} saved.")
    return _back()


@router.post("/{slug}/move", dependencies=[Editor])
def move_topic(request: Request, slug: str, offset: Annotated[int, Form(ge=-1000, le=1000)]) -> Response:
    """Move a topic up or down the page order."""
    get_core(request).topics.move(slug, offset)
    return _back()
