"""Extraction pipeline: turns a fetched page (or, failing that, the feed's own content) into a Harvested."""

from __future__ import annotations

from scrapy.crawler import Crawler

from aggregator.errors import ExtractionError
from aggregator.extract import SUMMARY_CHARS, Extracted, extract
from aggregator.items import Harvested
from aggregator.text import first_sentences, html_to_text
from spiders.items import ArticleItem


class ExtractPipeline:
    """Runs trafilatura on the page; the feed's title, author and date win where the feed has them."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler.settings.getint("AGGREGATOR_MAX_PAGE_BYTES"))

    def process_item(self, item: ArticleItem) -> Harvested:
        page: Extracted | None = None
        error = item.fetch_error
        if item.html is not None:
            try:
                page = extract(item.html, item.link, max_bytes=self.max_bytes)
            except ExtractionError as exc:
                error = str(exc)
            else:
                if page is None:
                    error = "no article text found on the page"
        if page is not None:
            return Harvested(
                source_id=item.source_id,
                url=item.link,
                guid=item.guid,
                title=item.feed_title or page.title,
                author=item.feed_author or page.author,
                published=item.feed_published or page.published,
                language=page.language or _language(item.feed_language),
                text=page.text,
                summary=page.summary,
                content_origin="article",
            )
        text = html_to_text(item.feed_content_html or item.feed_summary_html)
        summary_source = html_to_text(item.feed_summary_html) or text
        return Harvested(
            source_id=item.source_id,
            url=item.link,
            guid=item.guid,
            title=item.feed_title or item.link,
            author=item.feed_author,
            published=item.feed_published,
            language=_language(item.feed_language),
            text=text,
            summary=first_sentences(summary_source, SUMMARY_CHARS),
            content_origin="feed",
            fetch_error=error or "article page not fetched",
        )


def _language(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip().lower().replace("_", "-").split("-")[0] or None
