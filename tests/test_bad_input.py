"""The bad-input catalogue: one misbehaving source per case, beside a good source already stored.

Every case asserts what the crawl reports for the bad source and that the good source's items are
exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import brotli
import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.conftest import fixture_bytes
from tests.support.cli import crawl_env, crawl_json, run_cli
from tests.support.feeds import Entry, etagged, rss
from tests.support.server import LocalServer, Reply

pytestmark = pytest.mark.crawl
DAY = dt.datetime(2024, 2, 20, 9, 0, tzinfo=dt.UTC)
PAGE = fixture_bytes("pages/lemire.me.json.html")
_WORDS = [
    "council",
    "assembly",
    "residents",
    "budget",
    "housing",
    "transport",
    "climate",
    "school",
    "library",
    "health",
    "panel",
    "evidence",
    "members",
    "recommendation",
    "valley",
    "town",
    "vote",
    "public",
    "service",
    "community",
    "report",
    "minister",
    "funding",
]


def article(n: int) -> bytes:
    """Return an article page whose text is its own (so no two are near-duplicates of each other)."""
    rng = random.Random(n)
    paragraphs = "".join("<p>" + " ".join(rng.choice(_WORDS) for _ in range(60)) + ".</p>" for _ in range(5))
    return f"<html><head><title>Article {n}</title></head><body><article><h1>Article {n}</h1>{paragraphs}</article></body></html>".encode()


RSS_TYPE = "application/rss+xml"


def feed_of(server: LocalServer, *paths: str) -> bytes:
    return rss([Entry(server.url(p), f"Entry {p}", DAY) for p in paths])


def raw_rss(items: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bad</title>{items}</channel></rss>'.encode()


def rss_reply(body: bytes) -> Reply:
    """The bad source's feed: ``body`` served as RSS."""
    return Reply(body, content_type=RSS_TYPE)


def items_reply(items: str) -> Reply:
    """The bad source's feed: these ``<item>`` elements in an RSS channel."""
    return rss_reply(raw_rss(items))


# What a case checks beyond the report: the test server (its requests) and the stored items.
Check = Callable[[LocalServer, Aggregator], None]


@dataclass
class Case:
    """A misbehaving source: its routes, what the crawl must report, and what must (not) be stored."""

    routes: Callable[[LocalServer], dict[str, Reply]]
    error: str | None  # a fragment of the reported error; None: no error, the input is handled
    new: int | None = None
    warning: str | None = None  # a fragment of the warning it must give (read leniently, no error)
    env: dict[str, str] = field(default_factory=dict)
    check: Check | None = None
    articles: dict[str, int] = field(default_factory=dict)  # path -> seed: article pages beside the feed


def _titles_clean(server: LocalServer, core: Aggregator) -> None:
    titles = {i.title for i in core.items.query(source="bad", limit=None)}
    assert titles == {"Café Cymraeg"}


def _each_page_once(server: LocalServer, core: Aggregator) -> None:
    assert len(server.requests_to("/bad/d1")) == 1
    assert sorted(i.title for i in core.items.query(source="bad", limit=None)) == ["D1", "D2"]


def _absolute(server: LocalServer, core: Aggregator) -> None:
    urls = {i.url for i in core.items.query(source="bad", limit=None)}
    assert urls == {server.url("/bad/p1"), server.url("/bad/p2")}


def _dates_sane(server: LocalServer, core: Aggregator) -> None:
    now = dt.datetime.now(dt.UTC)
    for item in core.items.query(source="bad", limit=None):
        assert item.published_at is None or item.published_at < now


def _no_nul(server: LocalServer, core: Aggregator) -> None:
    [item] = core.items.query(source="bad", limit=None)
    assert item.title == "Tab and nul"
    assert "\x00" not in item.text + item.summary


def _nothing_leaked(server: LocalServer, core: Aggregator) -> None:
    hostname = Path("/etc/hostname").read_text().strip()
    assert all(hostname not in i.title + i.text for i in core.items.query(limit=None))


def bomb(encoding: str, compress: Callable[[bytes], bytes]) -> Case:
    """A feed that inflates to 200 MB: refused at the download size limit."""
    return Case(
        lambda s: {
            "/bad.xml": Reply(
                compress(b"<rss>" + b" " * 200_000_000),
                content_type=RSS_TYPE,
                headers={"Content-Encoding": encoding},
            )
        },
        "larger than the download size limit",
        new=0,
    )


