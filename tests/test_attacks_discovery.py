"""Feed discovery in the app, attacked: DNS rebinding and a server that drips its answer."""

from __future__ import annotations

import datetime as dt
import socket
import time
from typing import Any

import pytest

from aggregator.config import Config
from aggregator.errors import FetchError
from aggregator.reader.discovery import discover_feed
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply

FEED = rss([Entry("https://ex.org/a", "A", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))])


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make "rebind.test" answer 127.0.0.2 (allowed) the first time and 127.0.0.1 (forbidden) after."""
    answers: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        address = "127.0.0.2" if not answers else "127.0.0.1"
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_dns_rebinding_cannot_reach_a_forbidden_address(server: LocalServer, rebinding: list[str]) -> None:
    # The check resolved the name to an allowed address, then the connection resolved it again and
    # reached the forbidden one. The connection must go where the check looked.
    server.routes["/feed.xml"] = Reply(FEED, content_type="application/rss+xml")
    config = Config(allow_private_networks=False, allowed_networks="127.0.0.2/32", fetch_timeout=5)
    with pytest.raises(FetchError):
        discover_feed(server.url("/feed.xml").replace("127.0.0.1", "rebind.test"), config)
    assert server.requests_to("/feed.xml") == []
    assert rebinding == ["127.0.0.2"]  # resolved once: what was checked is what was used


def test_a_dripping_server_is_cut_off_at_the_whole_request_deadline(server: LocalServer) -> None:
    # httpx's timeout is per read: a byte every half second never trips it.
    server.routes["/feed.xml"] = Reply(FEED * 10, content_type="application/rss+xml", send_first=10, drip=0.3)
    config = Config(allow_private_networks=True, fetch_timeout=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than"):
        discover_feed(server.url("/feed.xml"), config)
    assert time.monotonic() - started < 4
