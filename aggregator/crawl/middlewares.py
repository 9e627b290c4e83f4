"""Downloader middlewares: the address guard, robots.txt that fails closed, and Retry-After."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.response import get_meta_refresh
from twisted.internet.defer import Deferred

from aggregator import dates
from aggregator.errors import FetchError
from aggregator.netguard import Network, check_url, parse_networks
from aggregator.urls import absolute_http


class AddressGuardMiddleware:
    """Drops a request whose URL is not http(s) or resolves to a non-public address.

    Redirects are new requests that pass through downloader middlewares again, so a public URL that
    redirects to 169.254.169.254 is stopped here too.
    """

    def __init__(self, allow_private: bool, allowed: tuple[Network, ...] = ()) -> None:
        self.allow_private = allow_private
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        allowed = parse_networks(crawler.settings.get("AGGREGATOR_ALLOWED_NETWORKS") or "")
        return cls(crawler.settings.getbool("AGGREGATOR_ALLOW_PRIVATE_NETWORKS"), allowed)

    def process_request(self, request: Request) -> Any:
        try:
            check_url(request.url, allow_private=self.allow_private, allowed=self.allowed)
        except FetchError as exc:
            raise IgnoreRequest(str(exc)) from exc
        return None


class _Unreachable(RobotParser):
    """Stands for a robots.txt that could not be read: everything is disallowed (RFC 9309, 2.3.1.4)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        raise NotImplementedError

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class StrictRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Obeys robots.txt, and treats one that cannot be fetched (timeout, 5xx) as disallowing all.

    Scrapy's own middleware allows everything then; a 4xx still means "no robots.txt, no rules".
    """

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._settle(netloc, _Unreachable(f"robots.txt answered HTTP {response.status}"))
            return
        if response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        reason = str(exc) or type(exc).__name__
        self._settle(netloc, _Unreachable(f"robots.txt could not be fetched ({reason})"))

    def _settle(self, netloc: str, parser: RobotParser) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, _Unreachable):
            raise IgnoreRequest(f"{rp.reason}; treated as disallowing everything")
        super().process_request_2(rp, request)


class RetryAfterMiddleware:
    """Waits out a 429 or 503 that says how long to wait, then asks again (a few times at most).

    Scrapy's RetryMiddleware retries these at once, which is what a rate limiter punishes. A wait
    longer than ``AGGREGATOR_RETRY_AFTER_MAX`` is not waited: the request fails, saying when to retry.
    """

    STATUSES = (429, 503)
    MAX_TIMES = 3

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getfloat("AGGREGATOR_RETRY_AFTER_MAX"))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.STATUSES:
            return response
        delay = retry_after_seconds(response.headers.get(b"Retry-After"))
        if delay is None:
            return response
        times = int(request.meta.get("retry_after_times", 0))
        if delay > self.max_wait or times >= self.MAX_TIMES:
            # Kept for the source's schedule: the next crawl is not sooner than the server asked.
            request.meta["retry_after"] = delay
            raise IgnoreRequest(f"HTTP {response.status}: the server asks to retry after {delay:g}s")
        await asyncio.sleep(delay)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = times + 1
        return retry


def retry_after_seconds(value: bytes | None, now: dt.datetime | None = None) -> float | None:
    """Return the wait a Retry-After header asks for (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    # An HTTP date: in the future is what it is meant to be.
    when = dates.from_rfc822(text, future_ok=True)
    if when is None:
        return None
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class HttpMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh, except that a refresh to a non-web URL leaves the page as it is.

    Scrapy builds the new request before looking at its scheme, and a ``mailto:`` (or ``tel:``)
    refresh raised there: the page was never handed on, retries included. Such a refresh is no
    redirect a crawler can follow, so the page itself is what there is to read.
    """

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if isinstance(response, HtmlResponse):
            try:
                _, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            except ValueError:  # a refresh URL urllib cannot even split
                return response
            if url and absolute_http(url, response.url) is None:
                return response
        return super().process_response(request, response)
