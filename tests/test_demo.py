"""The README's first command ends in the demo: it must store 20+ real articles, then nothing twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.support.cli import crawl_env, free_port, run_cli

pytestmark = pytest.mark.crawl
SUMMARY = "33 articles, 4 newsletter issues, 8 newsletter stories"


def test_demo_stores_twenty_articles_once_each(db_url: str, tmp_path: Path) -> None:
    env = crawl_env(db_url, AGGREGATOR_ALLOW_PRIVATE_NETWORKS="0", AGGREGATOR_FETCH_TIMEOUT="20")
    port = str(free_port())

    first = run_cli("demo", "--port", port, "--no-serve", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert SUMMARY in first.stdout

    core = Aggregator(Config(database_url=db_url))
    try:
        items = core.items.query(limit=None)
        articles = [i for i in items if i.kind == "article"]
        assert len(articles) >= 20
        for item in articles:
            assert item.title
            assert item.published_at is not None
            assert item.source_name.endswith("(demo)")
            assert item.content_origin in ("article", "api")
            assert len(item.text) > 500, item.url
            assert item.excerpt_candidates
        assert {s.kind for s in core.sources.all()} == {
            "guardian",
            "feed",
            "sitemap",
            "wordpress",
            "listing",
            "newsletter",
        }
        issues = [i for i in items if i.kind == "newsletter"]
        # August 2019 is on Involve's site and in its Mailchimp archive: two issues, one set of stories
        # (each story belongs to the issue stored first), the same six bullets on each.
        assert sum(len(core.items.stories(i.id)) for i in issues) == 12
        assert sorted(len(i.bullets) for i in issues) == [3, 3, 6, 6]
        assert not [i for i in items if "127.0.0.1" in i.url + i.canonical_url]
        assert len([i for i in items if i.language == "cy"]) >= 1
        assert any(s.slug == "citizens-assemblies" and s.score > 0.5 for i in items for s in i.scores)

        stored_before = core.items.count()

        second = run_cli("demo", "--port", port, "--no-serve", env=env, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert SUMMARY in second.stdout
        assert core.items.count() == stored_before
        assert {i.canonical_url for i in core.items.query(limit=None)} == {i.canonical_url for i in items}
        assert second.stdout.count("not modified") == 8
    finally:
        core.close()
