"""Page titles without the site's name: "Story | Section | Site" becomes "Story".

Titles in ``<title>`` and ``og:title`` usually carry the site's name and sometimes a section, joined by
a spaced separator. When the page shows a main heading that the title holds, that heading is the
title; otherwise parts at either end that name the site (``og:site_name``) are dropped.
"""

from __future__ import annotations

import html
import re

# Only separators with spaces around them: "Covid-19" and "Ja: nein" are titles, not joins.
_SEPARATOR = re.compile(r"(\s+[|–—»·•:-]\s+)")
# A heading shorter than this ("News", "Blog") is a section label, not the article's title.
_MIN_HEADING = 12


def clean_title(title: str, *, site_name: str | None = None, headings: tuple[str, ...] = ()) -> str:
    """Return ``title`` unescaped and without the parts at either end that name the site."""
    if "&" in title:
        # Some sites escape their titles twice; one unescape is what the browser shows.
        title = " ".join(html.unescape(title).split())
    key = _key(title)
    for heading in headings:
        # The heading the page shows, when the title holds it whole, is the title without additions.
        if len(heading) >= _MIN_HEADING and _key(heading) in key and _key(heading) != key:
            return heading
    site = _key(site_name or "")
    if not site:
        return title
    # parts alternate text, separator, text...; only whole parts at either end are dropped.
    parts = _SEPARATOR.split(title)
    while len(parts) > 2 and _names_site(parts[-1], site):
        parts = parts[:-2]
    while len(parts) > 2 and _names_site(parts[0], site):
        parts = parts[2:]
    return "".join(parts).strip()


def _names_site(part: str, site: str) -> bool:
    text = _key(part)
    return bool(text) and (text in site or site in text)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
