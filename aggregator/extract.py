"""Article extraction: structured metadata first, trafilatura (the only import of it) for the text."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin

import trafilatura
from trafilatura.settings import Document

from aggregator.errors import ExtractionError
from aggregator.fingerprint import sketch
from aggregator.language import detect_language
from aggregator.metadata import read_metadata
from aggregator.text import first_sentences

_AUTHOR_PREFIX = re.compile(r"^(?:view all posts by|posted by|written by|by)\s+", re.IGNORECASE)
_BYLINE_SPLIT = re.compile(r";|,|\band\b")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
SUMMARY_CHARS = 320
# Below this, what trafilatura found is a menu or a caption, not an article.
MIN_TEXT_CHARS = 80


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page says about itself: title, author, date, language, main text, summary, fingerprint."""

    title: str
    author: str | None
    published: dt.datetime | None
    language: str | None
    text: str
    summary: str
    canonical_url: str | None = None
    sketch: tuple[int, ...] | None = None


def extract(html: bytes, url: str, *, max_bytes: int, encoding: str | None = None) -> Extracted | None:
    """Return the article in ``html``, or None when the page holds no main text."""
    if len(html) > max_bytes:
        # trafilatura parses whatever it is given; a cap before parsing bounds memory and time.
        raise ExtractionError(f"page of {len(html):,} bytes is over the {max_bytes:,}-byte limit")
    page = decode_html(html, encoding)
    meta = read_metadata(page)
    doc = trafilatura.bare_extraction(page, url=url, include_comments=False, with_metadata=True)
    if not isinstance(doc, Document):
        return None
    text = (doc.text or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        return None
    description = meta.description or (doc.description or "").strip()
    return Extracted(
        title=meta.title or (doc.title or "").strip(),
        author=_best_author(meta.authors, _author(doc.author)),
        published=meta.published or _date(doc.date),
        language=detect_language(text, hint=meta.language),
        text=text,
        summary=first_sentences(description or text, SUMMARY_CHARS),
        canonical_url=urljoin(url, meta.canonical_url) if meta.canonical_url else None,
        sketch=sketch(text),
    )


def decode_html(html: bytes, encoding: str | None = None) -> str:
    """Return the page as text: the declared charset (header, then meta), else UTF-8, else cp1252."""
    candidates = [encoding] if encoding else []
    match = _META_CHARSET.search(html[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        return html.decode(codec, errors="replace")
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", errors="replace")


def _best_author(declared: tuple[str, ...], byline: str | None) -> str | None:
    # Declared authors are exact, but a visible byline sometimes credits more (an agency, a second
    # writer): when it names everyone declared and more, it is the fuller truth.
    if not declared:
        return byline
    if byline:
        named = {n.strip().lower() for n in _BYLINE_SPLIT.split(byline) if n.strip()}
        if named > {d.lower() for d in declared}:
            return byline
    return "; ".join(declared)


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
