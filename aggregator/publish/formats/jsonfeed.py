"""JSON Feed 1.1 of published entries, each item built as a dict and written as soon as it is built."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO

from aggregator.publish.entries import Entry
from aggregator.publish.formats.base import FeedInfo

VERSION = "https://jsonfeed.org/version/1.1"


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write a JSON Feed document of ``entries`` to ``out``; return how many items it holds."""
    head = json.dumps(feed_head(info), ensure_ascii=False, indent=2)
    # The head is a complete object; the items array goes in before its closing brace, one item
    # at a time, so a large feed never sits in memory whole.
    out.write(head[: head.rindex("}")].rstrip().encode())
    out.write(b',\n  "items": [')
    count = 0
    for entry in entries:
        out.write(b"," if count else b"")
        out.write(b"\n    " + json.dumps(feed_item(entry), ensure_ascii=False).encode())
        count += 1
    out.write(b"\n  ]\n}\n" if count else b"]\n}\n")
    return count


def feed_head(info: FeedInfo) -> dict[str, Any]:
    """Return the feed's top-level fields."""
    head: dict[str, Any] = {
        "version": VERSION,
        "title": info.title,
        "home_page_url": info.site_url,
        "feed_url": info.self_url,
    }
    if info.subtitle:
        head["description"] = info.subtitle
    return head


def feed_item(entry: Entry) -> dict[str, Any]:
    """Return one JSON Feed item."""
    item: dict[str, Any] = {"id": entry.id}
    if entry.link:
        item["url"] = entry.link
    item["title"] = entry.title
    html = entry.content_html()
    if html:
        item["content_html"] = html
    item["content_text"] = entry.content_text() or entry.title
    if entry.summary:
        item["summary"] = entry.summary
    if entry.published:
        item["date_published"] = entry.published.isoformat()
    item["date_modified"] = entry.updated.isoformat()
    item["authors"] = [{"name": entry.author}]
    if entry.item.language:
        item["language"] = entry.item.language
    if entry.topics:
        item["tags"] = list(entry.topics)
    return item
