"""The feed spider: RSS, Atom or JSON Feed in, each new entry's article page followed and handed on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.crawl.candidate import Candidate
from aggregator.errors import FeedError
from aggregator.reader.feeds import FeedEntry, ParsedFeed, parse_feed
from aggregator.services.views import SourceView
from spiders.base import ONE_ITEM_PER_RESPONSE, SourceSpider

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


class FeedSpider(SourceSpider):
    """Reads each feed source (conditionally), then fetches the entries not already stored."""

    name = "feed"
    kind = "feed"
    custom_settings: dict[str, Any] | None = ONE_ITEM_PER_RESPONSE

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        yield self.feed_request(source)
        yield from self.retry_requests(source)

    def feed_request(self, source: SourceView, url: str | None = None) -> scrapy.Request:
        """Return the (conditional) request for a source's feed."""
        return self.source_request(source, url, callback=self.parse_feed, headers={"Accept": FEED_ACCEPT})

    def parse_feed(self, response: Response, source: SourceView) -> Iterator[scrapy.Request]:
        feed = self.read_feed(response, source)
        if feed is not None:
            candidates = [entry_candidate(source, entry, feed.language) for entry in feed.entries]
            yield from self.page_requests(self.unsettled(source, candidates))

    def read_feed(self, response: Response, source: SourceView) -> ParsedFeed | None:
        """Return the feed in a response, or None after counting a 304 or a feed error."""
        if self.not_modified(response, source):
            return None
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        try:
            feed = parse_feed(response.body, response.url, headers, max_entries=self.max_feed_entries)
        except FeedError as exc:
            self.fail(source.id, f"feed {response.url}: {exc}", source_level=True)
            return None
        for problem in feed.problems:
            self.warn(source.id, f"feed {response.url}: {problem}")
        self.keep_validators(response, source)
        return feed


def entry_candidate(source: SourceView, entry: FeedEntry, language: str | None) -> Candidate:
    """Return the candidate for one feed entry."""
    return Candidate(
        source_id=source.id,
        link=entry.link,
        guid=entry.guid,
        source_title=entry.title,
        source_author=entry.author,
        source_published=entry.published,
        source_summary_html=entry.summary_html,
        source_content_html=entry.content_html,
        source_language=language,
    )
