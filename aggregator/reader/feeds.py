"""Feed parsing: the only feedparser import. RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed here.

feedparser 6 does not read JSON Feed, so that format is mapped by hand from its 1.0 / 1.1 spec.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import xml.sax
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

import feedparser

from aggregator import dates
from aggregator.errors import FeedError
from aggregator.reader.fast_rss import read_rss
from aggregator.text import repair_mojibake
from aggregator.urls import absolute_http, is_http_url
from aggregator.xmlguard import refuse_entities

_JSON_FEED_PREFIX = "https://jsonfeed.org/version/"
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Longer links are junk or attacks, and do not fit the items table's URL columns.
MAX_URL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed, with its link made absolute."""

    link: str
    guid: str | None
    title: str
    author: str | None = None
    published: dt.datetime | None = None
    summary_html: str = ""
    content_html: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title, language, format and entries (entries without a usable link are dropped)."""

    title: str
    format: str
    language: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    skipped: int = 0
    # What was wrong but survivable (not well-formed, too many entries): reported, not fatal.
    problems: tuple[str, ...] = ()


def parse_feed(
    body: bytes, url: str, headers: Mapping[str, str] | None = None, *, max_entries: int = 1000
) -> ParsedFeed:
    """Return the feed in ``body`` fetched from ``url``; raise FeedError when it is not a feed.

    At most ``max_entries`` entries are kept, the newest first, so a feed of 100,000 entries cannot
    turn one crawl into 100,000 page fetches.
    """
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if _looks_like_json(body, headers.get("content-type", "")):
        feed = _parse_json_feed(body, url)
    else:
        refuse_entities(body, _charset(headers.get("content-type", "")))
        feed = _parse_xml_feed(body, url, headers)
    if len(feed.entries) <= max_entries:
        return feed
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    newest = sorted(feed.entries, key=lambda e: e.published or oldest, reverse=True)[:max_entries]
    note = f"the feed has {len(feed.entries):,} entries; only the newest {max_entries:,} were read"
    return replace(feed, entries=newest, problems=(*feed.problems, note))


def _charset(content_type: str) -> str | None:
    found = _CHARSET.search(content_type)
    return found.group(1) if found else None


def _looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _parse_xml_feed(body: bytes, url: str, headers: Mapping[str, str]) -> ParsedFeed:
    # Plain RSS 2.0 is read with lxml; feedparser reads the rest (and whatever that declines).
    # BytesIO, never the bytes or a str: feedparser treats a string as a path or URL to open.
    # Its sanitizer and relative-URI pass triple its parse time; nh3 sanitizes once at display.
    parsed = read_rss(body, headers) or feedparser.parse(
        io.BytesIO(body),
        response_headers=dict(headers),
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = parsed.get("version") or ""
    if not version and not parsed.get("entries"):
        reason = parsed.get("bozo_exception")
        detail = f": {reason}" if reason else ""
        raise FeedError(f"not a feed{detail}")
    feed = parsed.get("feed", {})
    problems: tuple[str, ...] = ()
    reason = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(reason, xml.sax.SAXParseException):
        problems = (f"not well-formed XML ({reason.getMessage()}); the entries that could be read were kept",)
    entries: list[FeedEntry] = []
    skipped = 0
    for raw in parsed.get("entries", []):
        entry = _entry_from_feedparser(raw, url)
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    return ParsedFeed(
        title=str(feed.get("title", "")).strip(),
        format=version or "unknown",
        language=feed.get("language"),
        entries=entries,
        skipped=skipped,
        problems=problems,
    )


def _entry_from_feedparser(raw: Mapping[str, Any], feed_url: str) -> FeedEntry | None:
    link = _first_link(raw, feed_url)
    if link is None:
        return None
    content = raw.get("content") or []
    content_html = "\n".join(str(c.get("value", "")) for c in content)
    tags = raw.get("tags") or []
    return FeedEntry(
        link=link,
        guid=str(raw.get("id") or "").strip() or None,
        title=repair_mojibake(str(raw.get("title", "")).strip()),
        author=(repair_mojibake(str(raw.get("author", "")).strip()) or None),
        published=dates.from_struct(raw.get("published_parsed") or raw.get("updated_parsed")),
        summary_html=str(raw.get("summary", "")),
        content_html=content_html,
        categories=tuple(str(t.get("term", "")).strip() for t in tags if t.get("term")),
    )


def _first_link(raw: Mapping[str, Any], feed_url: str) -> str | None:
    candidates: list[str] = []
    for link in raw.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            candidates.append(str(link["href"]))
    if raw.get("link"):
        candidates.append(str(raw["link"]))
    # RSS guids are often the permalink when no <link> is given.
    if raw.get("guidislink") and raw.get("id"):
        candidates.append(str(raw["id"]))
    return _absolute_http(candidates, feed_url)


def _absolute_http(candidates: Iterable[str], base: str) -> str | None:
    for candidate in candidates:
        absolute = absolute_http(candidate, base)
        if absolute is not None and len(absolute) <= MAX_URL_CHARS:
            return absolute
    return None


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedError(f"not a feed: invalid JSON ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(_JSON_FEED_PREFIX):
        raise FeedError("not a feed: JSON without a JSON Feed version")
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed: JSON Feed without an items list")
    feed_authors = _json_authors(data)
    entries: list[FeedEntry] = []
    skipped = 0
    for item in items:
        entry = _entry_from_json(item, url, feed_authors) if isinstance(item, dict) else None
        if entry is None:
            skipped += 1
        else:
            entries.append(entry)
    version = str(data["version"]).removeprefix(_JSON_FEED_PREFIX)
    return ParsedFeed(
        title=_json_text(data.get("title")),
        format=f"json{version.replace('.', '')}",
        language=data.get("language") if isinstance(data.get("language"), str) else None,
        entries=entries,
        skipped=skipped,
    )


def _entry_from_json(item: Mapping[str, Any], feed_url: str, feed_authors: str | None) -> FeedEntry | None:
    candidates = [str(v) for v in (item.get("url"), item.get("external_url")) if v]
    # An id is an opaque string; it stands in for the URL only when it is one.
    if item.get("id") and is_http_url(str(item["id"])):
        candidates.append(str(item["id"]))
    link = _absolute_http(candidates, feed_url)
    if link is None:
        return None
    guid = item.get("id")
    tags = item.get("tags")
    content_html = _json_text(item.get("content_html"))
    if not content_html and _json_text(item.get("content_text")):
        content_html = _text_as_html(_json_text(item["content_text"]))
    return FeedEntry(
        link=link,
        # Ids are strings by the spec; numeric ones are common and mean the same.
        guid=(str(guid).strip() or None)
        if isinstance(guid, str | int) and not isinstance(guid, bool)
        else None,
        title=repair_mojibake(_json_text(item.get("title"))),
        author=_json_authors(item) or feed_authors,
        published=dates.from_iso(item.get("date_published") or item.get("date_modified")),
        summary_html=_json_text(item.get("summary")),
        content_html=content_html,
        categories=tuple(text for t in tags if (text := _json_text(t))) if isinstance(tags, list) else (),
    )


def _json_text(value: Any) -> str:
    """Return a JSON value the spec makes a string, stripped; "" for anything else (null, a list...)."""
    return value.strip() if isinstance(value, str) else ""


def _json_authors(obj: Mapping[str, Any]) -> str | None:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        single = obj.get("author")  # JSON Feed 1.0
        authors = [single] if isinstance(single, dict) else []
    names = [name for a in authors if isinstance(a, dict) and (name := _json_text(a.get("name")))]
    return ", ".join(names) or None


def _text_as_html(text: str) -> str:
    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
