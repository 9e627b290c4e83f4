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


def rss(entries: Sequence[Entry], title: str = "Test RSS") -> bytes:
    items = "".join(
        f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
        f'<guid isPermaLink="{"false" if e.guid else "true"}">{escape(e.guid or e.link)}</guid>'
        f"<dc:creator>{escape(e.author)}</dc:creator><pubDate>{format_datetime(e.published)}</pubDate>"
        f"<description>{escape(e.summary)}</description></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{escape(title)}</title><link>https://ex.org/</link><language>en-gb</language>"
        f"{items}</channel></rss>"
    ).encode()


def atom(entries: Sequence[Entry], title: str = "Test Atom") -> bytes:
    body = "".join(
        f"<entry><id>{escape(e.guid or e.link)}</id><title>{escape(e.title)}</title>"
        f'<link rel="alternate" href="{escape(e.link)}"/><published>{e.published.isoformat()}</published>'
        f"<updated>{e.published.isoformat()}</updated><author><name>{escape(e.author)}</name></author>"
        f'<summary type="html">{escape(e.summary)}</summary></entry>'
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        f"<updated>2024-01-01T00:00:00Z</updated>{body}</feed>"
    ).encode()


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
