"""Feed autodiscovery: from a page's URL to the feed it announces, fetched under the address guard."""

from __future__ import annotations

import time
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx

from aggregator.config import Config
from aggregator.errors import FeedError, FetchError
from aggregator.netguard import checked_addresses, parse_networks, pinned
from aggregator.reader.feeds import parse_feed
from aggregator.urls import absolute_http, is_http_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)
_MAX_REDIRECTS = 5


@dataclass(frozen=True, slots=True)
class Discovered:
    """A feed found for a URL: where it is, its title, and the page that announced it (if any)."""

    feed_url: str
    title: str
    page_url: str | None = None


def discover_feed(url: str, config: Config) -> Discovered:
    """Return the feed at ``url``, or the first feed the page at ``url`` links; raise FetchError."""
    url = url.strip()
    if not is_http_url(url):
        raise FetchError(f"a source needs an http(s) URL, not {url!r}")
    deadline = time.monotonic() + config.fetch_timeout
    with httpx.Client(timeout=config.fetch_timeout, headers={"User-Agent": config.user_agent}) as client:
        final, headers, body = _fetch(client, url, config, deadline)
        try:
            return Discovered(url, parse_feed(body, final, headers).title or "")
        except FeedError:
            pass
        links = feed_links(body.decode("utf-8", "replace"), final)
        if not links:
            raise FeedError(f"{url} is neither a feed nor a page that links one (no <link rel=alternate>)")
        problems = []
        for link in links:
            try:
                feed_final, feed_headers, feed_body = _fetch(client, link, config, deadline)
                return Discovered(link, parse_feed(feed_body, feed_final, feed_headers).title or "", url)
            except FetchError as exc:
                problems.append(f"{link}: {exc}")
        raise FeedError(f"the feeds {url} links cannot be read: {'; '.join(problems)}")


def feed_links(html: str, base: str) -> list[str]:
    """Return the absolute URLs of the feeds a page announces, in page order, without repeats."""
    finder = _FeedLinkFinder()
    finder.feed(html)
    seen: dict[str, None] = {}
    for href in finder.hrefs:
        absolute = absolute_http(href, base)
        if absolute is not None:
            seen.setdefault(absolute, None)
    return list(seen)


def _fetch(
    client: httpx.Client, url: str, config: Config, deadline: float
) -> tuple[str, dict[str, str], bytes]:
    """Return the final URL, headers and body of ``url``, every hop checked and pinned, by ``deadline``.

    httpx's timeout bounds each read, not the request: a server dripping a byte at a time held a
    worker thread for minutes. The deadline bounds the whole discovery, redirects included.
    """
    allowed = parse_networks(config.allowed_networks)
    for _ in range(_MAX_REDIRECTS + 1):
        # Checked on every hop: a public page may redirect to an internal address. The connection
        # goes to the address checked, never to the name resolved again.
        addresses = checked_addresses(url, allow_private=config.allow_private_networks, allowed=allowed)
        target_url, extensions, host_header = pinned(url, addresses)
        try:
            with client.stream(
                "GET", target_url, headers={"Host": host_header}, extensions=extensions
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    target = absolute_http(response.headers["location"], url)
                    if target is None:
                        raise FetchError(f"{url} redirects to {response.headers['location']!r}")
                    url = target
                    continue
                if response.status_code >= 400:
                    raise FetchError(f"{url} answered HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > config.max_page_bytes:
                        raise FetchError(f"{url} is larger than {config.max_page_bytes:,} bytes")
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url} took longer than {config.fetch_timeout:g}s to answer")
                return url, dict(response.headers), bytes(body)
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from None
    raise FetchError(f"{url}: more than {_MAX_REDIRECTS} redirects")


class _FeedLinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.hrefs.append(values["href"])
