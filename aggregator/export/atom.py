"""Atom 1.0 (RFC 4287) of curated entries, built with feedgen, never with string templates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from feedgen.feed import FeedGenerator

from aggregator import __version__
from aggregator.export.base import FeedInfo
from aggregator.items import ItemView
from aggregator.models import utcnow


def write(entries: Iterable[ItemView], info: FeedInfo, out: BinaryIO) -> int:
    """Write an Atom document of ``entries`` to ``out``; return how many entries it holds."""
    fg = FeedGenerator()
    fg.id(info.feed_id)
    fg.title(info.title)
    if info.subtitle:
        fg.subtitle(info.subtitle)
    fg.link(href=info.site_url, rel="alternate")
    fg.link(href=info.self_url, rel="self")
    fg.generator("aggregator", version=__version__)
    newest = None
    count = 0
    for entry in entries:
        fe = fg.add_entry(order="append")
        # The canonical URL never changes once stored, so readers never see an entry twice.
        fe.id(entry.canonical_url)
        fe.title(entry.title)
        fe.link(href=entry.url, rel="alternate")
        updated = entry.reviewed_at or entry.published_at or entry.first_seen_at
        fe.updated(updated)
        if entry.published_at:
            fe.published(entry.published_at)
        fe.author(name=entry.author or entry.source_name)
        summary = entry.excerpt or entry.summary
        if summary:
            fe.summary(summary)
        if entry.curator_note:
            fe.content(entry.curator_note, type="text")
        for slug in entry.topics:
            fe.category(term=slug)
        newest = updated if newest is None or updated > newest else newest
        count += 1
    fg.updated(newest or utcnow())
    out.write(fg.atom_str(pretty=True))
    return count
