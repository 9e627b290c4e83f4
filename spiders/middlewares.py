"""Downloader middleware that keeps crawls off private networks, on the first request and every redirect."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from aggregator.errors import FetchError
from aggregator.netguard import check_url


class AddressGuardMiddleware:
    """Drops a request whose URL is not http(s) or resolves to a non-public address.

    Redirects are new requests that pass through downloader middlewares again, so a public URL that
    redirects to 169.254.169.254 is stopped here too.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        return cls(crawler.settings.getbool("AGGREGATOR_ALLOW_PRIVATE_NETWORKS"))

    def process_request(self, request: Request) -> Any:
        try:
            check_url(request.url, allow_private=self.allow_private)
        except FetchError as exc:
            raise IgnoreRequest(str(exc)) from exc
        return None
