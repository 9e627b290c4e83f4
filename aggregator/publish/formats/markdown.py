"""A topic page as Markdown: the text rendering with its links, for editors that take Markdown.

Harvested words are escaped so that none of them becomes markup; the topic's intro and curators'
notes are the curators' own small Markdown (publish/markdown.py) and pass through as written, less
anything its HTML rendering would not allow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import BinaryIO

from aggregator.publish import markdown
from aggregator.publish.entries import Entry, Story
from aggregator.publish.formats.base import FeedInfo, write_blocks
from aggregator.publish.sanitize import one_line

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write the topic page as Markdown to ``out``; return how many entries it holds."""
    name = info.topic[1] if info.topic else info.title
    head = [f"# {escape(one_line(name))}", *markdown.to_markdown(info.intro)]
    return write_blocks(entries, head, _entry, out)


def escape(text: str) -> str:
    """Return plain ``text`` with every character Markdown reads as markup escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _entry(entry: Entry) -> list[str]:
    title = escape(entry.page_title)
    blocks = [f"**{escape(entry.heading)}**", f"[{title}](<{entry.link}>)" if entry.link else title]
    lines = [escape(p.strip()) for p in entry.excerpt.splitlines() if p.strip()]
    if lines:
        blocks.append(
            "\n>\n".join(f"> {line}" for line in lines) if entry.is_quotation else "\n\n".join(lines)
        )
    blocks.extend(markdown.to_markdown(entry.item.curator_note))
    blocks.extend(escape(p) for p in entry.intro)
    if entry.stories:
        blocks.append("\n".join(f"- {_bullet(s)}" for s in entry.stories))
    return blocks


def _bullet(story: Story) -> str:
    words, url = story.link_words, story.url
    if not story.title or not story.text or story.text == story.title:
        return _linked(story.title or story.text, words or story.title or story.text, url)
    separator = story.line[len(story.title) : len(story.line) - len(story.text) - 1]
    if url and words == story.title:
        return f"[**{escape(story.title)}**](<{url}>){separator} {escape(story.text)}"
    return f"**{escape(story.title)}**{separator} {_linked(story.text, words, url)}"


def _linked(text: str, words: str, url: str | None) -> str:
    at = text.rfind(words) if words and url else -1
    if at < 0:
        return escape(text)
    return f"{escape(text[:at])}[{escape(words)}](<{url}>){escape(text[at + len(words) :])}"
