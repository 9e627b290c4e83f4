"""The versions of a page in other languages, as the page itself announces them.

Bilingual sites say where a piece's other version is in three ways, read here in this order of trust:

* ``<link rel="alternate" hreflang="cy" href="...">`` in the head (the HTML standard's way; WordPress's
  Polylang and WPML both print it for every translation that exists);
* a language switcher's links marked with ``hreflang`` (Polylang's ``li.lang-item a[hreflang]``);
* WPML's switcher (``li.wpml-ls-item-cy a``), whose links carry the language only in the item's class.

Switchers are read only when the head announces nothing: a switcher on a page without a translation
links the other language's home page instead, so a link to a site's root (``/``, ``/cy/``, ``/?lang=cy``)
is never taken for a version of the page. ``x-default`` names no language and is skipped.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from aggregator.errors import InvalidInput
from aggregator.urls import absolute_http, canonical_url

_LANG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)
_WPML_ITEM = re.compile(r"\bwpml-ls-item-([a-z]{2,3})(?:-[a-z0-9]+)?\b", re.IGNORECASE)
_LANGUAGE_ROOT = re.compile(r"^/(?:[a-z]{2,3}(?:[-_][a-z]{2})?/?)?$", re.IGNORECASE)
# The anchors a switcher may mark: with an hreflang, or in a list item whose class may be WPML's (the
# regular expression above decides). Chosen by XPath in C: a Python loop over every link of the page
# cost more than the rest of this module.
_SWITCHER_ANCHORS = etree.XPath(
    "//a[@hreflang or ancestor::li[1][contains(translate(@class, 'WPMLSITE', 'wpmlsite'), 'wpml-ls-item')]]"
)
# At most this many alternates are kept of one page (a switcher of every EU language stays bounded).
MAX_ALTERNATES = 12


def read_alternates(root: Any, url: str | None) -> tuple[tuple[str, str], ...]:
    """Return (language, canonical URL) of each version in another language ``root`` announces."""
    base = url or ""
    found = _head_links(root, base) or _switcher_links(root, base)
    own = _canonical(base) if base else None
    kept: dict[str, str] = {}
    for language, link in found:
        if link != own and not _is_site_root(link) and language not in kept:
            kept[language] = link
    return tuple(list(kept.items())[:MAX_ALTERNATES])


def _head_links(root: Any, base: str) -> list[tuple[str, str]]:
    found = []
    for link in root.iter("link"):
        if "alternate" in (link.get("rel") or "").lower().split():
            pair = _pair(link.get("hreflang"), link.get("href"), base)
            if pair is not None:
                found.append(pair)
    return found


def _switcher_links(root: Any, base: str) -> list[tuple[str, str]]:
    found = []
    for anchor in _SWITCHER_ANCHORS(root):
        language = anchor.get("hreflang")
        if not language:
            item = next(anchor.iterancestors("li"), None)
            match = _WPML_ITEM.search(item.get("class") or "") if item is not None else None
            language = match.group(1) if match else None
        pair = _pair(language, anchor.get("href"), base)
        if pair is not None:
            found.append(pair)
    return found


def _pair(language: str | None, href: str | None, base: str) -> tuple[str, str] | None:
    match = _LANG.match((language or "").strip())
    if match is None or not href:
        return None
    link = absolute_http(href, base)
    canon = _canonical(link) if link else None
    return (match.group(1).lower(), canon) if canon else None


def _canonical(url: str) -> str | None:
    try:
        return canonical_url(url)
    except InvalidInput:
        return None


def _is_site_root(url: str) -> bool:
    parts = urlsplit(url)
    query = [key for key, _ in parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    return not query and _LANGUAGE_ROOT.match(parts.path or "/") is not None
