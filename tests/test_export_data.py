"""CSV and JSON Lines (every field, filters, formula injection), WXR for WordPress, and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from lxml import etree

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.errors import InvalidInput, NotFound
from aggregator.publish.formats.csv import FIELDS
from aggregator.publish.service import export
from tests.support.cli import crawl_env, run_cli
from tests.test_export_golden import CLOCK, TOPIC, seed_citizens_assemblies
from tests.test_sources import harvested

WP = "http://wordpress.org/export/1.2/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


def rows(core: Aggregator, fmt: str, **kw: object) -> list[dict[str, object]]:
    out = io.BytesIO()
    export(core, fmt, out, now=CLOCK, **kw)  # type: ignore[arg-type]
    text = out.getvalue().decode("utf-8-sig")
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_data_exports_hold_every_item_with_every_field(core: Aggregator, fmt: str) -> None:
    seed_citizens_assemblies(core)
    got = rows(core, fmt)
    assert len(got) == core.items.count() == 6
    assert list(got[0]) == list(FIELDS)
    stored = core.items.get(int(str(got[1]["id"])))
    assert got[1]["title"] == stored.title
    assert got[1]["curator_note"] == stored.curator_note == "Read with the Guardian piece."
    assert got[1]["heading"] == "July 2019 Institute of Welsh Affairs article (Click on Wales):"
    assert [r["status"] for r in got].count("approved") == 3


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_status_and_since_filter_the_data_exports(core: Aggregator, fmt: str) -> None:
    seed_citizens_assemblies(core)
    assert {r["status"] for r in rows(core, fmt, status="new")} == {"new"}
    assert len(rows(core, fmt, status="new")) == 3  # the three stories
    since = dt.datetime(2019, 7, 25, tzinfo=dt.UTC)
    later = rows(core, fmt, status="approved", since=since)
    assert [r["title"] for r in later] == [
        "Impressions from Wales' first citizens' assembly",
        "A summer of citizens' assemblies",
    ]
    with pytest.raises(InvalidInput, match="unknown status"):
        rows(core, fmt, status="pending")


def test_csv_cells_never_start_a_formula(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed", name='=HYPERLINK("https://evil.example")')
    for n, title in enumerate(("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=tab", "Plain -dash")):
        core.items.record(
            harvested(source.id, f"https://ex.org/{n}", title=title, summary="=cmd|' /C calc'!A0")
        )
    got = rows(core, "csv")
    assert [r["title"] for r in got] == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\t=tab", "Plain -dash"]
    assert {r["summary"] for r in got} == {"'=cmd|' /C calc'!A0"}
    assert {r["source"] for r in got} == {'\'=HYPERLINK("https://evil.example")'}
    # JSON Lines is read by programs, not spreadsheets: its values stay exact.
    assert rows(core, "jsonl")[0]["title"] == "=1+1"


def test_wxr_is_wordpress_import_xml_of_draft_posts(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    out = io.BytesIO()
    assert export(core, "wxr", out, topic=TOPIC, now=CLOCK) == 3
    root = etree.fromstring(out.getvalue())
    # What WordPress's importer looks up: the wp namespace of WXR 1.2, its version, and the others.
    assert root.nsmap["wp"] == WP
    assert root.nsmap["content"] == CONTENT
    assert root.nsmap["excerpt"] == "http://wordpress.org/export/1.2/excerpt/"
    assert root.nsmap["dc"] == "http://purl.org/dc/elements/1.1/"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext(f"{{{WP}}}wxr_version") == "1.2"
    assert channel.findtext(f"{{{WP}}}category/{{{WP}}}category_nicename") == TOPIC
    items = channel.findall("item")
    assert [i.findtext(f"{{{WP}}}status") for i in items] == ["draft"] * 3
    assert [i.findtext(f"{{{WP}}}post_type") for i in items] == ["post"] * 3
    guardian = items[2]
    assert guardian.findtext("title") == "Britain's first climate assembly: can it help fix democracy too?"
    category = guardian.find("category")
    assert category is not None
    assert (category.get("domain"), category.get("nicename"), category.text) == (
        "category",
        TOPIC,
        "Citizens assemblies",
    )
    body = guardian.findtext(f"{{{CONTENT}}}encoded") or ""
    assert 'href="https://www.theguardian.com/politics/2019/jul/22/britains-first-climate-assembly"' in body
    assert "<blockquote><p>“I am interested" in body
    logins = {a.findtext(f"{{{WP}}}author_login") for a in channel.findall(f"{{{WP}}}author")}
    assert (
        logins == {i.findtext("{http://purl.org/dc/elements/1.1/}creator") for i in items} == {"ann", "bryn"}
    )


def test_wxr_needs_a_topic_and_feeds_take_no_status(core: Aggregator) -> None:
    with pytest.raises(InvalidInput, match="--topic"):
        export(core, "wxr", io.BytesIO())
    with pytest.raises(NotFound, match="no topic"):
        export(core, "atom", io.BytesIO(), topic="nope")
    with pytest.raises(InvalidInput, match="approved entries only"):
        export(core, "rss", io.BytesIO(), status="new")
    with pytest.raises(InvalidInput, match="unknown export format"):
        export(core, "pdf", io.BytesIO())


def test_cli_exports_every_format_and_fails_in_one_line(
    config: Config, core: Aggregator, tmp_path: Path
) -> None:
    seed_citizens_assemblies(core)
    env = crawl_env(config.database_url)
    for fmt, suffix in (
        ("atom", "xml"),
        ("rss", "xml"),
        ("jsonfeed", "json"),
        ("csv", "csv"),
        ("jsonl", "jsonl"),
        ("opml", "opml"),
    ):
        target = tmp_path / f"out.{fmt}.{suffix}"
        done = run_cli("export", "--format", fmt, "--output", str(target), env=env)
        assert done.returncode == 0, done.stderr
        assert target.stat().st_size > 100
        assert done.stderr.startswith("wrote ")
    done = run_cli("export", "--format", "wxr", "--topic", TOPIC, env=env)
    assert done.returncode == 0, done.stderr
    assert b"<wp:status>draft</wp:status>" in done.stdout.encode()
    done = run_cli("export", "--format", "csv", "--status", "new", "--since", "2019-08-01", env=env)
    assert done.returncode == 0, done.stderr
    assert len(list(csv.DictReader(io.StringIO(done.stdout.lstrip("\ufeff"))))) == 3
    site = tmp_path / "site"
    done = run_cli("export", "--format", "site", "--output", str(site), env=env)
    assert done.returncode == 0, done.stderr
    assert (site / TOPIC / "index.html").is_file()
    for args, message in (
        (("--format", "site"), "needs --output DIR"),
        (("--format", "wxr"), "give --topic SLUG"),
        (("--format", "atom", "--topic", "nope"), "no topic 'nope'"),
        (("--format", "atom", "--status", "new"), "approved entries only"),
        (("--format", "atom", "--since", "last week"), "--since"),
        (
            ("--format", "site", "--output", str(site), "--templates", str(tmp_path / "missing")),
            "does not exist",
        ),
        (("--format", "atom", "--output", str(site)), "is a folder"),
    ):
        done = run_cli("export", *args, env=env)
        assert done.returncode != 0, args
        lines = done.stderr.strip().splitlines()
        assert message in lines[-1], done.stderr
        assert "Traceback" not in done.stderr
