"""What extraction returns, apart from the extractor: the crawl's own process reads it without
importing trafilatura, whose import (with py3langid's numpy, about 0.2 s) is the extraction
workers' to pay, not every crawl's, a recrawl that fetches no page included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The longest summary, in characters.
SUMMARY_CHARS = 320


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
    site_name: str | None = None
    # (language, canonical URL) of each version in another language the page announces
    alternates: tuple[tuple[str, str], ...] = ()
    # The page's kind as the extractor judged it (article, listing, forum, ...; page_kind.py).
    kind: str | None = None
