"""OPML 2.0 subscription lists: read the outlines a feed reader exports, write one it can import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import format_datetime

from lxml import etree

from aggregator.errors import FeedError, InvalidInput
from aggregator.xmlguard import refuse_entities


@dataclass(frozen=True, slots=True)
class Outline:
    """One subscription: its feed URL, title, and kind when this product wrote the file."""

    url: str
    title: str | None
    kind: str | None = None


def read_opml(data: bytes) -> list[Outline]:
    """Return every outline with an ``xmlUrl``, in document order, nested folders included."""
    # No entities, no DTD, no network: an OPML file from a stranger must not read local files.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        refuse_entities(data, what="the OPML file")
    except FeedError as exc:
        raise InvalidInput(str(exc)) from None
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"not an OPML file: {exc}") from None
    if root.tag != "opml":
        raise InvalidInput(f"not an OPML file: root element is <{root.tag}>")
    outlines = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if url:
            title = (node.get("title") or node.get("text") or "").strip() or None
            outlines.append(Outline(url=url, title=title, kind=node.get("aggregatorKind")))
    return outlines


def write_opml(outlines: list[Outline], title: str, now: dt.datetime) -> bytes:
    """Return an OPML 2.0 document listing ``outlines``."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(now, usegmt=True)
    body = etree.SubElement(root, "body")
    for outline in outlines:
        attrs = {"type": "rss", "text": outline.title or outline.url, "xmlUrl": outline.url}
        if outline.title:
            attrs["title"] = outline.title
        if outline.kind and outline.kind != "feed":
            attrs["aggregatorKind"] = outline.kind
        etree.SubElement(body, "outline", attrs)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
