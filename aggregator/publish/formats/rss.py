"""RSS 2.0 of published entries: feedgen builds each item, lxml streams the document.

RSS has no way to say a title is plain text, and many readers render it as HTML; titles are
therefore plain text with markup removed (see sanitize.plain_text), and descriptions escaped HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import format_datetime
from html import escape
from typing import BinaryIO

from feedgen.entry import FeedEntry
from lxml import etree

from aggregator import __version__
from aggregator.publish.entries import Entry
from aggregator.publish.formats.base import FeedInfo, write_elements

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write an RSS 2.0 document of ``entries`` to ``out``; return how many items it holds."""
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("rss", version="2.0", nsmap={"atom": ATOM, "content": CONTENT, "dc": DC}):
            xf.write("\n")
            with xf.element("channel"):
                xf.write("\n")
                count = write_elements(xf, _head(info), entries, rss_item)
    return count


def rss_item(entry: Entry) -> etree._Element:
    """Return the ``<item>`` of ``entry``."""
    fe = FeedEntry()
    fe.title(entry.title)
    if entry.link:
        fe.link(href=entry.link)
    fe.guid(entry.id, permalink=False)
    fe.pubDate(entry.published or entry.updated)
    # RSS descriptions are HTML by convention: escaped text, so no reader renders harvested markup.
    if entry.summary:
        fe.description(escape(entry.summary, quote=False))
        if entry.note or entry.stories:
            fe.content(entry.content_html())
    else:
        fe.description(entry.content_html() or escape(entry.title, quote=False))
    for slug in entry.topics:
        fe.category(term=slug)
    # feedgen's item declares no prefixes; re-parented under one that does, content:encoded keeps
    # its usual prefix (some readers look for that literal name).
    item = etree.Element("item", nsmap={"content": CONTENT, "dc": DC})
    item.extend(list(fe.rss_entry(extensions=False)))
    # <author> must be an e-mail address in RSS 2.0; Dublin Core's creator takes a name.
    etree.SubElement(item, f"{{{DC}}}creator").text = entry.author
    return item


def _head(info: FeedInfo) -> list[etree._Element]:
    elements = []
    for name, text in (
        ("title", info.title),
        ("link", info.site_url),
        ("description", info.subtitle or info.title),
        ("lastBuildDate", format_datetime(info.updated, usegmt=True)),
        ("generator", f"aggregator {__version__}"),
        ("docs", "https://www.rssboard.org/rss-specification"),
    ):
        element = etree.Element(name)
        element.text = text
        elements.append(element)
    elements.append(
        etree.Element(
            f"{{{ATOM}}}link",
            href=info.self_url,
            rel="self",
            type="application/rss+xml",
            nsmap={"atom": ATOM},
        )
    )
    return elements
