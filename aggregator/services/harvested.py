"""What a crawl hands to storage: one harvested article, issue or story, its topic scores, and the outcome.

The shape every reader fills (feed entry, page, API record, newsletter story) before recording stores it;
`storable()` fits each value to its column, so no reader needs to know the table.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, replace

from aggregator.enums import ContentOrigin, ItemKind
from aggregator.reader.newsletters import Story
from aggregator.text import storable
from aggregator.urls import canonical_url

ERROR_TEXT_LIMIT = 2000
# The items table's column lengths (models.Item).
AUTHOR_CHARS = 500
GUID_CHARS = 2000
LANGUAGE_CHARS = 16
SITE_NAME_CHARS = 300


class Outcome(enum.Enum):
    """What recording a harvested item did."""

    NEW = "new"
    COMPLETED = "completed"  # a feed-only item got its article page at last
    DUPLICATE = "duplicate"  # stored already (same canonical URL, or same GUID from the same source)
    SYNDICATED = "syndicated"  # a new URL carrying a text already stored: kept, linked to the first copy


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """An item's relevance to one topic, as the topic pipeline scored it."""

    topic_id: int
    score: float
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Harvested:
    """An article (or newsletter issue, or story) as a crawl found it, before it is stored."""

    source_id: int
    url: str
    guid: str | None
    title: str
    author: str | None
    published: dt.datetime | None
    language: str | None
    text: str
    summary: str
    content_origin: str = ContentOrigin.ARTICLE
    fetch_error: str | None = None
    kind: str = ItemKind.ARTICLE
    parent_url: str | None = None
    position: int | None = None
    excerpt: str | None = None
    excerpt_candidates: tuple[str, ...] = ()
    topic_matches: tuple[TopicMatch, ...] = ()
    sketch: tuple[int, ...] | None = None
    # (language, canonical URL) of the versions in other languages its page announced
    alternates: tuple[tuple[str, str], ...] = ()
    # Computed once, where the crawl first met the link; empty: storage computes it.
    canonical_url: str = ""
    # The page's og:site_name: who published it, when neither source nor publishers table says.
    site_name: str | None = None
    # A newsletter issue's intro paragraphs (blank-line separated) and its stories as bullets.
    issue_intro: str = ""
    bullets: tuple[Story, ...] = ()

    @property
    def canon(self) -> str:
        """Return the item's identity: its canonical URL."""
        return self.canonical_url or canonical_url(self.url)

    def storable(self) -> Harvested:
        """Return this item as the items table can hold it (no NUL, each value within its column)."""
        return replace(
            self,
            title=storable(self.title) or "",
            author=storable(self.author, AUTHOR_CHARS),
            # A GUID too long to store identifies nothing the next crawl could look up.
            guid=self.guid if self.guid is None or len(self.guid) <= GUID_CHARS else None,
            language=storable(self.language, LANGUAGE_CHARS),
            text=storable(self.text) or "",
            summary=storable(self.summary) or "",
            excerpt=storable(self.excerpt),
            excerpt_candidates=tuple(c for c in (storable(e) for e in self.excerpt_candidates) if c),
            fetch_error=storable(self.fetch_error, ERROR_TEXT_LIMIT),
            site_name=storable(self.site_name, SITE_NAME_CHARS),
            issue_intro=storable(self.issue_intro) or "",
        )
