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

from aggregator import dates
from aggregator.extract.titles import clean_title

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
_PARSER = lxml_html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    huge_tree=False,
)
# Every element an HtmlElement, chosen in C. lxml.html's own lookup (a Python method, for its form
# and input classes, which neither this module nor trafilatura uses) ran for every element object
# created: over a million calls on the trafilatura subset, about 1.8 ms of a page's extraction.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement,
        comment=lxml_html.HtmlComment,
        pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity,
    )
)
_URLISH = re.compile(r"^(https?:)?//", re.IGNORECASE)
_BARE_LINK = re.compile(r"^[\w.-]+\.[a-z]{2,}/\S*$", re.IGNORECASE)
# "Associated Press in Valencia": the place a byline was filed from is not part of the name.
_DATELINE = re.compile(r"\s+in\s+[A-Z][\w.' -]*$")
# Pages with more main headings than this use h1 for every teaser; they say nothing about the title.
_HEADINGS = 5
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
    # JSON-LD articleBody: the article's text as the publisher declares it, without paragraph breaks.
    body: str | None = None

    @property
    def author(self) -> str | None:
        """Return the authors joined the way bylines are written, or None."""
        return "; ".join(self.authors) or None


def parse_html(page: str) -> Any | None:
    """Return the lxml tree of an HTML page given as decoded text, or None when it holds no markup."""
    try:
        # Encoded, so that text still declaring an XML encoding parses too; the parser's settings are
        # trafilatura's, so the tree it is handed is the one it would have built itself.
        return lxml_html.fromstring(page.encode("utf-8", "surrogatepass"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def read_metadata(page: str | Any) -> PageMetadata:
    """Return the structured metadata of an HTML page, given as decoded text or as a parsed tree."""
    root = parse_html(page) if isinstance(page, str) else page
    if root is None:
        return PageMetadata()
    meta = _meta_tags(root)
    ld = _article_json_ld(root)
    ld_authors = tuple(_names(ld.get("author"))) if ld else ()
    site = (meta.get("og:site_name") or "").casefold()
    # Profile links ("facebook.com/jane") and the publication's own name are not bylines.
    meta_authors = tuple(
        _DATELINE.sub("", a)
        for a in (meta.get("article:author"), meta.get("author"))
        if a and not _URLISH.match(a) and not _BARE_LINK.match(a) and a.casefold() != site
    )
    return PageMetadata(
        title=_clean(_text(ld.get("headline")) or meta.get("og:title") or _title(root), root, meta),
        authors=_merged_authors(meta_authors[:1], ld_authors),
        published=_datetime(ld.get("datePublished"))
        or _datetime(meta.get("article:published_time"))
        or _datetime(meta.get("datepublished"))
        or _datetime(meta.get("dc.date.issued") or meta.get("dcterms.created")),
        modified=_datetime(ld.get("dateModified")) or _datetime(meta.get("article:modified_time")),
        description=meta.get("og:description") or meta.get("description") or _text(ld.get("description")),
        canonical_url=_canonical_link(root) or meta.get("og:url"),
        language=_language(root.get("lang") or _text(ld.get("inLanguage")) or meta.get("og:locale")),
        site_name=meta.get("og:site_name"),
        body=_text(ld.get("articleBody")),
    )


def _merged_authors(byline: tuple[str, ...], declared: tuple[str, ...]) -> tuple[str, ...]:
    # A news page's article:author is its visible byline, which credits agencies that the JSON-LD
    # (one entry per staff profile) leaves out; both together name everyone, the byline first.
    merged = list(byline)
    for name in declared:
        if name.lower() not in {m.lower() for m in merged}:
            merged.append(name)
    return tuple(merged)


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


def _clean(title: str | None, root: Any, meta: dict[str, str]) -> str | None:
    if not title:
        return None
    headings = tuple(" ".join(h.text_content().split()) for h in root.iter("h1"))[:_HEADINGS]
    return clean_title(title, site_name=meta.get("og:site_name"), headings=headings) or None


def _title(root: Any) -> str | None:
    title = root.find(".//title")
    return _text(title.text_content()) if title is not None else None


def _canonical_link(root: Any) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    return None


def _datetime(value: Any) -> dt.datetime | None:
    return dates.from_iso(_text(value))


def _language(value: str | None) -> str | None:
    match = _LANG.match(value.strip()) if value else None
    return match.group(0).lower() if match else None
