"""Export formats: one module per format, one registry of them."""

from __future__ import annotations

from aggregator.errors import InvalidInput
from aggregator.publish.formats import atom, csv, jsonfeed, jsonl, rss, wxr
from aggregator.publish.formats.base import FeedInfo, Writer

# Formats written from a stream of entries; OPML (sources) and site (a folder) are handled apart.
WRITERS: dict[str, Writer] = {
    "atom": atom.write,
    "rss": rss.write,
    "jsonfeed": jsonfeed.write,
    "csv": csv.write,
    "jsonl": jsonl.write,
    "wxr": wxr.write,
}
# Data formats list every item with every field, whatever its status; the others publish approved entries.
DATA_FORMATS = frozenset({"csv", "jsonl"})
FORMATS = (*WRITERS, "opml", "site")
# The file name each format has at its stable URL (/feeds/<name>, /topics/<slug>/<name>).
FEED_PATHS = {
    "atom": "atom.xml",
    "rss": "rss.xml",
    "jsonfeed": "feed.json",
    "csv": "entries.csv",
    "jsonl": "entries.jsonl",
    "wxr": "wordpress.xml",
    "opml": "sources.opml",
}
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "jsonfeed": "application/feed+json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "wxr": "application/rss+xml; charset=utf-8",
    "opml": "text/x-opml; charset=utf-8",
}

__all__ = [
    "DATA_FORMATS",
    "FEED_PATHS",
    "FORMATS",
    "MEDIA_TYPES",
    "WRITERS",
    "FeedInfo",
    "Writer",
    "writer_for",
]


def writer_for(name: str) -> Writer:
    """Return the writer of format ``name``; raise InvalidInput for an unknown one."""
    if name not in WRITERS:
        raise InvalidInput(f"unknown export format {name!r}; known formats: {', '.join(FORMATS)}")
    return WRITERS[name]
