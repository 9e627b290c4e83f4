"""The README's first command ends in the demo: it must store 20+ real articles, then nothing twice."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.support.cli import crawl_env, run_cli

pytestmark = pytest.mark.crawl


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_stores_twenty_articles_once_each(db_url: str, tmp_path: Path) -> None:
    env = crawl_env(db_url, AGGREGATOR_ALLOW_PRIVATE_NETWORKS="0", AGGREGATOR_FETCH_TIMEOUT="20")
    port = str(free_port())

    first = run_cli("demo", "--port", port, env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "22 articles are stored" in first.stdout

    core = Aggregator(Config(database_url=db_url))
    try:
        items = core.items.query(limit=None)
        assert len(items) >= 20
        for item in items:
            assert item.title
            assert item.published_at is not None
            assert item.source_name.endswith("(demo)")
            assert item.content_origin == "article"
            assert len(item.text) > 500, item.url
        by_source = {s.name: s.item_count for s in core.sources.all()}
        assert by_source == {
            "Institute of Welsh Affairs (demo)": 9,
            "Involve (demo)": 9,
            "The Guardian (demo)": 4,
        }
        welsh = [i for i in items if i.language == "cy"]
        assert len(welsh) == 1

        second = run_cli("demo", "--port", port, env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert "22 articles are stored" in second.stdout
        assert len(core.items.query(limit=None)) == len(items)
        assert {i.canonical_url for i in core.items.query(limit=None)} == {i.canonical_url for i in items}
    finally:
        core.close()