def declares_entities(body: bytes, check: Check | None = None) -> Case:
    """A feed that declares XML entities: refused as such, nothing stored."""
    return Case(lambda s: {"/bad.xml": rss_reply(body)}, "declares XML entities", new=0, check=check)


def items_read(
    items: Callable[[LocalServer], str],
    articles: dict[str, int],
    *,
    new: int,
    warning: str | None = None,
    check: Check | None = None,
) -> Case:
    """A feed of these odd ``<item>`` elements, read without error, beside its articles' pages."""
    return Case(
        lambda s: {"/bad.xml": items_reply(items(s))},
        None,
        new=new,
        warning=warning,
        check=check,
        articles=articles,
    )


def cafe_cymraeg(seed: int, reply: Callable[[bytes], Reply], title: str = "Café Cymraeg") -> Case:
    """A feed of one item titled ``title``, served by ``reply`` (mis-encoded): stored as "Café Cymraeg"."""
    return Case(
        lambda s: {
            "/bad.xml": reply(raw_rss(f"<item><title>{title}</title><link>{s.url('/bad/p')}</link></item>"))
        },
        None,
        new=1,
        check=_titles_clean,
        articles={"/bad/p": seed},
    )


CASES: dict[str, Case] = {
    "malformed XML": items_read(
        lambda s: f"<item><title>A</title><link>{s.url('/bad/p')}</link></item><item><b>",
        {"/bad/p": 1},
        new=1,
        warning="not well-formed XML",
    ),
    "wrong charset (latin-1 declared as UTF-8)": cafe_cymraeg(
        2,
        lambda feed: Reply(
            feed.decode().encode("latin-1"), content_type="application/rss+xml; charset=utf-8"
        ),
    ),
    "missing charset": cafe_cymraeg(
        3, lambda feed: Reply(feed.replace(b' encoding="utf-8"', b""), content_type="text/xml")
    ),
    "mojibake (UTF-8 decoded twice)": cafe_cymraeg(
        4, rss_reply, title="Café Cymraeg".encode().decode("cp1252")
    ),
    "HTML served as a feed": Case(lambda s: {"/bad.xml": Reply(PAGE)}, "not a feed", new=0),
    "empty feed": Case(lambda s: {"/bad.xml": items_reply("")}, None, new=0),
    "a feed of 100,000 entries": Case(
        lambda s: {
            "/bad.xml": items_reply(
                "".join(
                    f"<item><title>E{n}</title><link>{s.url(f'/bad/{n}')}</link></item>"
                    for n in range(100_000)
                )
            )
        },
        "HTTP 404",  # their pages: kept from the feed, retried later
        new=5,
        env={"AGGREGATOR_MAX_FEED_ENTRIES": "5"},
        warning="the feed has 100,000 entries; only the newest 5 were read",
    ),
    "more entries than a crawl reads": Case(
        lambda s: {"/bad.xml": rss_reply(feed_of(s, "/bad/1", "/bad/2", "/bad/3", "/bad/4"))},
        None,
        new=2,
        env={"AGGREGATOR_MAX_FEED_ENTRIES": "2"},
        warning="only the newest 2 were read",
        articles={f"/bad/{n}": 10 + n for n in range(1, 5)},
    ),
    "gzip bomb": bomb("gzip", lambda body: gzip.compress(body, compresslevel=9)),
    "brotli bomb": bomb("br", lambda body: brotli.compress(body, quality=5)),
    "duplicate entries within a feed": items_read(
        lambda s: "".join(
            f"<item><title>{t}</title><link>{s.url(p)}</link><guid>{s.url(p)}</guid></item>"
            for t, p in (("D1", "/bad/d1"), ("D2", "/bad/d2"), ("D1", "/bad/d1"), ("D1", "/bad/d1#top"))
        ),
        {"/bad/d1": 41, "/bad/d2": 42},
        new=2,
        check=_each_page_once,
    ),
    "a page of 50 MB": Case(
        lambda s: {
            "/bad.xml": rss_reply(feed_of(s, "/bad/big")),
            "/bad/big": Reply(b"<html><body>" + b"<p>x</p>" * 6_600_000),
        },
        "larger than the download size limit",
        new=1,
    ),
    "a redirect loop": Case(
        lambda s: {
            "/bad.xml": Reply(b"", status=302, headers={"Location": s.url("/bad/loop")}),
            "/bad/loop": Reply(b"", status=302, headers={"Location": s.url("/bad.xml")}),
        },
        "redirect",
        new=0,
    ),
    "a redirect to file:": Case(
        lambda s: {"/bad.xml": Reply(b"", status=302, headers={"Location": "file:///etc/passwd"})},
        "file",
        new=0,
    ),
    "a redirect to javascript:": Case(
        lambda s: {"/bad.xml": Reply(b"", status=302, headers={"Location": "javascript:alert(1)"})},
        "javascript",
        new=0,
    ),
    "a slow-loris server": Case(
        lambda s: {"/bad.xml": Reply(feed_of(s, "/bad/p"), content_type=RSS_TYPE, send_first=20, drip=0.5)},
        "timed out",
        new=0,
    ),
    "a connection reset mid-body": Case(
        lambda s: {
            "/bad.xml": Reply(feed_of(s, "/bad/p") * 20, content_type=RSS_TYPE, send_first=300, cut=True)
        },
        "connection lost",
        new=0,
    ),
    "HTTP 410": Case(lambda s: {"/bad.xml": Reply(b"gone", status=410)}, "HTTP 410", new=0),
    "HTTP 500": Case(lambda s: {"/bad.xml": Reply(b"oops", status=500)}, "HTTP 500", new=0),
    "HTTP 429 without Retry-After": Case(lambda s: {"/bad.xml": Reply(b"", status=429)}, "HTTP 429", new=0),
    "relative and protocol-relative links": items_read(
        lambda s: (
            "<item><title>R1</title><link>/bad/p1</link></item>"
            f"<item><title>R2</title><link>//{s.base.removeprefix('http://')}/bad/p2</link></item>"
        ),
        {"/bad/p1": 21, "/bad/p2": 22},
        new=2,
        check=_absolute,
    ),
    "an entity-expansion (billion laughs) feed": declares_entities(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><item><title>&c;</title><link>https://ex.org/x</link></item></channel></rss>',
    ),
    "an external-entity (XXE) feed": declares_entities(
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><rss version="2.0"><channel><item><title>T &x;</title><link>https://ex.org/x</link></item></channel></rss>',
        check=_nothing_leaked,
    ),
    "an entity feed behind a long leading comment": declares_entities(
        b'<?xml version="1.0"?><!--' + b"x" * 100_000 + b"-->"
        b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<rss version="2.0"><channel><item><title>&b;</title><link>https://ex.org/x</link></item></channel></rss>',
    ),
    "an entity feed in UTF-16": declares_entities(
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>'
        '<rss version="2.0"><channel><item><title>&a;</title><link>https://ex.org/x</link></item></channel></rss>'.encode(
            "utf-16"
        ),
    ),
    "a malformed link among good ones": items_read(
        lambda s: (
            "<item><title>M1</title><link>http://[::1/x</link></item>"
            "<item><title>M2</title><link>http://ex.org:99999/y</link></item>"
            f"<item><title>M3</title><link>{s.url('/bad/m3')}</link></item>"
        ),
        {"/bad/m3": 51},
        new=1,
    ),
    "a meta refresh to mailto:": Case(
        lambda s: {
            "/bad.xml": rss_reply(feed_of(s, "/bad/refresh")),
            "/bad/refresh": Reply(
                article(52).replace(
                    b"<head>", b'<head><meta http-equiv="refresh" content="0; url=mailto:editor@ex.org">'
                )
            ),
        },
        None,
        new=1,
    ),
    "a NUL byte in the page": Case(
        lambda s: {
            "/bad.xml": items_reply(
                f"<item><title>Tab and nul</title><link>{s.url('/bad/nul')}</link></item>"
            ),
            "/bad/nul": Reply(article(53).replace(b"</h1>", b"</h1><p>nul \x00 here and \x00 there</p>")),
        },
        None,
        new=1,
        check=_no_nul,
    ),
    "a non-HTML article page": Case(
        lambda s: {
            "/bad.xml": rss_reply(feed_of(s, "/bad/report.pdf")),
            "/bad/report.pdf": Reply(b"%PDF-1.7 ...", content_type="application/pdf"),
        },
        "not an HTML page (application/pdf)",
        new=1,
    ),
    "dates in the future or unparseable": items_read(
        lambda s: (
            f"<item><title>F</title><link>{s.url('/bad/p1')}</link><pubDate>Mon, 01 Jan 2099 00:00:00 GMT</pubDate></item>"
            f"<item><title>U</title><link>{s.url('/bad/p2')}</link><pubDate>the day after tomorrow</pubDate></item>"
        ),
        {"/bad/p1": 31, "/bad/p2": 32},
        new=2,
        check=_dates_sane,
    ),
}


