"""Newsletters: each issue is stored as itself and split into one candidate per linked story.

The source is either a feed of issues (a Mailchimp campaign archive, where each item holds the whole
email) or one issue's web page (a newsletter republished as a post).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from aggregator.crawl.candidate import Candidate
from aggregator.enums import ItemKind
from aggregator.errors import FeedError
from aggregator.reader.feeds import FeedEntry, parse_feed
from aggregator.reader.newsletters import Story, read_issue
from aggregator.services.views import SourceView
from spiders.base import SourceSpider
from spiders.feed import FEED_ACCEPT, entry_candidate


class NewsletterSpider(SourceSpider):
    """Stores each new issue with its stories; ``stories`` (CSS) overrides where the stories are."""

    name = "newsletter"
    kind = "newsletter"

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        yield self.source_request(source, callback=self.parse_source, headers={"Accept": FEED_ACCEPT})

    def parse_source(self, response: Response, source: SourceView) -> Iterator[Any]:
        if self.not_modified(response, source):
            return
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        try:
            feed = parse_feed(response.body, response.url, headers, max_entries=self.max_feed_entries)
        except FeedError:
            feed = None
        self.keep_validators(response, source)
        if feed is None:
            # Not a feed: the page is one issue.
            self.tally(source.id).fetched += 1
            issue = Candidate(source_id=source.id, link=response.url, kind=ItemKind.NEWSLETTER)
            issue.html = response.body
            issue.encoding = getattr(response, "encoding", None)
            stories = self._read(source, issue, response.text)
            yield issue
            yield from self._stories(source, issue.link, stories)
            return
        issues = [self._issue(source, entry, feed.language) for entry in feed.entries]
        for issue, entry in zip(issues, feed.entries, strict=True):
            if issue in self.unsettled(source, [issue]):
                stories = self._read(source, issue, entry.content_html or entry.summary_html)
                yield issue
                yield from self._stories(source, issue.link, stories, entry.published)

    def _issue(self, source: SourceView, entry: FeedEntry, language: str | None) -> Candidate:
        issue = entry_candidate(source, entry, language)
        issue.kind = ItemKind.NEWSLETTER
        if entry.content_html:
            # The feed holds the whole email: that is the issue's page.
            issue.html = entry.content_html.encode("utf-8")
            issue.encoding = "utf-8"
        return issue

    def _read(self, source: SourceView, issue: Candidate, html: str) -> tuple[Story, ...]:
        """Keep the issue's intro and bullets on its candidate; return its stories."""
        read = read_issue(html, issue.link, source.text("stories"))
        issue.issue_intro = "\n\n".join(read.intro)
        issue.bullets = read.stories
        return read.stories

    def _stories(
        self,
        source: SourceView,
        issue_url: str,
        stories: tuple[Story, ...],
        published: dt.datetime | None = None,
    ) -> Iterator[Candidate]:
        for position, story in enumerate(stories, start=1):
            yield Candidate(
                source_id=source.id,
                link=story.url,
                kind=ItemKind.STORY,
                source_title=story.title or story.link_words,
                excerpt=story.text,
                parent_url=issue_url,
                position=position,
                source_published=published,
            )
