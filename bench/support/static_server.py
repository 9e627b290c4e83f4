"""A small HTTP/1.1 server for a Site: keep-alive, ETag / Last-Modified, 304, and its own counters.

Plain asyncio protocol code rather than a threaded http.server (a thread and a handler object per
connection), so the server's share of the two cores stays small; the benchmarks print it. ``GET /__stats``
answers the server's own CPU seconds and request counts as JSON (not counted itself).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections import Counter
from email.utils import parsedate_to_datetime

from bench.support.site import Resource, Site

_REASONS = {200: b"OK", 304: b"Not Modified", 404: b"Not Found", 405: b"Method Not Allowed"}
_MAX_HEAD = 16384


class Stats:
    """What the server answered: counts by status and by kind of document."""

    def __init__(self) -> None:
        self.status: Counter[int] = Counter()
        self.kind: Counter[str] = Counter()

    def as_json(self) -> bytes:
        """Return the counters and this process's CPU seconds as JSON."""
        return json.dumps(
            {
                "cpu_seconds": time.process_time(),
                "status": {str(k): v for k, v in self.status.items()},
                "kind": dict(self.kind),
            }
        ).encode()


def _kind(path: str) -> str:
    if path.endswith("/rss"):
        return "feed"
    if path.endswith(".xml"):
        return "sitemap"
    if path == "/robots.txt":
        return "robots"
    return "article"


def _not_modified(resource: Resource, headers: dict[bytes, bytes]) -> bool:
    # RFC 9110: If-None-Match wins; If-Modified-Since counts only without it.
    match = headers.get(b"if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix(b"W/") for t in match.split(b",")}
        return b"*" in tags or resource.etag.encode() in tags
    since = headers.get(b"if-modified-since")
    if since is None:
        return False
    try:
        return resource.modified_at <= parsedate_to_datetime(since.decode("latin-1"))
    except (TypeError, ValueError):
        return False


class _Protocol(asyncio.Protocol):
    def __init__(self, site: Site, stats: Stats) -> None:
        self.site = site
        self.stats = stats
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD and self.transport is not None:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            self._answer(head)

    def _answer(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.split(b"\r\n")
        try:
            method, target, version = lines[0].split(b" ", 2)
        except ValueError:
            self.transport.close()
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        path = target.split(b"?", 1)[0].decode("latin-1")
        keep_alive = headers.get(b"connection", b"").lower() != b"close" and version == b"HTTP/1.1"
        if path == "/__stats":
            self._send(200, {"Content-Type": "application/json"}, self.stats.as_json(), keep_alive)
            return
        resource = self.site.resources.get(path)
        if method not in (b"GET", b"HEAD"):
            status, extra, body = 405, {}, b""
        elif resource is None:
            status, extra, body = 404, {"Content-Type": "text/plain"}, b"not found"
        else:
            extra = {"ETag": resource.etag, "Last-Modified": resource.last_modified}
            if _not_modified(resource, headers):
                status, body = 304, b""
            else:
                status, body = 200, resource.body
                extra["Content-Type"] = resource.content_type
            self.stats.kind[f"{_kind(path)} {status}"] += 1
        self.stats.status[status] += 1
        self._send(status, extra, b"" if method == b"HEAD" else body, keep_alive, len(body))

    def _send(
        self, status: int, headers: dict[str, str], body: bytes, keep_alive: bool, length: int | None = None
    ) -> None:
        assert self.transport is not None
        head = [b"HTTP/1.1 %d %s" % (status, _REASONS.get(status, b"OK"))]
        head += [f"{k}: {v}".encode("latin-1") for k, v in headers.items()]
        if status != 304:
            head.append(b"Content-Length: %d" % (len(body) if length is None else length))
        head.append(b"Connection: keep-alive" if keep_alive else b"Connection: close")
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        if not keep_alive:
            self.transport.close()


async def serve(site: Site, sock: socket.socket) -> None:
    """Serve ``site`` on the bound, listening ``sock`` until cancelled."""
    stats = Stats()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Protocol(site, stats), sock=sock, backlog=1024)
    async with server:
        await server.serve_forever()
