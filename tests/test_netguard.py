from __future__ import annotations

import datetime as dt

import pytest

from aggregator.errors import BlockedAddress
from aggregator.netguard import check_url
from tests.support.cli import crawl_env, crawl_json, run_cli
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/feed",
        "http://localhost/feed",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
    ],
)
def test_internal_addresses_are_refused(url: str) -> None:
    with pytest.raises(BlockedAddress, match="non-public address"):
        check_url(url, allow_private=False)
    check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x"])
def test_other_schemes_are_refused_even_when_private_networks_are_allowed(url: str) -> None:
    with pytest.raises(BlockedAddress, match="only http and https"):
        check_url(url, allow_private=True)


def test_public_literal_addresses_pass() -> None:
    check_url("https://93.184.215.14/", allow_private=False)
    check_url("https://[2606:4700::1111]/", allow_private=False)


@pytest.mark.crawl
def test_a_crawl_refuses_a_source_on_a_private_address(server: LocalServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    server.routes["/feed.xml"] = Reply(
        rss([Entry(server.url("/a"), "A", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))]),
        content_type="application/rss+xml",
    )
    env = crawl_env(f"sqlite:///{tmp_path}/db.sqlite", AGGREGATOR_ALLOW_PRIVATE_NETWORKS="0")
    run_cli("init", env=env)
    run_cli("sources", "add", server.url("/feed.xml"), "--name", "local", env=env)
    code, summary, _ = crawl_json(env)
    assert code == 1
    (line,) = summary["sources"]
    assert "non-public address 127.0.0.1" in line["error"]
    assert server.requests_to("/feed.xml") == []
