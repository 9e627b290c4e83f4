"""A WordPress site through its REST API (full text, no page fetch), its /feed/ RSS as the fallback."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from html import unescape
from typing import Any
from urllib.parse import urlencode, urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from aggregator import dates
from aggregator.crawl.candidate import Candidate
from aggregator.services.views import SourceView
from aggregator.text import html_to_text
from spiders.feed import FeedSpider

_API_PATH = "wp-json/wp/v2/posts"


class WordPressSpider(FeedSpider):
    """Pages through ``/wp-json/wp/v2/posts``; a site whose API is off or hidden is read from its feed."""

    name = "wordpress"
    kind = "wordpress"
    # Its API pages yield many items at once: the project's CONCURRENT_ITEMS, not the feed's one.
    custom_settings = None

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        yield self._api_request(source, page=1)
        yield from self.retry_requests(source)

    def _api_request(self, source: SourceView, page: int) -> scrapy.Request:
        params: list[tuple[str, str]] = [
            ("per_page", str(source.number("per_page"))),
            ("page", str(page)),
            ("_embed", "author"),
        ]
        for name in ("categories", "tags"):
            ids = source.values(name)
            if ids:
                params.append((name, ",".join(ids)))
        url = f"{urljoin(_site_root(source.url), _API_PATH)}?{urlencode(params)}"
        meta = {"handle_httpstatus_all": True}
        return self.api_page_request(
            source, url, page, callback=self.parse_api, errback=self._api_failed, meta=meta
        )

    def parse_api(self, response: Response, source: SourceView, page: int) -> Iterator[Any]:
        if page == 1 and self.not_modified(response, source):
            return
        posts = _posts(response)
        if posts is None:
            if page == 1:
                # No usable API (disabled, behind a login, not WordPress after all): the feed then.
                yield self.feed_request(source, _feed_url(source))
            # Past the last page WordPress answers 400 rest_post_invalid_page_number: simply done.
            return
        if page == 1:
            self.keep_validators(response, source, own=True)
        fresh = self.unsettled(source, [post_candidate(source, post) for post in posts if post.get("link")])
        yield from fresh
        total = _int_header(response, b"X-WP-TotalPages") or page
        if fresh and page < min(total, source.number("max_pages")):
            yield self._api_request(source, page + 1)

    def _api_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        source: SourceView = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        if failure.request.cb_kwargs["page"] == 1:  # type: ignore[attr-defined]
            yield self.feed_request(source, _feed_url(source))
        else:
            self.source_failed(failure)


def post_candidate(source: SourceView, post: dict[str, Any]) -> Candidate:
    """Return the candidate for one REST API post."""
    embedded = post.get("_embedded") if isinstance(post.get("_embedded"), dict) else {}
    authors = embedded.get("author") if isinstance(embedded, dict) else None
    author = (
        authors[0].get("name")
        if isinstance(authors, list) and authors and isinstance(authors[0], dict)
        else None
    )
    content = _rendered(post.get("content"))
    guid = _rendered(post.get("guid")) or None
    return Candidate(
        source_id=source.id,
        link=str(post["link"]),
        # The same ?p=ID guid the site's RSS uses, so the API and the feed recognise each other's posts.
        guid=unescape(guid) if guid else None,
        source_title=html_to_text(_rendered(post.get("title"))),
        source_author=str(author) if author else None,
        source_published=dates.from_iso(post.get("date_gmt")),
        source_summary_html=_rendered(post.get("excerpt")),
        source_content_html=content,
        body_text=html_to_text(content) or None,
        source_language=str(post["lang"]) if isinstance(post.get("lang"), str) else None,
    )


def _posts(response: Response) -> list[dict[str, Any]] | None:
    if response.status != 200:
        return None
    try:
        data = json.loads(response.body)
    except ValueError:
        return None
    if not isinstance(data, list):
        return None
    return [post for post in data if isinstance(post, dict)]


def _rendered(field: Any) -> str:
    if isinstance(field, dict):
        return str(field.get("rendered") or "")
    return str(field or "")


def _int_header(response: Response, name: bytes) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _site_root(url: str) -> str:
    return url if url.endswith("/") else f"{url}/"


def _feed_url(source: SourceView) -> str:
    return urljoin(_site_root(source.url), "feed/")
