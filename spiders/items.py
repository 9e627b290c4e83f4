"""What a spider hands to the pipelines: an article page (or the reason it could not be had)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(slots=True)
class ArticleItem:
    """A feed entry and, when the page answered, the page's bytes."""

    source_id: int
    link: str
    guid: str | None
    feed_title: str
    feed_author: str | None
    feed_published: dt.datetime | None
    feed_summary_html: str
    feed_content_html: str
    feed_language: str | None
    html: bytes | None = None
    fetch_error: str | None = None
