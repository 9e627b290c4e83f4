"""Atom 1.0 (RFC 4287) of published entries: feedgen builds each entry, lxml streams the document.

feedgen alone builds the whole tree in memory before writing a byte; 100,000 entries would hold
every element at once. Here each entry is built by feedgen's entry API and written out at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from feedgen.entry import FeedEntry
from lxml import etree

from aggregator import __version__
from aggregator.export.base import FeedInfo
from aggregator.export.entries import Entry

ATOM = "http://www.w3.org/2005/Atom"


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write an Atom document of ``entries`` to ``out``; return how many entries it holds."""
    count = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        # feedgen's entries carry no namespace of their own: they inherit the feed's default one.
        with xf.element(f"{{{ATOM}}}feed", nsmap={None: ATOM}):
            xf.write("\n")
            for element in _head(info):
                xf.write(element, pretty_print=True)
            for entry in entries:
                xf.write(atom_entry(entry, info).atom_entry(extensions=False), pretty_print=True)
                count += 1
    return count


def atom_entry(entry: Entry, info: FeedInfo) -> FeedEntry:
    """Return the feedgen entry of ``entry``."""
    fe = FeedEntry()
    fe.id(entry.id)
    fe.title(entry.title)
    if entry.link:
        fe.link(href=entry.link, rel="alternate")
    fe.updated(entry.updated)
    if entry.published:
        fe.published(entry.published)
    # RFC 4287 wants an author on every entry (or on the feed): the source stands in for none.
    fe.author(name=entry.author)
    if entry.summary:
        fe.summary(entry.summary, type="text")
    if entry.note or entry.stories:
        fe.content(entry.content_html(), type="html")
    elif not entry.link:
        fe.content(entry.summary or entry.title, type="text")
    for slug in entry.topics:
        fe.category(term=slug)
    return fe


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