def good_items(core: Aggregator) -> list[tuple[str, str, str]]:
    return sorted((i.canonical_url, i.title, i.text) for i in core.items.query(source="good", limit=None))


def _runs() -> list[Any]:
    """Every case on SQLite; on PostgreSQL too the cases whose items reach the database.

    A case that stores nothing (a refused download, an error status, a feed refused or empty) runs
    the same fetching and parsing code whatever the database, and the good source beside it is
    checked on both databases by the cases that store.
    """
    runs = []
    for name, case in CASES.items():
        runs.append(pytest.param("sqlite", name, id=f"sqlite-{name}"))
        if case.new != 0:
            runs.append(pytest.param("postgresql", name, id=f"postgresql-{name}", marks=pytest.mark.postgres))
    return runs


@pytest.mark.parametrize(("db_url", "name"), _runs(), indirect=["db_url"])
def test_bad_input_is_reported_and_loses_nothing(name: str, server: LocalServer, db_url: str) -> None:
    case = CASES[name]
    server.routes["/good.xml"] = etagged(feed_of(server, "/good/1", "/good/2"), RSS_TYPE)
    server.routes["/good/1"] = Reply(PAGE)
    server.routes["/good/2"] = Reply(fixture_bytes("pages/github.blog.spiceland.html"))
    env = crawl_env(db_url, **case.env)
    # The set-up goes through the services in this process; the crawls, which are under test, run
    # the CLI as a curator would, in a process of their own.
    core = Aggregator(Config(database_url=db_url, allow_private_networks=True))
    try:
        core.init_db()
        core.sources.add(server.url("/good.xml"), name="good")
        assert crawl_json(env)[0] == 0
        before = good_items(core)
        assert len(before) == 2
        server.routes.update(case.routes(server))
        server.routes.update({path: Reply(article(seed)) for path, seed in case.articles.items()})
        core.sources.add(server.url("/bad.xml"), name="bad")

        code, summary, stderr = crawl_json(env)

        assert "Traceback" not in stderr
        lines = {line["source"]: line for line in summary["sources"]}
        assert lines["good"]["status"] == "not modified"
        bad = lines["bad"]
        if case.error is None:
            assert code == 0, stderr
            assert bad["errors"] == 0, bad
        else:
            assert code == 1
            assert case.error in (bad["error"] or ""), bad
            assert "error: bad: " in stderr
        if case.new is not None:
            assert bad["new"] == case.new, bad
        if case.warning is not None:
            assert case.warning in (bad["warning"] or ""), bad
            assert "warning: bad: " in stderr
            assert core.sources.get("bad").health == "warning"  # the source answered: no failure
        else:
            assert bad["warnings"] == 0, bad
        assert good_items(core) == before
        if case.check is not None:
            case.check(server, core)
    finally:
        core.close()


def test_changing_guids_for_the_same_urls_store_nothing_twice(server: LocalServer, db_url: str) -> None:
    def feed(version: str) -> Reply:
        entries = [Entry(server.url(f"/p/{n}"), f"P{n}", DAY, guid=f"urn:{version}:{n}") for n in (1, 2)]
        return Reply(rss(entries), content_type=RSS_TYPE)

    server.routes["/feed.xml"] = feed("v1")
    server.routes["/p/1"] = Reply(PAGE)
    server.routes["/p/2"] = Reply(fixture_bytes("pages/github.blog.spiceland.html"))
    env = crawl_env(db_url)
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/feed.xml"), "--name", "site", env=env)
    assert crawl_json(env)[1]["sources"][0]["new"] == 2
    server.routes["/feed.xml"] = feed("v2")
    code, summary, _ = crawl_json(env)
    assert code == 0
    # Known by their URLs: counted as unchanged (not copies of other items), and not fetched again.
    line = summary["sources"][0]
    assert (line["new"], line["unchanged"], line["duplicates"]) == (0, 2, 0)
    assert len(server.requests_to("/p/1")) == 1
