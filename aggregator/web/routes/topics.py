"""Topics: name, intro, include and exclude terms, and their order on the published pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.errors import Conflict, FetchError
from aggregator.services.topics import ENTRY_ORDERS
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
    """Return the topics, in page order, each with its form (and its WordPress page, if published)."""
    from aggregator.publish.wordpress import known_page

    core = get_core(request)
    topics = core.topics.all()
    pages = {t.slug: known_page(core, t.slug) for t in topics} if core.config.wordpress_url else {}
    context = {"topics": topics, "orders": ENTRY_ORDERS, "wordpress": bool(core.config.wordpress_url)}
    return render(request, "topics.html", {**context, "pages": pages})


@router.get("/{slug}/entries", response_class=HTMLResponse)
def entries_page(request: Request, slug: str) -> Response:
    """Return a topic's published entries in page order, each with buttons to move it."""
    from aggregator.publish.service import topic_page

    page = topic_page(get_core(request), slug)
    return render(request, "topic_entries.html", {"page": page, "topic": page.topic})


@router.post("/{slug}/entries/{item_id}/move", dependencies=[Editor])
def move_entry(
    request: Request, slug: str, item_id: int, offset: Annotated[int, Form(ge=-1000, le=1000)]
) -> Response:
    """Move an entry up or down its topic's page; the page is then arranged by hand."""
    get_core(request).topics.move_entry(slug, item_id, offset)
    return RedirectResponse(f"/manage/topics/{slug}/entries#entry-{item_id}", status_code=303)


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
    order: Annotated[str, Form(max_length=16)] = "",
    include_cy: Text = "",
    exclude_cy: Text = "",
) -> Response:
    """Save a topic's name, intro, terms (the main list and the Welsh one) and entry order."""
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
        order=order or None,
        language_terms=languages,
    )
    get_session(request).say(f"Topic {topic.name!r} saved.")
    return _back()


@router.post("/{slug}/wordpress", dependencies=[Editor])
def publish_to_wordpress(
    request: Request,
    slug: str,
    live: Annotated[bool, Form()] = False,
    overwrite: Annotated[bool, Form()] = False,
) -> Response:
    """Write the topic's page to the knowledge base's WordPress; edits made there are not overwritten."""
    # Imported at first use: httpx and the page templates stay out of the app's start.
    from aggregator.publish.wordpress import publish_topic

    user = current_user(request)
    try:
        done = publish_topic(get_core(request), slug, publish=live, overwrite=overwrite, actor=user.name)
    except (Conflict, FetchError) as exc:
        get_session(request).say(f"Not published: {exc}")
        return _back()
    what = "saved as a draft revision of the live page" if done.as_revision else f"{done.status}"
    get_session(request).say(f"WordPress page {done.page_id} {what}: {done.link}")
    return _back()


@router.post("/{slug}/move", dependencies=[Editor])
def move_topic(request: Request, slug: str, offset: Annotated[int, Form(ge=-1000, le=1000)]) -> Response:
    """Move a topic up or down the page order."""
    get_core(request).topics.move(slug, offset)
    return _back()
