"""Fetching through a replay server: each request is answered by the recorded page at its URL.

With ``AGGREGATOR_REPLAY_URL`` set (the offline demo sets it), Scrapy's HTTP handler sends
``https://www.iwa.wales/agenda/...`` to ``http://127.0.0.1:PORT/www.iwa.wales/agenda/...`` and hands the
answer back under the URL that was asked for. Spiders, pipelines and storage see the real web's
URLs, so what is stored (item and feed links, "open the original") names the real sites, never
127.0.0.1; nothing leaves the machine, since every request goes to the replay server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response


def replayed_url(base: str, url: str) -> str:
    """Return where the replay server at ``base`` serves the recording of ``url``."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base.rstrip('/')}/{parts.netloc.lower()}{parts.path or '/'}{query}"


class ReplayDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, asking the replay server for every URL."""

    def __init__(self, crawler: Crawler) -> None:
        base = crawler.settings.get("AGGREGATOR_REPLAY_URL")
        if not base:
            raise NotConfigured("no AGGREGATOR_REPLAY_URL")
        super().__init__(crawler)
        self._base = str(base)

    async def download_request(self, request: Request) -> Response:
        """Return the replayed answer to ``request``, under the request's own URL."""
        local = request.replace(url=replayed_url(self._base, request.url))
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)
