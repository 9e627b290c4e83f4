"""Politeness and safety of crawls, each shown against a server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.crawl.middlewares import retry_after_seconds
from tests.conftest import fixture_bytes
from tests.support.cli import crawl_env, crawl_json
from tests.support.databases import sqlite_url
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply

pytestmark = pytest.mark.crawl
DAY = dt.datetime(2024, 2, 20, 9, 0, tzinfo=dt.UTC)
PAGE = fixture_bytes("pages/lemire.me.json.html")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: what is fetched, waited for or refused here is decided before anything is stored.

    The crawl's storage is run on both databases by test_crawl and test_bad_input.
    """
    return sqlite_url(tmp_path)


def one_source(server: LocalServer, db_url: str, entries: dict[str, str], **env_extra: str) -> dict[str, str]:
    """Serve a feed of ``entries`` (path -> title), add it as the source "site"; return the CLI's env."""
    feed = [Entry(server.url(path), title, DAY) for path, title in entries.items()]
    server.routes["/feed.xml"] = Reply(rss(feed), content_type="application/rss+xml")
    core = Aggregator(Config(database_url=db_url, allow_private_networks=True))
    try:
        core.init_db()
        core.sources.add(server.url("/feed.xml"), name="site")
    finally:
        core.close()
    return crawl_env(db_url, **env_extra)


def items(db_url: str) -> dict[str, str]:
    core = Aggregator(Config(database_url=db_url))
    try:
        return {i.url: i.content_origin for i in core.items.query(limit=None)}
    finally:
        core.close()


def test_robots_txt_disallow_is_obeyed(server: LocalServer, db_url: str) -> None:
    server.routes["/robots.txt"] = Reply(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/private/a"] = Reply(PAGE)
    server.routes["/public/b"] = Reply(PAGE)
    # The allowed page must be fetched: a loaded machine gets more than the suite's 3 s for it.
    pages = {"/private/a": "Private", "/public/b": "Public"}
    env = one_source(server, db_url, pages, AGGREGATOR_FETCH_TIMEOUT="15")
    code, summary, _ = crawl_json(env)
    assert code == 1
    assert "forbidden by robots.txt" in summary["sources"][0]["error"]
    assert server.requests_to("/private/a") == []
    assert items(db_url) == {server.url("/public/b"): "article", server.url("/private/a"): "feed"}


def test_an_unreachable_robots_txt_counts_as_disallow(server: LocalServer, db_url: str) -> None:
    server.routes["/robots.txt"] = Reply(b"User-agent: *\nAllow: /\n", content_type="text/plain")
    server.routes["/a"] = Reply(PAGE)
    env = one_source(server, db_url, {"/a": "A"})
    assert crawl_json(env)[0] == 0
    stored = items(db_url)
    assert stored == {server.url("/a"): "article"}
    feed_requests = len(server.requests_to("/feed.xml"))
    # robots.txt now times out; so would the feed, if the crawler asked for it.
    server.routes["/robots.txt"] = Reply(b"User-agent: *\nAllow: /\n", content_type="text/plain", delay=4)

    code, summary, _ = crawl_json(env)

    assert code == 1
    assert "robots.txt could not be fetched" in summary["sources"][0]["error"]
    assert "treated as disallowing everything" in summary["sources"][0]["error"]
    assert len(server.requests_to("/feed.xml")) == feed_requests
    assert items(db_url) == stored


def test_a_robots_txt_answering_5xx_disallows_and_4xx_allows(server: LocalServer, db_url: str) -> None:
    server.routes["/robots.txt"] = Reply(b"oops", status=503, content_type="text/plain")
    env = one_source(server, db_url, {"/a": "A"})
    code, summary, _ = crawl_json(env)
    assert code == 1
    assert "robots.txt answered HTTP 503" in summary["sources"][0]["error"]
    server.routes["/robots.txt"] = Reply(b"gone", status=404, content_type="text/plain")
    server.routes["/a"] = Reply(PAGE)
    code, summary, stderr = crawl_json(env)
    assert code == 0, stderr
    assert summary["sources"][0]["new"] == 1


def test_429_with_retry_after_is_waited_out(server: LocalServer, db_url: str) -> None:
    calls: list[float] = []

    def limited(headers: dict[str, str]) -> Reply:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Reply(b"slow down", status=429, content_type="text/plain", headers={"Retry-After": "2"})
        return Reply(PAGE)

    server.routes["/a"] = limited
    env = one_source(server, db_url, {"/a": "A"})
    code, _, stderr = crawl_json(env)
    assert code == 0, stderr
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 1.9
    assert items(db_url) == {server.url("/a"): "article"}


def test_a_retry_after_longer_than_the_limit_fails_the_page_clearly(server: LocalServer, db_url: str) -> None:
    server.routes["/a"] = Reply(
        b"later", status=503, content_type="text/plain", headers={"Retry-After": "3600"}
    )
    env = one_source(server, db_url, {"/a": "A"}, AGGREGATOR_RETRY_AFTER_MAX="30")
    code, summary, _ = crawl_json(env)
    assert code == 1
    assert "HTTP 503: the server asks to retry after 3600s" in summary["sources"][0]["error"]
    assert items(db_url) == {server.url("/a"): "feed"}  # kept from the feed, retried next crawl


def test_a_redirect_to_a_private_address_is_refused(server: LocalServer, db_url: str) -> None:
    # Only 127.0.0.1 is allowed: a redirect to another loopback address (or the metadata service)
    # is stopped before any connection is made.
    server.routes["/a"] = Reply(
        b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    server.routes["/b"] = Reply(b"", status=301, headers={"Location": "http://127.0.0.2:9/secret"})
    env = one_source(
        server,
        db_url,
        {"/a": "A", "/b": "B"},
        AGGREGATOR_ALLOW_PRIVATE_NETWORKS="0",
        AGGREGATOR_ALLOWED_NETWORKS="127.0.0.1/32",
    )
    code, summary, _ = crawl_json(env)
    assert code == 1
    error = summary["sources"][0]["error"]
    assert "169.254.169.254" in error
    assert "127.0.0.2" in error
    assert "non-public address" in error
    assert set(items(db_url).values()) == {"feed"}


def test_an_oversized_page_is_abandoned_before_parsing(server: LocalServer, db_url: str) -> None:
    server.routes["/big"] = Reply(b"<html><body>" + b"<p>word </p>" * 60_000 + b"</body></html>")
    server.routes["/small"] = Reply(PAGE)
    env = one_source(server, db_url, {"/big": "Big", "/small": "Small"}, AGGREGATOR_MAX_PAGE_BYTES="300000")
    code, summary, _ = crawl_json(env)
    assert code == 1
    assert "larger than the download size limit" in summary["sources"][0]["error"]
    assert items(db_url) == {server.url("/big"): "feed", server.url("/small"): "article"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(b"120", 120.0), (b"Wed, 21 Oct 2015 07:28:00 GMT", 60.0), (b"soon", None), (None, None)],
)
def test_retry_after_reads_seconds_and_http_dates(value: bytes | None, expected: float | None) -> None:
    now = dt.datetime(2015, 10, 21, 7, 27, tzinfo=dt.UTC)
    assert retry_after_seconds(value, now) == expected
