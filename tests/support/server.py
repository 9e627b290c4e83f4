"""A real HTTP server on 127.0.0.1 whose every path answers as a test tells it to."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """How one path answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Misbehaviour on the wire: send this many body bytes, then either drip the rest one byte every
    # ``drip`` seconds (slow-loris) or drop the connection (``cut``).
    send_first: int | None = None
    drip: float = 0.0
    cut: bool = False


@dataclass(frozen=True)
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    method: str = "GET"


Handler = Callable[[dict[str, str]], Reply]


class LocalServer:
    """Serves ``routes`` (path -> Reply or a function of the request headers) and records requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self) -> None:
                self._answer(with_body=False)

            def do_GET(self) -> None:
                self._answer(with_body=True)

            def _answer(self, *, with_body: bool) -> None:
                headers = {k: v for k, v in self.headers.items()}
                with server._lock:
                    server.seen.append(Seen(self.path, headers, self.command))
                route = server.routes.get(self.path)
                if route is None:
                    reply = Reply(b"not found", status=404, content_type="text/plain")
                elif callable(route):
                    reply = route(headers)
                else:
                    reply = route
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if not with_body:
                        return
                    if reply.send_first is None:
                        self.wfile.write(reply.body)
                        return
                    self.wfile.write(reply.body[: reply.send_first])
                    self.wfile.flush()
                    if reply.cut:
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    for byte in reply.body[reply.send_first :]:
                        time.sleep(reply.drip)
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
