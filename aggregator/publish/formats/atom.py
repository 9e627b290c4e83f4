"""Atom 1.0 (RFC 4287) of published entries, streamed with lxml so 100,000 entries fit in little memory.

feedgen builds the whole tree in memory before writing a byte, and its per-entry API costs about
40 µs an entry, most of an export of 100,000 entries' 10 s budget. Each entry is therefore built here
as an lxml element of the same shape feedgen's ``FeedEntry.atom_entry()`` gives (tests compare the
two) and written out at once; never with string templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from lxml import etree

from aggregator import __version__
from aggregator.publish.entries import Entry
from aggregator.publish.formats.base import FeedInfo, write_elements

ATOM = "http://www.w3.org/2005/Atom"


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write an Atom document of ``entries`` to ``out``; return how many entries it holds."""
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        # Entries are built without a namespace and inherit the feed's default one, as feedgen does;
        # otherwise each would repeat the namespace declaration.
        with xf.element(f"{{{ATOM}}}feed", nsmap={None: ATOM}):
            xf.write("\n")
            count = write_elements(xf, _head(info), entries, entry_element)
    return count


def entry_element(entry: Entry) -> etree._Element:
    """Return the ``<entry>`` of ``entry``: id, title, updated, author, content, link, summary..."""
    sub = etree.SubElement
    element = etree.Element("entry")
    sub(element, "id").text = entry.id
    sub(element, "title").text = entry.title
    sub(element, "updated").text = entry.updated.isoformat()
    # RFC 4287 wants an author on every entry (or on the feed): the source stands in for none.
    sub(sub(element, "author"), "name").text = entry.author
    link = entry.link
    if entry.note or entry.stories:
        sub(element, "content", type="html").text = entry.content_html()
    elif not link:
        # Without a link an entry must have content (RFC 4287 4.1.1.2).
        sub(element, "content", type="text").text = entry.summary or entry.title
    if link:
        sub(element, "link", href=link)
    summary = entry.summary
    if summary:
        sub(element, "summary", type="text").text = summary
    for slug in entry.topics:
        sub(element, "category", term=slug)
    if entry.published:
        sub(element, "published").text = entry.published.isoformat()
    return element


def _head(info: FeedInfo) -> list[etree._Element]:
    elements = []
    for name, text in (("id", info.feed_id), ("title", info.title), ("subtitle", info.subtitle)):
        if text:
            element = etree.Element(name)
            element.text = text
            elements.append(element)
    updated = etree.Element("updated")
    updated.text = info.updated.isoformat()
    elements.append(updated)
    elements.append(etree.Element("link", href=info.site_url, rel="alternate"))
    elements.append(etree.Element("link", href=info.self_url, rel="self"))
    generator = etree.Element("generator", version=__version__)
    generator.text = "aggregator"
    elements.append(generator)
    return elements
