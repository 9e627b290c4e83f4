"""A page that lists articles, for sites without a feed: the curator's selectors say where the links are."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from parsel import Selector
from scrapy.http import Response

from aggregator.crawl.candidate import Candidate
from aggregator.services.views import SourceView
from aggregator.urls import absolute_http, host_of
from spiders.base import ONE_ITEM_PER_RESPONSE, SourceSpider


class ListingSpider(SourceSpider):
    """Follows the links a listing page's ``links`` selector picks, then its ``next`` link, page by page.

    Settings: ``links`` (CSS) or ``links_xpath``; optional ``next`` (CSS) or ``next_xpath``;
    ``max_pages`` (default 3); ``same_site`` (default true: links to other hosts are ignored).
    """

    name = "listing"
    kind = "listing"
    custom_settings = ONE_ITEM_PER_RESPONSE

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        if not (source.text("links") or source.text("links_xpath")):
            self.fail(
                source.id,
                "a listing source needs a `links` CSS selector (or `links_xpath`)",
                source_level=True,
            )
            return
        yield self.source_request(source, callback=self.parse_listing, cb_kwargs={"page": 1})
        yield from self.retry_requests(source)

    def parse_listing(self, response: Response, source: SourceView, page: int) -> Iterator[scrapy.Request]:
        if page == 1:
            if self.not_modified(response, source):
                return
            self.keep_validators(response, source)
        try:
            links = _select(response, source.text("links"), source.text("links_xpath"))
        except ValueError as exc:
            self.fail(source.id, f"bad selector: {exc}", source_level=True)
            return
        host = host_of(response.url)
        same_site = source.flag("same_site")
        candidates = [
            Candidate(source_id=source.id, link=url)
            for url in (absolute_http(href, response.url) for href in links)
            if url is not None and (not same_site or host_of(url) == host)
        ]
        fresh = self.unsettled(source, candidates)
        yield from self.page_requests(fresh)
        next_links = _select(response, source.text("next"), source.text("next_xpath"))
        # Listings run newest first: a page with nothing new means the older pages are known too.
        following = absolute_http(next_links[0], response.url) if next_links else None
        if fresh and following and page < source.number("max_pages"):
            yield scrapy.Request(
                following,
                callback=self.parse_listing,
                errback=self.source_failed,
                cb_kwargs={"source": source, "page": page + 1},
            )


def _select(response: Response, css: str | None, xpath: str | None) -> list[str]:
    """Return the hrefs the selector picks: of the elements themselves, or of the links inside them."""
    if not css and not xpath:
        return []
    selector: Any = Selector(text=response.text) if not isinstance(response, Selector) else response
    try:
        nodes = selector.css(css) if css else selector.xpath(xpath)
    except Exception as exc:  # noqa: BLE001 (cssselect and lxml raise many kinds for a bad expression)
        raise ValueError(str(exc)) from None
    hrefs: list[str] = []
    for node in nodes:
        if isinstance(node.root, str):
            hrefs.append(node.root.strip())
            continue
        href = node.attrib.get("href") or node.css("a::attr(href)").get()
        if href:
            hrefs.append(href.strip())
    return hrefs
