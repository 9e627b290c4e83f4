"""Third pipeline: the page (in a worker process), the source's own text, or the feed's as a stand-in."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from aggregator.crawl.candidate import Candidate
from aggregator.curate.duplicates import sketch
from aggregator.enums import ContentOrigin, ItemKind
from aggregator.errors import ExtractionError
from aggregator.extract.result import SUMMARY_CHARS, Extracted
from aggregator.text import first_sentences, html_to_text
from pipelines.base import HarvestPipeline


class ExtractPipeline(HarvestPipeline):
    """Fills title, author, date, language, text, summary and sketch; the source's metadata wins."""

    async def process_item(self, item: Candidate) -> Candidate:
        if item.html is not None:
            try:
                page = await self.harvest.extractor.extract(item.html, item.link, item.encoding)
            except ExtractionError as exc:
                item.fetch_error = str(exc)
                page = None
            else:
                if page is None:
                    item.fetch_error = "no article text found on the page"
            item.html = None  # the bytes are done with; do not carry them to storage
            if page is not None:
                _from_page(item, page)
                return item
        if item.body_text:
            _from_text(item, item.body_text, origin=ContentOrigin.API)
        elif item.kind == ItemKind.STORY:
            _from_text(item, item.excerpt or item.source_title, origin=ContentOrigin.BULLET)
        elif not (item.source_title or item.source_content_html or item.source_summary_html):
            # A bare link (from a sitemap or a listing) whose page failed: nothing worth keeping. The
            # error is counted; not being stored, the link is tried again on the next crawl.
            self.harvest.release(item.canonical_url)
            self.spider.tally(item.source_id).failed += 1
            raise DropItem(f"nothing to store for {item.link}", log_level="DEBUG")
        else:
            _from_text(
                item,
                html_to_text(item.source_content_html or item.source_summary_html),
                origin=ContentOrigin.FEED,
            )
            item.fetch_error = item.fetch_error or "article page not fetched"
        return item


def _from_page(item: Candidate, page: Extracted) -> None:
    # The source's title, byline and date are what its editors chose; the page's fill the gaps.
    item.title = item.source_title or page.title
    item.author = item.source_author or page.author
    item.published = item.source_published or page.published
    item.language = page.language or _language(item.source_language)
    item.text = page.text
    item.summary = page.summary
    item.sketch = page.sketch
    item.site_name = page.site_name
    item.alternates = page.alternates
    item.content_origin = ContentOrigin.ARTICLE


def _from_text(item: Candidate, text: str, *, origin: str) -> None:
    # Imported at first use: the language model (numpy and all) is the workers' to load, and a crawl
    # whose pages all go through them never needs it here.
    from aggregator.extract.language import detect_language

    summary_source = html_to_text(item.source_summary_html) or text
    item.title = item.source_title or item.link
    item.author = item.source_author
    item.published = item.source_published
    item.language = detect_language(text, hint=_language(item.source_language))
    item.text = text
    item.summary = first_sentences(summary_source, SUMMARY_CHARS)
    item.sketch = sketch(text) if origin == ContentOrigin.API else None
    item.content_origin = origin


def _language(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip().lower().replace("_", "-").split("-")[0] or None
