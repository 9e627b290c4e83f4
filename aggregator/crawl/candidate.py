"""What spiders hand to the pipelines: a candidate article, filled in stage by stage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from aggregator.enums import ContentOrigin, ItemKind
from aggregator.reader.newsletters import Story
from aggregator.services.harvested import Harvested, TopicMatch


@dataclass(slots=True)
class Candidate:
    """A link a source offered, with what the source said of it and, once fetched, the page.

    Spiders set the ``source_*`` fields and either ``html`` (a fetched page), ``body_text`` (an API
    that gives the full text) or ``fetch_error``. The pipelines fill in the rest, in order.
    """

    source_id: int
    link: str
    guid: str | None = None
    kind: str = ItemKind.ARTICLE
    source_title: str = ""
    source_author: str | None = None
    source_published: dt.datetime | None = None
    source_summary_html: str = ""
    source_content_html: str = ""
    source_language: str | None = None
    html: bytes | None = None
    encoding: str | None = None
    body_text: str | None = None
    fetch_error: str | None = None
    parent_url: str | None = None
    position: int | None = None
    excerpt: str | None = None
    # A newsletter issue's intro paragraphs and its stories, as the issue's page gave them.
    issue_intro: str = ""
    bullets: tuple[Story, ...] = ()
    # Checked against storage by the spider just before its page was requested.
    vetted: bool = False
    # Filled by the pipelines.
    canonical_url: str = ""
    title: str = ""
    author: str | None = None
    published: dt.datetime | None = None
    language: str | None = None
    site_name: str | None = None
    text: str = ""
    summary: str = ""
    content_origin: str = ContentOrigin.FEED
    sketch: tuple[int, ...] | None = None
    alternates: tuple[tuple[str, str], ...] = ()
    excerpt_candidates: list[str] = field(default_factory=list)
    topic_matches: list[TopicMatch] = field(default_factory=list)

    def harvested(self) -> Harvested:
        """Return what storage records of this candidate: every field the two share, its link as the URL."""
        values = {name: getattr(self, name) for name in _SHARED}
        values["excerpt_candidates"] = tuple(self.excerpt_candidates)
        values["topic_matches"] = tuple(self.topic_matches)
        return Harvested(url=self.link, **values)


# A field added to both shapes travels from the crawl to storage with no more code.
_SHARED = tuple(f.name for f in fields(Harvested) if f.name != "url")
