"""The public side: feeds and topic pages at stable URLs, with ETag / Last-Modified and 304s.

    /feeds/atom.xml  /feeds/rss.xml  /feeds/feed.json              every approved entry
    /topics/                                                        the index of topics
    /topics/<slug>/  (or /topics/<slug>/index.html)                 a topic page
    /topics/<slug>/atom.xml  /topics/<slug>/rss.xml  /topics/<slug>/feed.json
    /topics/style.css

Feed readers poll these, so every answer carries a validator: the ETag is a hash of the body, and
Last-Modified is when this process first served that body (a restart costs a reader one full
download, never a stale 304). Feeds carry the newest ``AGGREGATOR_FEED_LIMIT`` entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import threading
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response

from aggregator.config import DEFAULT_SITE_URL
from aggregator.core import Aggregator
from aggregator.errors import NotFound
from aggregator.models import utcnow
from aggregator.publish import service as publish
from aggregator.publish.formats import SERVED, Format
from aggregator.publish.formats.site import CONTENT_SECURITY_POLICY, STYLESHEET, TopicPage

CACHE_CONTROL = "public, max-age=300"
# Rendering an empty feed needs an "updated" time; a fixed one keeps its ETag stable between requests.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class _Stamps:
    """Remembers when each URL's current body was first served: its Last-Modified."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, dt.datetime]] = {}
        self._lock = threading.Lock()

    def last_modified(self, key: str, etag: str) -> dt.datetime:
        """Return when ``etag`` was first served at ``key``; a new body gets a later second than before."""
        with self._lock:
            known = self._seen.get(key)
            if known is not None and known[0] == etag:
                return known[1]
            # HTTP dates have whole seconds: two bodies within one second must not share one date,
            # or a reader holding the first would be told the second is what it has.
            now = utcnow().replace(microsecond=0)
            stamp = max(now, known[1] + dt.timedelta(seconds=1)) if known else now
            self._seen[key] = (etag, stamp)
            return stamp


def published_routes(core: Aggregator, *, templates: Path | None = None) -> APIRouter:
    """Return the router serving the public feeds and topic pages of ``core``."""
    router = APIRouter(tags=["published"])
    renderer = publish.renderer(core, templates)
    stamps = _Stamps()

    def site(request: Request) -> str:
        # AGGREGATOR_SITE_URL when set; else where this request reached the app, so links work on
        # whatever address and port it is served (forwarded headers count only from named proxies).
        configured = core.config.site_url
        return configured if configured != DEFAULT_SITE_URL else str(request.base_url)

    def feed(request: Request, form: Format, topic: str | None) -> Response:
        def render(now: dt.datetime) -> tuple[bytes, int]:
            out = io.BytesIO()
            count = publish.export(
                core,
                form.name,
                out,
                topic=topic,
                limit=core.config.feed_limit,
                now=now,
                site_url=site(request),
            )
            return out.getvalue(), count

        body, count = render(_EPOCH)
        etag = _etag(body)
        modified = stamps.last_modified(request.url.path, etag)
        if count == 0:
            body, _ = render(modified)
        return _answer(request, body, form.media_type or "application/octet-stream", etag, modified)

    def page(request: Request, html: str) -> Response:
        body = html.encode()
        etag = _etag(body)
        modified = stamps.last_modified(request.url.path, etag)
        response = _answer(request, body, "text/html; charset=utf-8", etag, modified)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    @router.api_route("/feeds/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def all_entries(request: Request, name: str) -> Response:
        if name not in SERVED:
            raise HTTPException(status_code=404, detail=f"no feed {name!r}")
        return feed(request, SERVED[name], None)

    @router.api_route("/topics/", methods=["GET", "HEAD"], include_in_schema=False)
    @router.api_route("/topics/index.html", methods=["GET", "HEAD"], include_in_schema=False)
    def index(request: Request) -> Response:
        listed = publish.topic_index(core)
        return page(request, renderer.index(listed, index_file=_index_file(request), site_url=site(request)))

    @router.api_route(f"/topics/{STYLESHEET}", methods=["GET", "HEAD"], include_in_schema=False)
    def stylesheet(request: Request) -> Response:
        body = renderer.stylesheet().encode()
        etag = _etag(body)
        return _answer(
            request, body, "text/css; charset=utf-8", etag, stamps.last_modified(request.url.path, etag)
        )

    @router.api_route("/topics/{slug}/", methods=["GET", "HEAD"], include_in_schema=False)
    def topic_page(request: Request, slug: str) -> Response:
        return page(request, renderer.topic(_topic(core, slug), index_file="", site_url=site(request)))

    @router.api_route("/topics/{slug}/{name}", methods=["GET", "HEAD"], include_in_schema=False)
    def topic_file(request: Request, slug: str, name: str) -> Response:
        if name == "index.html":
            return page(request, renderer.topic(_topic(core, slug), site_url=site(request)))
        if name not in SERVED:
            raise HTTPException(status_code=404, detail=f"no feed {name!r}")
        _topic(core, slug)
        return feed(request, SERVED[name], slug)

    return router


def _topic(core: Aggregator, slug: str) -> TopicPage:
    try:
        return publish.topic_page(core, slug)
    except NotFound:
        raise HTTPException(status_code=404, detail=f"no topic {slug!r}") from None


def _index_file(request: Request) -> str:
    # Pages reached as .../index.html link the same way, so a static copy of them works too.
    return "index.html" if request.url.path.endswith("index.html") else ""


def _etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _answer(request: Request, body: bytes, media_type: str, etag: str, modified: dt.datetime) -> Response:
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
    }
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


def _not_modified(request: Request, etag: str, modified: dt.datetime) -> bool:
    """Return whether the client's copy is current (RFC 9110 13.1: If-None-Match wins over the date)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return modified <= since
