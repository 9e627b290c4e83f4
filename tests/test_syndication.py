"""The same story published by two sources under different URLs ends as one candidate linked to the other."""

from __future__ import annotations

import datetime as dt

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.support.cli import crawl_env, crawl_json, run_cli
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply
from tests.test_duplicates import ASSEMBLY, LIBRARY

pytestmark = pytest.mark.crawl
DAY = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)


def page(title: str, body: str, lead: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in body.split("\n\n") if p.strip())
    lead_html = f"<p><em>{lead}</em></p>" if lead else ""
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{lead_html}{paragraphs}</article>"
        f"<footer>© Somebody 2024. All rights reserved.</footer></body></html>"
    ).encode()


def test_a_syndicated_copy_is_linked_to_the_first_and_left_out_of_the_queue(
    server: LocalServer, db_url: str
) -> None:
    server.routes["/one/feed.xml"] = Reply(
        rss([Entry(server.url("/one/valley-assembly"), "Valley assembly decides", DAY)]),
        content_type="application/rss+xml",
    )
    server.routes["/two/feed.xml"] = Reply(
        rss(
            [
                Entry(server.url("/two/2024/03/valley-town-assembly"), "A valley town's assembly", DAY),
                Entry(server.url("/two/libraries"), "Mobile libraries", DAY),
            ]
        ),
        content_type="application/rss+xml",
    )
    server.routes["/one/valley-assembly"] = Reply(page("Valley assembly decides", ASSEMBLY))
    server.routes["/two/2024/03/valley-town-assembly"] = Reply(
        page("A valley town's assembly", ASSEMBLY, lead="This article first appeared on Click on Wales.")
    )
    server.routes["/two/libraries"] = Reply(page("Mobile libraries", LIBRARY))
    env = crawl_env(db_url)
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/one/feed.xml"), "--name", "one", env=env)
    run_cli("sources", "add", server.url("/two/feed.xml"), "--name", "two", env=env)

    assert crawl_json(env, "one")[0] == 0
    code, summary, stderr = crawl_json(env, "two")

    assert code == 0, stderr
    assert (summary["sources"][0]["new"], summary["sources"][0]["duplicates"]) == (1, 1)
    core = Aggregator(Config(database_url=db_url))
    try:
        everything = {i.url: i for i in core.items.query(limit=None, include_duplicates=True)}
        first = everything[server.url("/one/valley-assembly")]
        copy = everything[server.url("/two/2024/03/valley-town-assembly")]
        assert copy.duplicate_of_id == first.id
        assert first.duplicate_of_id is None
        assert everything[server.url("/two/libraries")].duplicate_of_id is None
        queue = {i.url for i in core.items.query(status="new", limit=None)}
        assert queue == {server.url("/one/valley-assembly"), server.url("/two/libraries")}
    finally:
        core.close()
