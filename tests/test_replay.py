"""The demo's replay server: serves the snapshot, rewrites links to itself, answers conditional GETs."""

from __future__ import annotations

import gzip
import urllib.request
from collections.abc import Iterator

import pytest

from aggregator.demo.replay import ReplayServer, load_manifest, serving
from aggregator.reader.feeds import parse_feed


@pytest.fixture(scope="module")
def replay() -> Iterator[ReplayServer]:
    with serving() as server:
        yield server


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_every_recorded_file_exists_and_every_feed_entry_is_recorded(replay: ReplayServer) -> None:
    pages = load_manifest()
    assert all(record.path.is_file() for record in pages.values())
    for feed_url in (
        "https://www.theguardian.com/uk/rss",
        "https://www.iwa.wales/feed/",
        "https://involve.org.uk/feed",
    ):
        status, headers, body = get(replay.local_url(feed_url))
        assert status == 200
        feed = parse_feed(body, replay.local_url(feed_url), headers)
        assert feed.entries
        for entry in feed.entries:
            assert entry.link.startswith(replay.base), entry.link
            assert get(entry.link)[0] == 200


def test_conditional_requests_get_304(replay: ReplayServer) -> None:
    url = replay.local_url("https://www.iwa.wales/feed/")
    _, headers, _ = get(url)
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def test_gzip_when_asked_and_404_for_what_was_not_recorded(replay: ReplayServer) -> None:
    url = replay.local_url("https://www.theguardian.com/uk/rss")
    status, headers, body = get(url, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert b"<rss" in gzip.decompress(body)
    assert get(replay.local_url("https://www.iwa.wales/nothing-here/"))[0] == 404
