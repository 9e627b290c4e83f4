"""The public feeds and topic pages served by the app: stable URLs, validators, 304s."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aggregator.core import Aggregator
from aggregator.web.published import published_routes
from tests.test_export_golden import TOPIC, seed_citizens_assemblies


@pytest.fixture
def client(core: Aggregator) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(published_routes(core))
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "media_type", "entries"),
    [
        ("/feeds/atom.xml", "application/atom+xml", 3),
        ("/feeds/rss.xml", "application/rss+xml", 3),
        ("/feeds/feed.json", "application/feed+json", 3),
        (f"/topics/{TOPIC}/atom.xml", "application/atom+xml", 3),
        (f"/topics/{TOPIC}/rss.xml", "application/rss+xml", 3),
        (f"/topics/{TOPIC}/feed.json", "application/feed+json", 3),
    ],
)
def test_feeds_are_served_at_stable_urls(
    core: Aggregator, client: TestClient, path: str, media_type: str, entries: int
) -> None:
    seed_citizens_assemblies(core)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    if path.endswith(".json"):
        assert len(response.json()["items"]) == entries
        # Where the app is served (no AGGREGATOR_SITE_URL set), not a guessed localhost:8000.
        assert response.json()["feed_url"] == f"http://testserver{path}"
    else:
        parsed = feedparser.parse(io.BytesIO(response.content))
        assert parsed.bozo == 0
        assert len(parsed.entries) == entries
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [f"http://testserver{path}"]


def test_validators_give_304_and_change_with_the_content(core: Aggregator, client: TestClient) -> None:
    ids = seed_citizens_assemblies(core)
    path = f"/topics/{TOPIC}/atom.xml"
    first = client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"')
    assert client.get(path).headers["etag"] == etag  # same content, same validator

    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    not_modified = client.get(path, headers={"If-None-Match": etag})
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    # If-None-Match decides when both are sent: a different tag means a full answer.
    both = client.get(path, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert both.status_code == 200
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200

    core.items.reject(ids["iwa"], actor="ann")  # an entry leaves the feed
    changed = client.get(path, headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert parsedate_to_datetime(changed.headers["last-modified"]) > parsedate_to_datetime(modified)
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200
    assert len(feedparser.parse(io.BytesIO(changed.content)).entries) == 2


def test_an_empty_feed_keeps_its_validator(core: Aggregator, client: TestClient) -> None:
    core.topics.add("empty", name="Empty")
    first = client.get("/topics/empty/feed.json")
    assert first.status_code == 200
    assert first.json()["items"] == []
    again = client.get("/topics/empty/atom.xml")
    assert (
        client.get("/topics/empty/atom.xml", headers={"If-None-Match": again.headers["etag"]}).status_code
        == 304
    )


def test_topic_pages_and_index_are_served_with_a_strict_policy(core: Aggregator, client: TestClient) -> None:
    seed_citizens_assemblies(core)
    page = client.get(f"/topics/{TOPIC}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "July 2019 Institute of Welsh Affairs article (Click on Wales):" in page.text
    assert 'href="../style.css"' in page.text
    assert f'href="http://testserver/topics/{TOPIC}/atom.xml"' in page.text
    assert client.get(f"/topics/{TOPIC}/index.html").text.count("<article") == 3
    index = client.get("/topics/")
    assert f'href="{TOPIC}/"' in index.text
    assert 'href="citizens-assemblies/index.html"' in client.get("/topics/index.html").text
    css = client.get("/topics/style.css")
    assert css.headers["content-type"].startswith("text/css")
    assert client.get("/topics/style.css", headers={"If-None-Match": css.headers["etag"]}).status_code == 304
    assert client.get(f"/topics/{TOPIC}/", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    assert client.head(f"/topics/{TOPIC}/atom.xml").status_code == 200


@pytest.mark.parametrize(
    "path", ["/topics/nope/", "/topics/nope/atom.xml", f"/topics/{TOPIC}/secrets.txt", "/feeds/x.xml"]
)
def test_unknown_topics_and_files_are_404(core: Aggregator, client: TestClient, path: str) -> None:
    seed_citizens_assemblies(core)
    assert client.get(path).status_code == 404


def test_served_feeds_carry_the_newest_entries_only(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    limited = Aggregator(core.config.with_overrides(feed_limit=2), db=core.db)
    app = FastAPI()
    app.include_router(published_routes(limited))
    with TestClient(app) as client:
        titles = [e.title for e in feedparser.parse(io.BytesIO(client.get("/feeds/rss.xml").content)).entries]
    assert titles == ["A summer of citizens' assemblies", "Impressions from Wales' first citizens' assembly"]


def test_a_configured_site_url_is_the_one_linked(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    public = Aggregator(core.config.with_overrides(site_url="https://kb.example.org/"), db=core.db)
    app = FastAPI()
    app.include_router(published_routes(public))
    with TestClient(app) as client:
        page = client.get(f"/topics/{TOPIC}/").text
        feed = client.get(f"/topics/{TOPIC}/feed.json").json()
    assert f'href="https://kb.example.org/topics/{TOPIC}/atom.xml"' in page
    assert feed["feed_url"] == f"https://kb.example.org/topics/{TOPIC}/feed.json"
