from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import feedparser
from click.testing import CliRunner
from lxml import etree

from aggregator.cli import main
from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.publish.service import export
from tests.test_sources import harvested

ATOM_NS = "{http://www.w3.org/2005/Atom}"


def seed(core: Aggregator) -> list[int]:
    source = core.sources.add("https://www.iwa.wales/feed/", name="IWA")
    for n in range(5):
        core.items.record(
            harvested(
                source.id,
                f"https://www.iwa.wales/agenda/2019/0{n + 1}/post-{n}/",
                title=f"Post {n} <b>&amp;</b>",
                author="Catrin Mathias" if n != 2 else None,
                published=dt.datetime(2019, n + 1, 14, 8, 0, tzinfo=dt.UTC),
                summary=f"Summary {n}.",
            )
        )
    return [i.id for i in sorted(core.items.query(), key=lambda i: i.url)]


def test_atom_export_holds_exactly_the_approved_entries(core: Aggregator) -> None:
    ids = seed(core)
    core.topics.add("citizens-assemblies", name="Citizens assemblies")
    core.items.approve(ids[0], actor="ann", excerpt="“A quoted line.”", topics=["citizens-assemblies"])
    core.items.approve(ids[2], actor="ann")
    core.items.approve(ids[4], actor="ann")
    core.items.reject(ids[1], actor="ann")

    out = io.BytesIO()
    assert export(core, "atom", out) == 3
    parsed = feedparser.parse(io.BytesIO(out.getvalue()))

    assert parsed.bozo == 0
    assert parsed.version == "atom10"
    got = [(e.title, e.link, e.published_parsed[:3]) for e in parsed.entries]
    assert got == [
        # Titles are plain text: harvested markup is dropped, its text (the decoded &) kept.
        ("Post 4 &", "https://www.iwa.wales/agenda/2019/05/post-4/", (2019, 5, 14)),
        ("Post 2 &", "https://www.iwa.wales/agenda/2019/03/post-2/", (2019, 3, 14)),
        ("Post 0 &", "https://www.iwa.wales/agenda/2019/01/post-0/", (2019, 1, 14)),
    ]
    first_post = parsed.entries[2]
    assert first_post.summary == "“A quoted line.”"
    assert first_post.author == "Catrin Mathias"
    assert parsed.entries[1].author == "IWA"  # no author: the source stands in, as RFC 4287 needs one
    assert [t.term for t in first_post.tags] == ["citizens-assemblies"]


def test_atom_has_what_rfc_4287_requires(core: Aggregator) -> None:
    ids = seed(core)
    for item_id in ids:
        core.items.approve(item_id, actor="ann")
    out = io.BytesIO()
    export(core, "atom", out)
    root = etree.fromstring(out.getvalue())
    assert root.tag == f"{ATOM_NS}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM_NS}{name}") is not None
    assert root.find(f"{ATOM_NS}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM_NS}entry")
    assert len(entries) == 5
    ids_seen = set()
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM_NS}{name}") or "").strip()
        assert (entry.findtext(f"{ATOM_NS}author/{ATOM_NS}name") or "").strip()
        ids_seen.add(entry.findtext(f"{ATOM_NS}id"))
    assert len(ids_seen) == 5
    # Titles are text, never markup: the <b> arrives escaped.
    assert b"<b>" not in out.getvalue()


def test_export_of_a_topic_and_an_empty_feed(core: Aggregator) -> None:
    ids = seed(core)
    core.topics.add("wales", name="Wales")
    core.items.approve(ids[3], actor="ann", topics=["wales"])
    core.items.approve(ids[4], actor="ann")
    out = io.BytesIO()
    assert export(core, "atom", out, topic="wales") == 1
    parsed = feedparser.parse(io.BytesIO(out.getvalue()))
    assert parsed.feed.title.endswith("Wales")
    assert [e.link for e in parsed.entries] == ["https://www.iwa.wales/agenda/2019/04/post-3/"]
    empty = io.BytesIO()
    core.topics.add("empty", name="Empty")
    assert export(core, "atom", empty, topic="empty") == 0
    assert feedparser.parse(io.BytesIO(empty.getvalue())).bozo == 0


def test_cli_export_writes_the_file_whole(
    config: Config, core: Aggregator, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    ids = seed(core)
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", config.database_url)
    runner = CliRunner()
    for item_id in ids[:3]:
        result = runner.invoke(main, ["--user", "ann", "items", "approve", str(item_id)])
        assert result.exit_code == 0, result.output
    target = tmp_path / "curated.atom"
    result = runner.invoke(main, ["export", "--format", "atom", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert len(feedparser.parse(io.BytesIO(target.read_bytes())).entries) == 3
    assert not list(tmp_path.glob(".*.tmp"))
    listed = runner.invoke(main, ["items", "list", "--status", "approved", "--json"])
    assert {i["reviewed_by"] for i in json.loads(listed.output)} == {"ann"}
