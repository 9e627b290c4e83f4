"""The Guardian: its Content API (with a key), else its section and tag RSS feeds.

The API gives the body text, so no article page is fetched. Every call goes through one download
slot with its own delay (about one call a second on the free tier); 429s are waited out by the
Retry-After middleware.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from aggregator import dates
from aggregator.crawl.candidate import Candidate
from aggregator.crawl.settings import GUARDIAN_API_SLOT
from aggregator.services.views import SourceView
from aggregator.text import html_to_text
from aggregator.urls import without_secrets
from spiders.feed import FeedSpider

# ``body`` is the article's HTML, paragraphs and headings kept; ``bodyText`` runs them together into
# one paragraph, so it only stands in when a response has no ``body``.
SHOW_FIELDS = "trailText,headline,byline,body,bodyText,lastModified"
_API_HOST = "content.guardianapis.com"
_FILTERS = ("q", "tag", "section")


class GuardianSpider(FeedSpider):
    """Pages through a Content API search; without a key, reads the matching RSS feed instead."""

    name = "guardian"
    kind = "guardian"
    # Its API pages yield many items at once: the project's CONCURRENT_ITEMS, not the feed's one.
    custom_settings = None

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        key = self.settings.get("AGGREGATOR_GUARDIAN_API_KEY") or ""
        if key:
            yield self._api_request(source, key, page=1)
        else:
            rss = rss_url(source)
            if rss is None:
                self.fail(
                    source.id,
                    "a Guardian search needs AGGREGATOR_GUARDIAN_API_KEY; give a tag or section to use RSS",
                    source_level=True,
                )
            else:
                yield self.feed_request(source, rss)
        yield from self.retry_requests(source)

    def _api_request(self, source: SourceView, key: str, page: int) -> scrapy.Request:
        parts = urlsplit(source.url)
        params = [*search_params(source, page), ("api-key", key)]
        url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/search", urlencode(params), ""))
        meta = {"download_slot": GUARDIAN_API_SLOT}
        return self.api_page_request(
            source, url, page, callback=self.parse_api, cb_kwargs={"key": key}, meta=meta
        )

    def parse_api(self, response: Response, source: SourceView, key: str, page: int) -> Iterator[Any]:
        if page == 1 and self.not_modified(response, source):
            return
        try:
            data = json.loads(response.body)["response"]
            results = data["results"]
        except (ValueError, KeyError, TypeError):
            self.fail(
                source.id, f"{without_secrets(response.url)}: not a Content API answer", source_level=True
            )
            return
        if data.get("status") != "ok":
            status = data.get("status")
            self.fail(source.id, f"{without_secrets(response.url)}: API status {status!r}", source_level=True)
            return
        if page == 1:
            self.keep_validators(response, source, own=True)
        candidates = [result_candidate(source, r) for r in results if isinstance(r, dict) and r.get("webUrl")]
        fresh = self.unsettled(source, candidates)
        yield from fresh
        last_page = min(int(data.get("pages") or 1), source.number("max_pages"))
        # Results come newest first: a page with nothing new means the rest is known too.
        if fresh and page < last_page:
            yield self._api_request(source, key, page + 1)


def search_params(source: SourceView, page: int) -> list[tuple[str, str]]:
    """Return the Content API query of a source: its URL's filters, its settings, paging and fields."""
    given = dict(parse_qsl(urlsplit(source.url).query))
    params = [(name, given[name]) for name in _FILTERS if given.get(name)]
    for name in _FILTERS:
        value = source.text(name)
        if value and name not in given:
            params.append((name, value))
    since = source.day("from_date")
    if since is not None:
        params.append(("from-date", since.date().isoformat()))
    params += [
        ("page-size", str(source.number("page_size"))),
        ("page", str(page)),
        ("order-by", "newest"),
        ("show-fields", SHOW_FIELDS),
    ]
    return params


def rss_url(source: SourceView) -> str | None:
    """Return the RSS feed that stands in for the API without a key, or None for a plain search."""
    configured = source.text("rss")
    if configured:
        return configured
    parts = urlsplit(source.url)
    is_api = (parts.hostname or "").lower() == _API_HOST or parts.path.rstrip("/").endswith("/search")
    if not is_api and parts.path.strip("/"):
        page = parts.path.rstrip("/")
        return source.url if page.endswith("/rss") else f"{parts.scheme}://{parts.netloc}{page}/rss"
    given = dict(parse_qsl(parts.query))
    path = given.get("tag") or given.get("section") or source.text("tag") or source.text("section")
    return f"https://www.theguardian.com/{path.strip('/')}/rss" if path else None


def result_candidate(source: SourceView, result: dict[str, Any]) -> Candidate:
    """Return the candidate for one Content API result."""
    fields = result.get("fields") if isinstance(result.get("fields"), dict) else {}
    assert isinstance(fields, dict)
    return Candidate(
        source_id=source.id,
        link=str(result["webUrl"]),
        guid=str(result.get("id") or result["webUrl"]),
        source_title=str(fields.get("headline") or result.get("webTitle") or ""),
        source_author=str(fields["byline"]) if fields.get("byline") else None,
        source_published=dates.from_iso(result.get("webPublicationDate")),
        source_summary_html=str(fields.get("trailText") or ""),
        body_text=html_to_text(str(fields.get("body") or "")) or str(fields.get("bodyText") or "") or None,
        source_language="en",
    )
