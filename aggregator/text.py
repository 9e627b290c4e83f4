"""Plain-text helpers shared by extraction and feed handling: HTML to text, sentence trimming."""

from __future__ import annotations

import re
from html import unescape

import nh3

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLOCK_TAGS = re.compile(r"</?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|section|article)\b[^>]*>", re.I)


def html_to_text(html: str) -> str:
    """Return the text of an HTML fragment, one paragraph a line, with no markup left."""
    spaced = _BLOCK_TAGS.sub("\n", html)
    # nh3 with no tags allowed strips every element and escapes nothing twice; unescape after.
    stripped = nh3.clean(spaced, tags=set(), attributes={}, strip_comments=True)
    lines = (_SPACE.sub(" ", unescape(line)).strip() for line in stripped.splitlines())
    return "\n".join(line for line in lines if line)


def first_sentences(text: str, limit: int) -> str:
    """Return the leading whole sentences of ``text`` that fit in ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    taken = ""
    for sentence in _SENTENCE_END.split(flat):
        candidate = f"{taken} {sentence}".strip()
        if len(candidate) > limit:
            break
        taken = candidate
    if taken:
        return taken
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return f"{cut}…"
