"""What every export writer receives: the entries and what the published document says about itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from lxml import etree

from aggregator.publish.entries import Entry
from aggregator.services.views import SourceView


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a published document says about itself."""

    title: str
    site_url: str
    self_url: str
    feed_id: str
    # The newest entry's update, or the time of export when there are no entries.
    updated: dt.datetime
    subtitle: str | None = None
    # The site's root (AGGREGATOR_SITE_URL); site_url is the page the document belongs to.
    base_url: str = ""
    # The topic (slug, name) a per-topic document is about: WXR files it as the posts' category.
    topic: tuple[str, str] | None = None
    # The topic's intro as its curators wrote it (small Markdown), for the page formats.
    intro: str = ""


Writer = Callable[[Iterable[Entry], FeedInfo, BinaryIO], int]
"""Writes ``entries`` to the binary stream and returns how many it wrote."""

SourceWriter = Callable[[list[SourceView], str, dt.datetime, BinaryIO], int]
"""Writes the sources, under a title, as of a time, to the binary stream; returns how many it wrote."""


def write_elements(
    xf: Any,  # lxml's incremental writer, which its stubs do not name
    head: Iterable[etree._Element],
    entries: Iterable[Entry],
    build: Callable[[Entry], etree._Element],
) -> int:
    """Stream the head's elements, then each entry as ``build`` makes it, into an open ``xmlfile``.

    One entry is in memory at a time, which is what lets 100,000 entries export in little memory.
    Returns how many entries were written.
    """
    for element in head:
        xf.write(element, pretty_print=True)
    count = 0
    for entry in entries:
        xf.write(build(entry), pretty_print=True)
        count += 1
    return count


def write_blocks(
    entries: Iterable[Entry], head: list[str], blocks_of: Callable[[Entry], list[str]], out: BinaryIO
) -> int:
    """Write a plain page: the head's blocks, then each entry's, blank-line separated, empty ones left out.

    Returns how many entries it holds.
    """
    blocks = list(head)
    count = 0
    for entry in entries:
        blocks.extend(blocks_of(entry))
        count += 1
    out.write(("\n\n".join(b for b in blocks if b) + "\n").encode("utf-8"))
    return count
