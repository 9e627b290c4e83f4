"""A page's publication date: the date it shows under its heading, its structured date, htmldate's guess.

Measured on both corpora (bench/README.md, section 1b), against the date a reader sees:

* the date written in the few short lines around the main heading ("2. November 2021", "Dec 17,
  2025", "17.05.2021") is the most often right: structured dates are often another version's (a
  JSON-LD datePublished of the first draft, a site-wide template date), and many pages (press
  releases, small blogs) declare none;
* then the structured date (JSON-LD, article:published_time, ...);
* then a date written further from the heading (within 40 lines after it, 15 before), then
  htmldate's quick search (markup only: its extensive free-text search cost 13.8 ms a page). The
  other way round scored 0.892 / 0.847 (trafilatura subset / WCXB) instead of 0.895 / 0.850 (cached
  candidates), and htmldate, the dearest reader, runs on fewer pages.

On forums the first post's ``<time datetime>`` is the thread's date; the other dates near the heading
are the last reply's or the last edit's. Every date is read by aggregator/dates.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from htmldate import find_date
from lxml import etree

from aggregator import dates
from aggregator.extract.metadata import PageMetadata
from aggregator.extract.page_kind import Kind

# Lines (text nodes) after and before the first h1 within which a short written date is the page's.
NEAR_AFTER = 10
NEAR_BEFORE = 1
NEAR_CHARS = 40
# The wider window, trusted only when nothing else dates the page; lines longer than this are prose.
FAR_AFTER = 40
FAR_BEFORE = 15
FAR_CHARS = 80
_FOLLOWING = etree.XPath("following::text()[normalize-space()][position() <= $n]")
_PRECEDING = etree.XPath("preceding::text()[normalize-space()][position() <= $n]")
_NOT_SHOWN = frozenset({"script", "style", "noscript", "template", "option", "title"})


def page_date(tree: Any, url: str | None, meta: PageMetadata, kind: Kind) -> dt.datetime | None:
    """Return the date the page was published, or None when nothing on it says."""
    if kind == "forum":
        first_post = _first_time(tree)
        if first_post is not None:
            return first_post
    heading = next(tree.iter("h1"), None)
    after = _written_dates(_FOLLOWING(heading, n=FAR_AFTER)) if heading is not None else []
    before = _written_dates(_PRECEDING(heading, n=FAR_BEFORE)) if heading is not None else []
    near = [
        (line, date)
        for lines, limit in ((after, NEAR_AFTER), (before, NEAR_BEFORE))
        for line, date, chars in lines[:1]
        if line < limit and chars <= NEAR_CHARS
    ]
    if near:
        shown = min(near, key=lambda found: found[0])[1]
        # The structured date of the same day is the same date, to the second.
        declared = (meta.published, meta.modified)
        return next((d for d in declared if d is not None and d.date() == shown.date()), shown)
    if meta.published is not None:
        return meta.published
    far = [(line, date) for lines in (after, before) for line, date, _ in lines[:1]]
    if far:
        return min(far, key=lambda found: found[0])[1]
    return _htmldate(tree, url)


def _written_dates(lines: list[Any]) -> list[tuple[int, dt.datetime, int]]:
    """Return (line number, date, line length) of the short lines in ``lines`` holding a date."""
    found = []
    for number, line in enumerate(lines):
        parent = line.getparent()
        element = parent.getparent() if line.is_tail and parent is not None else parent
        text = str(line).strip()
        if element is None or element.tag in _NOT_SHOWN or len(text) > FAR_CHARS:
            continue
        date = dates.from_text(text)
        if date is not None:
            found.append((number, date, len(text)))
    return found


def _first_time(tree: Any) -> dt.datetime | None:
    for element in tree.iter("time"):
        date = dates.parse(element.get("datetime"))
        if date is not None:
            return date
    return None


def _htmldate(tree: Any, url: str | None) -> dt.datetime | None:
    # Not htmldate's extensive search: it parses free-text dates in many languages and costs as much
    # as the text extraction itself.
    found = find_date(
        tree,
        url=url,
        original_date=True,
        extensive_search=False,
        max_date=dt.date.today().isoformat(),
    )
    return dates.from_iso(found)
