"""End-to-end crawls: the real CLI in a subprocess against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.conftest import fixture_bytes
from tests.support.cli import ROOT, crawl_env, crawl_json, run_cli
from tests.support.feeds import Entry, atom, etagged, json_feed, rss
from tests.support.server import LocalServer, Reply

pytestmark = pytest.mark.crawl

PAGES = {
    "/rss/lemire": "pages/lemire.me.json.html",
    "/rss/turkey": "pages/wikimediafoundation.org.turkey.html",
    "/atom/spiceland": "pages/github.blog.spiceland.html",
    "/json/valencia": "pages/guardian_2024_02_24_valencia.html",
}
DAY = dt.datetime(2024, 2, 20, 9, 0, tzinfo=dt.UTC)


def serve_sources(server: LocalServer) -> None:
    for path, fixture in PAGES.items():
        server.routes[path] = Reply(fixture_bytes(fixture))
    server.routes["/rss.xml"] = etagged(
        rss(
            [
                Entry(server.url("/rss/lemire"), "Parsing JSON fast", DAY),
                Entry(server.url("/rss/turkey"), "Wikipedia in Turkey", DAY - dt.timedelta(days=1)),
                # The same story twice in one feed, once with tracking: stored once.
                Entry(server.url("/rss/lemire?utm_source=rss"), "Parsing JSON fast", DAY),
            ]
        ),
        "application/rss+xml",
    )
    server.routes["/atom.xml"] = etagged(
        atom([Entry(server.url("/atom/spiceland"), "Spiceland", DAY, author="Octo Cat")]),
        "application/atom+xml",
    )
    server.routes["/feed.json"] = etagged(
        json_feed([Entry(server.url("/json/valencia"), "Valencia fire", DAY)]), "application/feed+json"
    )
    server.routes["/not-a-feed"] = Reply(b"<html><body><h1>Hello</h1><p>Just a page.</p></body></html>")
    server.routes["/slow.xml"] = Reply(
        rss(
            [
                Entry(server.url("/slow/1"), "Slow one", DAY, summary="<p>Feed text of the first.</p>"),
                Entry(server.url("/slow/2"), "Slow two", DAY, summary="<p>Feed text of the second.</p>"),
            ]
        ),
        content_type="application/rss+xml",
    )
    for n in (1, 2):
        server.routes[f"/slow/{n}"] = Reply(fixture_bytes("pages/lemire.me.json.html"), delay=4)


def add_sources(env: dict[str, str], server: LocalServer) -> None:
    for name, path in [
        ("rss", "/rss.xml"),
        ("atom", "/atom.xml"),
        ("json", "/feed.json"),
        ("not-xml", "/not-a-feed"),
        ("gone", "/gone.xml"),
        ("slow", "/slow.xml"),
    ]:
        done = run_cli("sources", "add", server.url(path), "--name", name, env=env)
        assert done.returncode == 0, done.stderr


def test_a_crawl_stores_every_good_source_and_reports_each_bad_one(server: LocalServer, db_url: str) -> None:
    serve_sources(server)
    env = crawl_env(db_url)
    assert run_cli("init", env=env).returncode == 0
    add_sources(env, server)

    code, summary, stderr = crawl_json(env)

    assert code == 1
    lines = {line["source"]: line for line in summary["sources"]}
    assert {k: v["status"] for k, v in lines.items()} == {
        "rss": "ok",
        "atom": "ok",
        "json": "ok",
        "not-xml": "failed",
        "gone": "failed",
        "slow": "partial",
    }
    assert (lines["rss"]["entries"], lines["rss"]["fetched"], lines["rss"]["new"]) == (2, 2, 2)
    assert "not a feed" in lines["not-xml"]["error"]
    assert "HTTP 404" in lines["gone"]["error"]
    assert lines["slow"]["errors"] == 2
    assert "timed out after 3s" in lines["slow"]["error"]
    for name in ("not-xml", "gone", "slow"):
        assert f"error: {name}: " in stderr
    assert "Traceback" not in stderr

    core = Aggregator(Config(database_url=db_url))
    try:
        items = {i.url: i for i in core.items.query(limit=None)}
        assert len(items) == 6
        lemire = items[server.url("/rss/lemire")]
        assert lemire.title == "Parsing JSON fast"
        assert lemire.published_at == DAY
        assert lemire.content_origin == "article"
        assert "JSON" in lemire.text
        assert len(lemire.text) > 1000
        assert lemire.summary
        assert items[server.url("/atom/spiceland")].author == "Octo Cat"
        assert "Valencia" in items[server.url("/json/valencia")].text
        slow = items[server.url("/slow/1")]
        assert (slow.content_origin, slow.text) == ("feed", "Feed text of the first.")
        health = {s.name: s for s in core.sources.all()}
        assert health["gone"].health == "failing"
        assert health["gone"].last_error is not None
        assert health["rss"].health == "ok"
        assert health["rss"].etag is not None
    finally:
        core.close()


def test_a_second_crawl_is_conditional_fetches_nothing_again_and_retries_failed_pages(
    server: LocalServer, db_url: str
) -> None:
    serve_sources(server)
    env = crawl_env(db_url)
    run_cli("init", env=env)
    add_sources(env, server)
    crawl_json(env)
    article_hits = {path: len(server.requests_to(path)) for path in PAGES}
    for n in (1, 2):  # the slow pages answer now
        server.routes[f"/slow/{n}"] = Reply(fixture_bytes("pages/lemire.me.json.html"))

    code, summary, _ = crawl_json(env, "rss", "atom", "json", "slow")

    assert code == 0
    lines = {line["source"]: line for line in summary["sources"]}
    for name in ("rss", "atom", "json"):
        assert lines[name]["status"] == "not modified"
        assert lines[name]["new"] == 0
    assert server.requests_to("/rss.xml")[-1].headers.get("If-None-Match")
    assert {path: len(server.requests_to(path)) for path in PAGES} == article_hits
    assert lines["slow"]["fetched"] == 2
    assert lines["slow"]["new"] == 0
    core = Aggregator(Config(database_url=db_url))
    try:
        items = core.items.query(limit=None)
        assert len(items) == 6
        assert {i.content_origin for i in items} == {"article"}
    finally:
        core.close()


def test_an_unconditional_re_crawl_counts_the_entry_unchanged_and_fetches_no_article(
    server: LocalServer, db_url: str
) -> None:
    serve_sources(server)
    server.routes["/plain.xml"] = Reply(
        rss([Entry(server.url("/rss/lemire"), "Parsing JSON fast", DAY)]), content_type="text/xml"
    )
    env = crawl_env(db_url)
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/plain.xml"), "--name", "plain", env=env)
    first_code, first, _ = crawl_json(env)
    code, second, _ = crawl_json(env)
    assert (first_code, code) == (0, 0)
    assert first["sources"][0]["new"] == 1
    assert second["sources"][0] | {"error": None} == {
        "source": "plain",
        "status": "ok",
        "entries": 1,
        "fetched": 0,
        "new": 0,
        "updated": 0,
        "unchanged": 1,
        "duplicates": 0,
        "failed": 0,
        "errors": 0,
        "error": None,
        "warnings": 0,
        "warning": None,
    }
    assert len(server.requests_to("/rss/lemire")) == 1


def test_scrapy_crawl_from_the_project_root_works_like_the_cli(server: LocalServer, db_url: str) -> None:
    serve_sources(server)
    env = crawl_env(db_url)
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/atom.xml"), "--name", "atom", env=env)
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "feed", "-a", "source=atom"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = run_cli("items", "list", "--json", env=env)
    titles = [i["title"] for i in __import__("json").loads(listed.stdout)]
    assert titles == ["Spiceland"]
