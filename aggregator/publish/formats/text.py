"""A topic page as plain text, in the knowledge base's words: for pasting into its editor and diffing.

The page reads as a visitor sees it: the topic's name, its intro (links as their words), then each
entry's heading, title, quotation and, for a newsletter issue, its intro and its stories as bullets.
Paragraphs are separated by blank lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from aggregator.publish import markdown
from aggregator.publish.entries import Entry
from aggregator.publish.formats.base import FeedInfo, write_blocks
from aggregator.publish.sanitize import one_line

BULLET = "  \u2022 "


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write the topic page as text to ``out``; return how many entries it holds."""
    name = info.topic[1] if info.topic else info.title
    head = [one_line(name), *markdown.to_text(info.intro).split("\n\n")]
    return write_blocks(entries, head, entry_blocks, out)


def entry_blocks(entry: Entry) -> list[str]:
    """Return an entry's paragraphs: heading, title, excerpt, note, an issue's intro and bullets."""
    blocks = [entry.heading, entry.page_title]
    blocks.extend(p.strip() for p in entry.excerpt.splitlines())
    blocks.extend(entry.note.split("\n\n"))
    blocks.extend(entry.intro)
    blocks.extend(f"{BULLET}{story.line}" for story in entry.stories)
    return [b for b in blocks if b.strip()]
