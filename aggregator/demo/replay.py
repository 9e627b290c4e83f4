"""A replay server: serves recorded pages of real sites from 127.0.0.1, rewriting their links to itself.

A page recorded at ``https://www.iwa.wales/agenda/...`` is served at ``http://127.0.0.1:PORT/www.iwa.wales/
agenda/...``, and every absolute link to a recorded host inside a served page is rewritten the same way, so
a crawler follows the recorded web without leaving this machine. Responses carry ETag and Last-Modified
and answer conditional requests with 304, as the real sites do.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from aggregator.crawl.replay import replayed_url

SNAPSHOT = Path(__file__).resolve().parent / "snapshot"
LOG_LIMIT = 10_000
_RECORDED_AT = formatdate(1732492800, usegmt=True)  # fixed, so validators survive restarts
_TEXT_TYPES = ("text/", "xml", "json", "javascript")
# Secrets in recorded API calls are not part of what identifies the response.
_IGNORED_PARAMS = frozenset({"api-key", "api_key", "apikey", "key"})


@dataclass(frozen=True, slots=True)
class Recorded:
    """One recorded response."""

    url: str
    path: Path
    content_type: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


def load_manifest(snapshot: Path = SNAPSHOT) -> dict[str, Recorded]:
    """Return the recorded responses of a snapshot folder, keyed by URL without scheme."""
    data = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    pages: dict[str, Recorded] = {}
    for entry in data["pages"]:
        record = Recorded(
            url=entry["url"],
            path=snapshot / entry["file"],
            content_type=entry["content_type"],
            status=int(entry.get("status", 200)),
            headers=tuple((str(k), str(v)) for k, v in entry.get("headers", {}).items()),
        )
        pages[_key(entry["url"])] = record
    return pages


def _key(url: str) -> str:
    """Return host, path and query (sorted, secrets dropped): the same request however it is spelt."""
    parts = urlsplit(url)
    path = parts.path or "/"
    params = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _IGNORED_PARAMS
    )
    return f"{parts.netloc.lower()}{path}" + (f"?{urlencode(params)}" if params else "")


class ReplayServer:
    """Serves a snapshot on 127.0.0.1 in a background thread."""

    def __init__(
        self, snapshot: Path = SNAPSHOT, host: str = "127.0.0.1", port: int = 0, *, rewrite_links: bool = True
    ) -> None:
        # A crawler that fetches through this server (AGGREGATOR_REPLAY_URL) asks for the real URLs
        # and must see the pages' own links; a browser or a crawler pointed here needs them rewritten.
        self.rewrite_links = rewrite_links
        self.pages = load_manifest(snapshot)
        self.hosts = sorted({urlsplit(r.url).netloc.lower() for r in self.pages.values()})
        self._httpd = ThreadingHTTPServer((host, port), self._handler())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._bodies: dict[str, bytes] = {}
        # (path, request headers) of every request, for tests and for --serve-only's curious users.
        # The requests served, newest last, for the demo's tests; bounded, as --serve-only runs for days.
        self.log: deque[tuple[str, dict[str, str]]] = deque(maxlen=LOG_LIMIT)
        self._log_lock = threading.Lock()

    @property
    def base(self) -> str:
        """Return the server's own URL, without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def local_url(self, url: str) -> str:
        """Return where the recorded ``url`` is served."""
        return replayed_url(self.base, url)

    def body(self, record: Recorded) -> bytes:
        """Return a recorded body with links to recorded hosts pointing here."""
        cached = self._bodies.get(record.url)
        if cached is not None:
            return cached
        raw = record.path.read_bytes()
        if record.path.suffix == ".gz":
            raw = gzip.decompress(raw)
        if self.rewrite_links and any(t in record.content_type for t in _TEXT_TYPES):
            for host in self.hosts:
                local = f"{self.base}/{host}".encode()
                for scheme in (b"https://", b"http://", b"https:\\/\\/", b"http:\\/\\/"):
                    target = local.replace(b"/", b"\\/") if b"\\/" in scheme else local
                    raw = raw.replace(scheme + host.encode(), target)
        self._bodies[record.url] = raw
        return raw

    def requests_to(self, url: str) -> list[dict[str, str]]:
        """Return the headers of every request made for the recorded ``url``."""
        wanted = _key(url)
        with self._log_lock:
            return [h for path, h in self.log if _key(f"http://{path.lstrip('/')}") == wanted]

    def start(self) -> ReplayServer:
        """Start serving in a daemon thread and return self."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def wait(self) -> None:
        """Block until the serving thread ends (Ctrl-C ends it with the process)."""
        if self._thread is not None:
            self._thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def _answer(self, *, send_body: bool) -> None:
                with server._log_lock:
                    server.log.append((self.path, dict(self.headers.items())))
                record = server.pages.get(_key(f"http://{self.path.lstrip('/')}"))
                if record is None:
                    self._send(
                        HTTPStatus.NOT_FOUND, b"not recorded\n", "text/plain; charset=utf-8", send_body
                    )
                    return
                body = server.body(record)
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag or (
                    "If-None-Match" not in self.headers
                    and self.headers.get("If-Modified-Since") == _RECORDED_AT
                ):
                    self.send_response(HTTPStatus.NOT_MODIFIED)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                extra = {"ETag": etag, "Last-Modified": _RECORDED_AT, **dict(record.headers)}
                if "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body, compresslevel=5, mtime=0)
                    extra["Content-Encoding"] = "gzip"
                self._send(record.status, body, record.content_type, send_body, extra)

            def _send(
                self,
                status: int,
                body: bytes,
                content_type: str,
                send_body: bool,
                extra: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


@contextmanager
def serving(
    snapshot: Path = SNAPSHOT, port: int = 0, *, rewrite_links: bool = True
) -> Iterator[ReplayServer]:
    """Serve ``snapshot`` for the duration of a with-block."""
    server = ReplayServer(snapshot, port=port, rewrite_links=rewrite_links).start()
    try:
        yield server
    finally:
        server.stop()
