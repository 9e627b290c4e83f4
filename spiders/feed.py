"""The feed spider: RSS, Atom or JSON Feed in, each new entry's article page followed and handed on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from aggregator.errors import FeedError
from aggregator.feeds import FeedEntry, parse_feed
from aggregator.harvest import Validators
from aggregator.items import RetryCandidate
from aggregator.sources import SourceView
from aggregator.urls import canonical_url
from spiders.base import SourceSpider
from spiders.items import ArticleItem


class FeedSpider(SourceSpider):
    """Reads each feed source (conditionally), then fetches the entries not already stored."""

    name = "feed"
    kind = "feed"

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        headers: dict[str, str] = {"Accept": _FEED_ACCEPT}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        yield scrapy.Request(
            source.url,
            headers=headers,
            callback=self.parse_feed,
            errback=self.feed_failed,
            cb_kwargs={"source": source},
            meta={"handle_httpstatus_list": [304]},
            dont_filter=True,
            priority=10,
        )
        # Pages that failed on earlier crawls are retried whether or not the feed has changed.
        for candidate in self.harvest.core.items.retry_candidates(source.id):
            yield self._article_request(source, _entry_from_retry(candidate))

    def parse_feed(self, response: Response, source: SourceView) -> Iterator[scrapy.Request]:
        tally = self.tally(source.id)
        if response.status == 304:
            tally.not_modified = True
            self.harvest.changed(source.id)
            return
        headers = {
            k.decode("latin-1").lower(): v[0].decode("latin-1") for k, v in response.headers.items() if v
        }
        try:
            feed = parse_feed(response.body, response.url, headers)
        except FeedError as exc:
            self.fail(source.id, f"feed {response.url}: {exc}", source_level=True)
            return
        self.harvest.feed_read(
            source.id, Validators(etag=headers.get("etag"), last_modified=headers.get("last-modified"))
        )
        unique: dict[str, FeedEntry] = {}
        for entry in feed.entries:
            unique.setdefault(canonical_url(entry.link), entry)
        tally.entries = len(unique)
        settled = self.harvest.core.items.settled(source.id, [(c, e.guid) for c, e in unique.items()])
        tally.duplicates += len(settled)
        self.harvest.changed(source.id)
        for canon, entry in unique.items():
            if canon not in settled:
                yield self._article_request(source, entry, feed.language)

    def feed_failed(self, failure: Failure) -> None:
        source: SourceView = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        self.fail(source.id, f"feed {source.url}: {self.failure_text(failure)}", source_level=True)

    def _article_request(
        self, source: SourceView, entry: FeedEntry, language: str | None = None
    ) -> scrapy.Request:
        return scrapy.Request(
            entry.link,
            callback=self.parse_article,
            errback=self.article_failed,
            cb_kwargs={"item": _item(source, entry, language)},
        )

    def parse_article(self, response: Response, item: ArticleItem) -> Iterator[ArticleItem]:
        self.tally(item.source_id).fetched += 1
        item.html = response.body
        yield item

    def article_failed(self, failure: Failure) -> Iterator[ArticleItem]:
        item: ArticleItem = failure.request.cb_kwargs["item"]  # type: ignore[attr-defined]
        reason = self.failure_text(failure)
        self.fail(item.source_id, f"article {item.link}: {reason}")
        # The entry is stored from the feed's own content and fetched again on a later crawl.
        item.fetch_error = reason
        yield item


_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


def _item(source: SourceView, entry: FeedEntry, language: str | None) -> ArticleItem:
    return ArticleItem(
        source_id=source.id,
        link=entry.link,
        guid=entry.guid,
        feed_title=entry.title,
        feed_author=entry.author,
        feed_published=entry.published,
        feed_summary_html=entry.summary_html,
        feed_content_html=entry.content_html,
        feed_language=language,
    )


def _entry_from_retry(candidate: RetryCandidate) -> FeedEntry:
    return FeedEntry(
        link=candidate.url,
        guid=candidate.guid,
        title=candidate.title,
        author=candidate.author,
        published=candidate.published,
        content_html=candidate.text_html,
    )
