"""Article extraction: the only trafilatura import."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import trafilatura
from trafilatura.settings import Document

from aggregator.errors import ExtractionError
from aggregator.text import first_sentences

_LANG_ATTR = re.compile(rb"<html[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.IGNORECASE)
_AUTHOR_PREFIX = re.compile(r"^(?:view all posts by|posted by|written by|by)\s+", re.IGNORECASE)
SUMMARY_CHARS = 320
# Below this, what trafilatura found is a menu or a caption, not an article.
MIN_TEXT_CHARS = 80


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page says about itself: title, author, date, language, main text and a short summary."""

    title: str
    author: str | None
    published: dt.datetime | None
    language: str | None
    text: str
    summary: str


def extract(html: bytes, url: str, *, max_bytes: int) -> Extracted | None:
    """Return the article in ``html``, or None when the page holds no main text."""
    if len(html) > max_bytes:
        # trafilatura parses whatever it is given; a cap before parsing bounds memory and time.
        raise ExtractionError(f"page of {len(html):,} bytes is over the {max_bytes:,}-byte limit")
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        with_metadata=True,
    )
    if not isinstance(doc, Document):
        return None
    text = (doc.text or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        return None
    description = (doc.description or "").strip()
    return Extracted(
        title=(doc.title or "").strip(),
        author=_author(doc.author),
        published=_date(doc.date),
        language=_language(html),
        text=text,
        summary=first_sentences(description or text, SUMMARY_CHARS),
    )


def _author(value: str | None) -> str | None:
    cleaned = _AUTHOR_PREFIX.sub("", (value or "").strip())
    return cleaned or None


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _language(html: bytes) -> str | None:
    match = _LANG_ATTR.search(html[:8192])
    return match.group(1).decode("ascii").lower() if match else None
