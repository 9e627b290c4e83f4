"""Sitemaps and news sitemaps (and their indexes), filtered by URL pattern and date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip

from aggregator import dates
from aggregator.crawl.candidate import Candidate
from aggregator.errors import FeedError
from aggregator.services.views import SourceView
from aggregator.xmlguard import refuse_entities
from spiders.base import ONE_ITEM_PER_RESPONSE, SourceSpider

_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
_MAX_DEPTH = 3
# No DTDs, no entities, no network: a sitemap is data from a stranger.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


class SitemapSpider(SourceSpider):
    """Reads a sitemap (or an index of them) and fetches the pages that pass its filters.

    Settings: ``url_pattern`` (a regular expression the URL must contain), ``since`` (an ISO date;
    default: ``since_days`` days ago, 30 unless set), ``max_urls`` (default 200 per sitemap).
    A URL with no date passes the date filter.
    """

    name = "sitemap"
    kind = "sitemap"
    custom_settings = ONE_ITEM_PER_RESPONSE

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        yield self.source_request(source, callback=self.parse_sitemap, cb_kwargs={"depth": 0})
        yield from self.retry_requests(source)

    def parse_sitemap(self, response: Response, source: SourceView, depth: int) -> Iterator[scrapy.Request]:
        if depth == 0 and self.not_modified(response, source):
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":
            body = gunzip(body, max_size=int(self.settings.getint("AGGREGATOR_MAX_PAGE_BYTES")))
        try:
            refuse_entities(body, what="the sitemap")
            root = etree.fromstring(body, _PARSER)
        except FeedError as exc:
            self.fail(source.id, f"sitemap {response.url}: {exc}", source_level=True)
            return
        except etree.XMLSyntaxError as exc:
            self.fail(source.id, f"sitemap {response.url}: not XML ({exc})", source_level=True)
            return
        if depth == 0:
            self.keep_validators(response, source)
        since = _since(source)
        name = etree.QName(root).localname
        if name == "sitemapindex":
            if depth >= _MAX_DEPTH:
                return
            for node in root.iterfind("sm:sitemap", _NS):
                loc = (node.findtext("sm:loc", namespaces=_NS) or "").strip()
                modified = dates.from_iso(node.findtext("sm:lastmod", namespaces=_NS))
                if loc and (modified is None or since is None or modified >= since):
                    yield scrapy.Request(
                        response.urljoin(loc),
                        callback=self.parse_sitemap,
                        errback=self.source_failed,
                        cb_kwargs={"source": source, "depth": depth + 1},
                    )
        elif name == "urlset":
            candidates = list(self._candidates(source, root, since))
            yield from self.page_requests(self.unsettled(source, candidates[: source.number("max_urls")]))
        else:
            self.fail(source.id, f"sitemap {response.url}: <{name}> is not a sitemap", source_level=True)

    def _candidates(self, source: SourceView, root: Any, since: dt.datetime | None) -> Iterator[Candidate]:
        pattern = source.text("url_pattern")
        matcher = re.compile(pattern) if pattern else None
        for node in root.iterfind("sm:url", _NS):
            loc = (node.findtext("sm:loc", namespaces=_NS) or "").strip()
            if not loc or (matcher is not None and not matcher.search(loc)):
                continue
            published = dates.from_iso(node.findtext("news:news/news:publication_date", namespaces=_NS))
            when = published or dates.from_iso(node.findtext("sm:lastmod", namespaces=_NS))
            if since is not None and when is not None and when < since:
                continue
            yield Candidate(
                source_id=source.id,
                link=loc,
                source_title=(node.findtext("news:news/news:title", namespaces=_NS) or "").strip(),
                source_published=published,
                source_language=node.findtext("news:news/news:publication/news:language", namespaces=_NS),
            )


def _since(source: SourceView) -> dt.datetime | None:
    given = source.day("since")
    if given is not None:
        return given
    days = source.number("since_days")
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days) if days else None
