"""Structured metadata a page declares about itself: JSON-LD, OpenGraph, article:* and plain meta tags.

Publishers fill these for search engines and social cards, so they are more exact than what can be
inferred from the text (a full timestamp, every author); trafilatura's guesses only fill the gaps.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "liveblogposting",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)
_PARSER = lxml_html.HTMLParser(remove_comments=True, no_network=True, huge_tree=False)
_URLISH = re.compile(r"^(https?:)?//", re.IGNORECASE)
_LANG = re.compile(r"^[A-Za-z]{2,3}")


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What the page's markup says, each field None when it says nothing usable."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    description: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    site_name: str | None = None

    @property
    def author(self) -> str | None:
        """Return the authors joined the way bylines are written, or None."""
        return "; ".join(self.authors) or None


def read_metadata(page: str) -> PageMetadata:
    """Return the structured metadata of an HTML page, given as decoded text."""
    try:
        root = lxml_html.fromstring(page, parser=_PARSER)
    except ValueError:
        # lxml refuses text that still declares an XML encoding; the bytes carry their own.
        try:
            root = lxml_html.fromstring(page.encode("utf-8"), parser=_PARSER)
        except (etree.ParserError, ValueError):
            return PageMetadata()
    except etree.ParserError:
        return PageMetadata()
    if root is None:
        return PageMetadata()
    meta = _meta_tags(root)
    ld = _article_json_ld(root)
    ld_authors = tuple(_names(ld.get("author"))) if ld else ()
    meta_authors = tuple(
        a for a in (meta.get("author"), meta.get("article:author")) if a and not _URLISH.match(a)
    )
    return PageMetadata(
        title=_text(ld.get("headline")) or meta.get("og:title") or _title(root),
        authors=ld_authors or meta_authors[:1],
        published=_datetime(ld.get("datePublished"))
        or _datetime(meta.get("article:published_time"))
        or _datetime(meta.get("datepublished"))
        or _datetime(meta.get("dc.date.issued") or meta.get("dcterms.created")),
        modified=_datetime(ld.get("dateModified")) or _datetime(meta.get("article:modified_time")),
        description=meta.get("og:description") or meta.get("description") or _text(ld.get("description")),
        canonical_url=_canonical_link(root) or meta.get("og:url"),
        language=_language(root.get("lang") or _text(ld.get("inLanguage")) or meta.get("og:locale")),
        site_name=meta.get("og:site_name"),
    )


def _meta_tags(root: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in root.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = " ".join((node.get("content") or "").split())
        if key and value and key not in found:
            found[key] = value
    return found


def _article_json_ld(root: Any) -> dict[str, Any]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (json.JSONDecodeError, TypeError):
            continue
        for node in _walk(data):
            types = node.get("@type")
            names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
            if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in names):
                return node
    return {}


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for element in data:
            yield from _walk(element)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk(data["@graph"])


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip() and not _URLISH.match(value.strip()):
            yield value.strip()
    elif isinstance(value, list):
        for element in value:
            yield from _names(element)
    elif isinstance(value, dict):
        yield from _names(value.get("name"))


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _title(root: Any) -> str | None:
    title = root.find(".//title")
    return _text(title.text_content()) if title is not None else None


def _canonical_link(root: Any) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    return None


def _datetime(value: Any) -> dt.datetime | None:
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _language(value: str | None) -> str | None:
    match = _LANG.match(value.strip()) if value else None
    return match.group(0).lower() if match else None
