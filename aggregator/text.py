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


# UTF-8 read as cp1252 / latin-1 leaves a lead byte (Â..ô) followed by what was a continuation byte.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def repair_mojibake(text: str) -> str:
    """Return ``text`` with UTF-8 that was decoded as cp1252 or latin-1 turned back, else unchanged.

    Publishers double-encode more often than they declare a wrong charset: "CafÃ© Cymraeg" is "Café
    Cymraeg" read twice. The repair is taken only when the bytes decode as UTF-8 and leave fewer
    suspicious pairs, so correct text (a real "Ã©" is vanishingly rare) passes untouched.
    """
    if not _MOJIBAKE.search(text):
        return text
    raw = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100:
            raw.append(code)
            continue
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            return text
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return text
    return repaired if len(_MOJIBAKE.findall(repaired)) < len(_MOJIBAKE.findall(text)) else text


def storable(value: str | None, limit: int | None = None) -> str | None:
    """Return ``value`` as a text column can hold it: no NUL characters, at most ``limit`` characters.

    PostgreSQL refuses NUL in text outright (SQLite keeps it), so one NUL in a page failed its item
    on one database and not the other; and a value past a column's length failed the whole insert.
    """
    if value is None:
        return None
    cleaned = value.replace("\x00", "")
    return cleaned if limit is None or len(cleaned) <= limit else cleaned[: limit - 1] + "…"
