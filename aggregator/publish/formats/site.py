"""Topic pages in the knowledge base's shape: Jinja2 templates a site may override, a static export.

The templates live in ``templates/``; a site's own folder (``--templates DIR`` or
``AGGREGATOR_TEMPLATES_DIR``) is searched first, so it can replace any of ``base.html``,
``index.html``, ``topic.html``, ``entry.html``, ``fragment.html`` (a topic's content alone, for
WordPress) or ``style.css`` and keep the rest. Autoescaping is
always on, and every string the templates receive is plain text and every link filtered.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
)
from jinja2.loaders import BaseLoader
from markupsafe import Markup

from aggregator.errors import InvalidInput
from aggregator.publish import markdown
from aggregator.publish.entries import Entry, Story
from aggregator.publish.sanitize import clean_html, one_line, plain_text
from aggregator.services.topics import TopicView

DEFAULT_TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = "style.css"
# Pages that show harvested text allow no script at all, and styles only from the site itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' https:; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class TopicPage:
    """A topic and its published entries, newest first."""

    topic: TopicView
    entries: tuple[Entry, ...]
    # The index lists topics with their number of entries only; it need not load them.
    known_count: int | None = None

    @property
    def count(self) -> int:
        """Return how many entries the topic has."""
        return len(self.entries) if self.known_count is None else self.known_count

    @property
    def name(self) -> str:
        """Return the topic's name as one line of plain text."""
        return one_line(self.topic.name) or self.topic.slug

    @property
    def updated(self) -> dt.datetime | None:
        """Return the newest entry's update, or None for an empty topic."""
        return max((e.updated for e in self.entries), default=None)


class SiteRenderer:
    """Renders the index and topic pages with the default templates or a site's own."""

    def __init__(self, *, site_title: str, site_url: str, templates: Path | None = None) -> None:
        loaders: list[BaseLoader] = []
        if templates is not None:
            if not templates.is_dir():
                raise InvalidInput(f"templates folder {str(templates)!r} does not exist or is not a folder")
            loaders.append(FileSystemLoader(templates))
        loaders.append(FileSystemLoader(DEFAULT_TEMPLATES))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.globals.update(
            site_title=one_line(site_title),
            site_url=site_url,
            csp=CONTENT_SECURITY_POLICY,
            paragraphs=_paragraphs,
            markdown_html=_markdown_html,
            story_html=_story_html,
        )

    def index(self, pages: list[TopicPage], *, index_file: str = "index.html", site_url: str = "") -> str:
        """Return the index page listing every topic; ``site_url`` replaces the configured one."""
        extra = {"site_url": site_url} if site_url else {}
        return self._render("index.html", pages=pages, index_file=index_file, stylesheet=STYLESHEET, **extra)

    def topic(self, page: TopicPage, *, index_file: str = "index.html", site_url: str = "") -> str:
        """Return one topic's page; ``site_url`` (where the page is served) replaces the configured one."""
        extra = {"site_url": site_url} if site_url else {}
        return self._render(
            "topic.html",
            page=page,
            topic=page.topic,
            entries=page.entries,
            index_file=index_file,
            stylesheet=f"../{STYLESHEET}",
            **extra,
        )

    def fragment(self, page: TopicPage) -> str:
        """Return a topic's intro and entries without the page around them (a WordPress page's content)."""
        return self._render("fragment.html", page=page, topic=page.topic, entries=page.entries)

    def stylesheet(self) -> str:
        """Return the CSS the pages link to."""
        loader = self._env.loader
        assert loader is not None
        source, _, _ = loader.get_source(self._env, STYLESHEET)
        return source

    def _render(self, name: str, **context: object) -> str:
        try:
            return self._env.get_template(name).render(**context)
        except TemplateSyntaxError as exc:
            where = f"{exc.filename or exc.name or name}:{exc.lineno}"
            raise InvalidInput(f"template {where}: {exc.message}") from None
        except TemplateError as exc:
            raise InvalidInput(f"template {name}: {exc.message or type(exc).__name__}") from None


def write_site(renderer: SiteRenderer, pages: list[TopicPage], folder: Path) -> list[Path]:
    """Write index.html, one <slug>/index.html per topic and the CSS into ``folder``; return the files."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{str(folder)!r} is a file; the site export needs a folder")
    # Render everything before writing anything, so a broken template leaves the old site whole.
    files = {folder / "index.html": renderer.index(pages), folder / STYLESHEET: renderer.stylesheet()}
    for page in pages:
        files[folder / page.topic.slug / "index.html"] = renderer.topic(page)
    for path, text in files.items():
        _write_atomic(path, text)
    return list(files)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _markdown_html(source: str | None) -> Markup:
    """Return a curator's small Markdown as HTML that the one sanitizer has already cleaned."""
    return Markup(markdown.to_html(source))  # noqa: S704 (sanitized by clean_html)


def _story_html(story: Story) -> Markup:
    """Return a bullet's inner HTML, escaped piece by piece and sanitized."""
    return Markup(clean_html(story.html()))  # noqa: S704 (sanitized by clean_html)


def _paragraphs(text: str | None) -> list[str]:
    """Return plain ``text`` split into its non-empty lines."""
    return [line.strip() for line in plain_text(text).splitlines() if line.strip()]
