"""A generated news site of many small article pages, with the feeds, sitemap and listing that lead
to them, served by a threaded HTTP server on 127.0.0.1 that counts what it is asked.

    python -m tests.support.site --pages 2000 [--delay 0.02] [--port 0]

prints ``ready http://127.0.0.1:PORT`` once listening. The pages are split in four: two RSS feeds
(``/feeds/a.xml``, ``/feeds/b.xml``, conditional on ETag), a sitemap (``/sitemap.xml``) and a
listing of 50 links a page (``/list/1.html`` ... with ``rel=next``). ``/_stats`` answers JSON: requests
answered, the most ever in flight at once, and article requests (all, and distinct pages).
Every article has its own text (a seeded draw from a vocabulary), so none looks like a copy of another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

LISTING_PAGE = 50
_VOCABULARY = (
    "assembly citizens council budget climate housing transport health school river energy farm "
    "library museum harbour market village city county ward vote panel jury evidence report review "
    "proposal community members residents experts officials minister committee inquiry survey data "
    "meeting session debate question answer result decision plan strategy funding grant project trial "
    "pilot scheme policy reform service network station bridge road rail bus tram cycle walk park "
    "forest coast island valley mountain weather flood drought heat storm season harvest water power "
    "wind solar grid heating insulation retrofit tenant landlord rent price wage job skill training "
    "college university research study paper article letter editor column opinion news feature story"
)
_WORDS = _VOCABULARY.split()
_PUBLISHED = "2026-11-01T09:00:00+00:00"


@dataclass
class Stats:
    """What the server answered, counted under one lock."""

    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    article_hits: int = 0
    articles: set[int] = field(default_factory=set)
    starts: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "requests": self.requests,
                "max_in_flight": self.max_in_flight,
                "article_hits": self.article_hits,
                "distinct_articles": len(self.articles),
                "article_starts": list(self.starts),
            }


class Site:
    """The pages of a generated site of ``pages`` articles at ``base``."""

    def __init__(self, pages: int, base: str) -> None:
        self.pages = pages
        self.base = base
        quarter = math.ceil(pages / 4)
        ids = list(range(1, pages + 1))
        self.groups = {
            "a": ids[0:quarter],
            "b": ids[quarter : 2 * quarter],
            "sitemap": ids[2 * quarter : 3 * quarter],
            "listing": ids[3 * quarter :],
        }
        self.listing_pages = max(1, math.ceil(len(self.groups["listing"]) / LISTING_PAGE))
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def sources(self) -> list[dict[str, Any]]:
        """Return the sources that together lead to every article: name, kind, URL and settings."""
        return [
            {"name": "site-feed-a", "kind": "feed", "url": f"{self.base}/feeds/a.xml", "settings": {}},
            {"name": "site-feed-b", "kind": "feed", "url": f"{self.base}/feeds/b.xml", "settings": {}},
            {
                "name": "site-sitemap",
                "kind": "sitemap",
                "url": f"{self.base}/sitemap.xml",
                "settings": {"max_urls": max(1, len(self.groups["sitemap"]))},
            },
            {
                "name": "site-listing",
                "kind": "listing",
                "url": f"{self.base}/list/1.html",
                "settings": {
                    "links": "ul.articles a",
                    "next": "a[rel=next]",
                    "max_pages": self.listing_pages,
                },
            },
        ]

    def article_url(self, n: int) -> str:
        return f"{self.base}/articles/{n}.html"

    def get(self, path: str) -> tuple[int, str, bytes]:
        """Return status, content type and body for ``path``."""
        with self._lock:
            cached = self._cache.get(path)
        if cached is None:
            answer = self._render(path)
            if answer is None:
                return 404, "text/plain", b"not found"
            cached = answer
            with self._lock:
                self._cache[path] = cached
        kind = "text/html; charset=utf-8"
        if path.endswith(".xml"):
            kind = "application/rss+xml" if path.startswith("/feeds/") else "application/xml"
        elif path == "/robots.txt":
            kind = "text/plain"
        return 200, kind, cached

    def _render(self, path: str) -> bytes | None:
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n"
        if path.startswith("/articles/") and path.endswith(".html"):
            number = path.removeprefix("/articles/").removesuffix(".html")
            if number.isdigit() and 1 <= int(number) <= self.pages:
                return self._article(int(number))
            return None
        if path in ("/feeds/a.xml", "/feeds/b.xml"):
            return self._feed(path[7])
        if path == "/sitemap.xml":
            return self._sitemap()
        if path.startswith("/list/") and path.endswith(".html"):
            number = path.removeprefix("/list/").removesuffix(".html")
            if number.isdigit() and 1 <= int(number) <= self.listing_pages:
                return self._listing(int(number))
        return None

    def _article(self, n: int) -> bytes:
        rng = random.Random(n)
        title = f"Report {n}: the {' '.join(rng.choice(_WORDS) for _ in range(4))}"
        paragraphs = []
        for _ in range(4):
            sentences = []
            for _ in range(4):
                words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 16))]
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(f"<p>{' '.join(sentences)}</p>")
        html = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)} | Generated Gazette</title>"
            f'<meta property="og:title" content="{escape(title)}">'
            f'<meta property="article:published_time" content="{_PUBLISHED}">'
            '</head><body><header><nav><a href="/">Home</a> <a href="/list/1.html">News</a></nav></header>'
            f'<main><article><h1>{escape(title)}</h1><p class="byline">By Reporter {n % 17}</p>'
            f"{''.join(paragraphs)}</article></main><footer>Generated Gazette</footer></body></html>"
        )
        return html.encode("utf-8")

    def _feed(self, group: str) -> bytes:
        items = []
        for n in self.groups[group]:
            url = self.article_url(n)
            items.append(
                f"<item><title>Report {n}</title><link>{url}</link><guid>{url}</guid>"
                "<pubDate>Sun, 01 Nov 2026 09:00:00 GMT</pubDate>"
                f"<description>Summary of report {n}.</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Generated Gazette {group}</title><link>{self.base}/</link>"
            f"<description>feed {group}</description>{''.join(items)}</channel></rss>"
        ).encode()

    def _sitemap(self) -> bytes:
        urls = "".join(f"<url><loc>{self.article_url(n)}</loc></url>" for n in self.groups["sitemap"])
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def _listing(self, page: int) -> bytes:
        ids = self.groups["listing"][(page - 1) * LISTING_PAGE : page * LISTING_PAGE]
        links = "".join(f'<li><a href="/articles/{n}.html">Report {n}</a></li>' for n in ids)
        more = f'<a rel="next" href="/list/{page + 1}.html">Older</a>' if page < self.listing_pages else ""
        return (
            f'<!doctype html><html><head><meta charset="utf-8"><title>News, page {page}</title></head>'
            f'<body><ul class="articles">{links}</ul>{more}</body></html>'
        ).encode()


class _QuietServer(ThreadingHTTPServer):
    """A client hanging up (a worker killed mid-request) is expected here, not worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def make_server(site: Site, stats: Stats, *, delay: float = 0.0, port: int = 0) -> ThreadingHTTPServer:
    """Return a threaded server for ``site`` on 127.0.0.1 (``site.base`` is set to its address)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/_stats":
                self._send(200, "application/json", json.dumps(stats.as_dict()).encode(), {})
                return
            article = path.startswith("/articles/")
            with stats.lock:
                stats.requests += 1
                stats.in_flight += 1
                stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
                if article:
                    stats.article_hits += 1
                    stats.starts.append(time.monotonic())
                    number = path.removeprefix("/articles/").removesuffix(".html")
                    if number.isdigit():
                        stats.articles.add(int(number))
            try:
                if delay and article:
                    time.sleep(delay)
                status, kind, body = site.get(path)
                headers: dict[str, str] = {}
                if path.startswith("/feeds/") and status == 200:
                    etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16] + '"'
                    headers = {"ETag": etag, "Last-Modified": format_datetime(_MODIFIED, usegmt=True)}
                    if self.headers.get("If-None-Match") == etag:
                        status, body = 304, b""
                self._send(status, kind, body, headers)
            finally:
                with stats.lock:
                    stats.in_flight -= 1

        def _send(self, status: int, kind: str, body: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            return

    httpd = _QuietServer(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    httpd.request_queue_size = 256
    host, bound = httpd.server_address[:2]
    site.base = f"http://{host!s}:{bound}"
    return httpd


_MODIFIED = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a generated site of article pages.")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--delay", type=float, default=0.0, help="Seconds each article answer waits.")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    site = Site(args.pages, "")
    httpd = make_server(site, Stats(), delay=args.delay, port=args.port)
    print(f"ready {site.base}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
