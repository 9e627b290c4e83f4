"""Small feeds in each format, pointing at pages on the local test server."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape

from tests.support.server import Handler, Reply


@dataclass(frozen=True)
class Entry:
    link: str
    title: str
    published: dt.datetime
    author: str = "A. Writer"
    summary: str = "<p>A teaser from the feed.</p>"
    guid: str | None = None


# Each format's document and entry; the entry's fields are those of ``_fields``, escaped for XML.
RSS = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<channel><title>{title}</title><link>https://ex.org/</link><language>en-gb</language>"
    "{entries}</channel></rss>"
)
RSS_ITEM = (
    "<item><title>{title}</title><link>{link}</link>"
    '<guid isPermaLink="{permalink}">{id}</guid>'
    "<dc:creator>{author}</dc:creator><pubDate>{rfc822}</pubDate>"
    "<description>{summary}</description></item>"
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>{title}</title><id>urn:test:{title}</id><updated>2024-01-01T00:00:00Z</updated>{entries}</feed>"
)
ATOM_ENTRY = (
    "<entry><id>{id}</id><title>{title}</title>"
    '<link rel="alternate" href="{link}"/><published>{iso}</published>'
    "<updated>{iso}</updated><author><name>{author}</name></author>"
    '<summary type="html">{summary}</summary></entry>'
)


def _fields(e: Entry) -> dict[str, str]:
    return {
        "id": escape(e.guid or e.link),
        "permalink": "false" if e.guid else "true",
        "title": escape(e.title),
        "link": escape(e.link),
        "author": escape(e.author),
        "summary": escape(e.summary),
        "rfc822": format_datetime(e.published),
        "iso": e.published.isoformat(),
    }


def _document(template: str, entry: str, entries: Sequence[Entry], title: str) -> bytes:
    body = "".join(entry.format_map(_fields(e)) for e in entries)
    return template.format(title=escape(title), entries=body).encode()


def rss(entries: Sequence[Entry], title: str = "Test RSS") -> bytes:
    return _document(RSS, RSS_ITEM, entries, title)


def atom(entries: Sequence[Entry], title: str = "Test Atom") -> bytes:
    return _document(ATOM, ATOM_ENTRY, entries, title)


def json_feed(entries: Sequence[Entry], title: str = "Test JSON") -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": e.guid or e.link,
                    "url": e.link,
                    "title": e.title,
                    "summary": e.summary,
                    "date_published": e.published.isoformat(),
                    "authors": [{"name": e.author}],
                }
                for e in entries
            ],
        }
    ).encode()


def etagged(body: bytes, content_type: str) -> Handler:
    """Return a route that sends an ETag and answers a matching If-None-Match with 304."""
    tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    def handler(headers: dict[str, str]) -> Reply:
        if headers.get("If-None-Match") == tag:
            return Reply(b"", status=304, content_type=content_type, headers={"ETag": tag})
        return Reply(body, content_type=content_type, headers={"ETag": tag})

    return handler
