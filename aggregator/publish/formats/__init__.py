"""Export formats: one module per format, and one record per format in ``FORMATS``.

Adding a format is one module with a ``write`` and one ``Format`` below: the CLI's choices, the
service's dispatch and the URLs the app serves all read this table (as Scrapy's
``FEED_EXPORTERS_BASE`` is the one list of its exporters).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aggregator.errors import InvalidInput
from aggregator.publish.formats import atom, csv, jsonfeed, jsonl, markdown, opml, rss, text, wxr
from aggregator.publish.formats.base import FeedInfo, SourceWriter, Writer


class Covers(enum.StrEnum):
    """What a format's document lists."""

    ENTRIES = "the approved entries"
    ITEMS = "every item, with every field"
    SOURCES = "the sources"
    SITE = "every topic page, as a folder"


@dataclass(frozen=True, slots=True)
class Format:
    """One export format."""

    name: str
    covers: Covers
    # The file's name at its stable URL (/feeds/<file>, /topics/<slug>/<file>) and when exported.
    file_name: str | None
    media_type: str | None
    writer: Writer | None = None
    source_writer: SourceWriter | None = None
    # Served by the app to feed readers, with validators (the rest are exports only).
    served: bool = False
    # One topic's document only (WordPress files a topic's posts under its category).
    needs_topic: bool = False
    # The topic's page in the topic's own order (oldest first, ...); feeds run newest first.
    arranged: bool = False


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "atom", Covers.ENTRIES, "atom.xml", "application/atom+xml; charset=utf-8", atom.write, served=True
        ),
        Format(
            "rss", Covers.ENTRIES, "rss.xml", "application/rss+xml; charset=utf-8", rss.write, served=True
        ),
        Format(
            "jsonfeed",
            Covers.ENTRIES,
            "feed.json",
            "application/feed+json; charset=utf-8",
            jsonfeed.write,
            served=True,
        ),
        Format("csv", Covers.ITEMS, "entries.csv", "text/csv; charset=utf-8", csv.write),
        Format("jsonl", Covers.ITEMS, "entries.jsonl", "application/jsonl; charset=utf-8", jsonl.write),
        Format(
            "wxr",
            Covers.ENTRIES,
            "wordpress.xml",
            "application/rss+xml; charset=utf-8",
            wxr.write,
            needs_topic=True,
        ),
        Format(
            "text",
            Covers.ENTRIES,
            "page.txt",
            "text/plain; charset=utf-8",
            text.write,
            needs_topic=True,
            arranged=True,
        ),
        Format(
            "markdown",
            Covers.ENTRIES,
            "page.md",
            "text/markdown; charset=utf-8",
            markdown.write,
            needs_topic=True,
            arranged=True,
        ),
        Format(
            "opml", Covers.SOURCES, "sources.opml", "text/x-opml; charset=utf-8", source_writer=opml.write
        ),
        Format("site", Covers.SITE, None, None),
    )
}
# The formats the app serves, by the file name they have at their URL.
SERVED = {f.file_name: f for f in FORMATS.values() if f.served and f.file_name}

__all__ = ["FORMATS", "SERVED", "Covers", "FeedInfo", "Format", "SourceWriter", "Writer", "format_of"]


def format_of(name: str) -> Format:
    """Return the format ``name``; raise InvalidInput naming the known formats otherwise."""
    found = FORMATS.get(name)
    if found is None:
        raise InvalidInput(f"unknown export format {name!r}; known formats: {', '.join(FORMATS)}")
    return found
