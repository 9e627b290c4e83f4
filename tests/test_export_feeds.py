"""Atom, RSS and JSON Feed read back by feedparser, and what their specifications require."""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import feedparser
import pytest
from feedgen.entry import FeedEntry
from lxml import etree

from aggregator.core import Aggregator
from aggregator.publish.entries import Entry
from aggregator.publish.formats.atom import entry_element
from aggregator.publish.service import export, published_entries
from aggregator.reader.feeds import parse_feed
from aggregator.text import html_to_text
from tests.test_export_golden import CLOCK, TOPIC, seed_citizens_assemblies

ATOM = "{http://www.w3.org/2005/Atom}"


def exported(core: Aggregator, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    export(core, fmt, out, now=CLOCK, **kw)  # type: ignore[arg-type]
    return out.getvalue()


def expected_entries(core: Aggregator) -> list[dict[str, object]]:
    """Return what every feed must carry per entry, newest first, read from the service."""
    rows = []
    for item in core.items.query(status="approved", limit=None):
        rows.append(
            {
                "title": item.title,
                "link": item.url,
                "date": item.published_at,
                "summary": item.excerpt,
            }
        )
    return rows


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feedparser_reads_back_every_entry_intact(core: Aggregator, fmt: str) -> None:
    seed_citizens_assemblies(core)
    parsed = feedparser.parse(io.BytesIO(exported(core, fmt, topic=TOPIC)))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == {"atom": "atom10", "rss": "rss20"}[fmt]
    want = expected_entries(core)
    assert len(parsed.entries) == len(want) == 3
    for entry, expected in zip(parsed.entries, want, strict=True):
        assert entry.title == expected["title"]
        assert entry.link == expected["link"]
        date = expected["date"]
        assert isinstance(date, dt.datetime)
        assert tuple(entry.published_parsed[:6]) == date.utctimetuple()[:6]
        if expected["summary"]:
            assert entry.summary == expected["summary"]
        else:  # the newsletter: its stories stand in for an excerpt
            assert "Could a citizens' assembly on Brexit happen?" in entry.content[0].value
    assert "Read with the Guardian piece." in parsed.entries[1].content[0].value  # the curator's note


@pytest.mark.parametrize("fmt", ["atom", "rss", "jsonfeed"])
def test_our_own_feed_reader_reads_back_every_entry(core: Aggregator, fmt: str) -> None:
    # feedparser 6 has no JSON Feed support; the product's reader (feedparser for XML) reads all three.
    seed_citizens_assemblies(core)
    feed = parse_feed(exported(core, fmt, topic=TOPIC), "http://localhost:8000/", {})
    assert feed.format == {"atom": "atom10", "rss": "rss20", "jsonfeed": "json11"}[fmt]
    want = expected_entries(core)
    got = [(e.title, e.link, e.published) for e in feed.entries]
    assert got == [(w["title"], w["link"], w["date"]) for w in want]
    for entry, expected in zip(feed.entries, want, strict=True):
        if expected["summary"]:
            assert html_to_text(entry.summary_html) == expected["summary"]
        assert entry.author


def test_atom_has_what_rfc_4287_requires_for_every_entry(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    root = etree.fromstring(exported(core, "atom"))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 3
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert (entry.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
        # An entry needs an alternate link or content (RFC 4287 4.1.1.2).
        assert entry.find(f"{ATOM}link") is not None or entry.find(f"{ATOM}content") is not None
        updated = entry.findtext(f"{ATOM}updated") or ""
        assert dt.datetime.fromisoformat(updated) == CLOCK  # RFC 3339 with an offset
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
    # The feed's updated is the newest entry's.
    assert dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated") or "") == CLOCK


def test_json_feed_has_what_version_1_1_requires(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    feed = json.loads(exported(core, "jsonfeed", topic=TOPIC))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Curated entries: Citizens assemblies"
    assert feed["feed_url"] == "http://localhost:8000/topics/citizens-assemblies/feed.json"
    assert len(feed["items"]) == 3
    for item in feed["items"]:
        assert isinstance(item["id"], str)
        assert item["id"]
        assert item.get("content_html") or item.get("content_text")
        assert item["authors"][0]["name"]
        dt.datetime.fromisoformat(item["date_published"])
        dt.datetime.fromisoformat(item["date_modified"])
    newsletter = feed["items"][0]
    assert newsletter["title"] == "A summer of citizens' assemblies"
    assert newsletter["content_html"].count("<li>") == 3


def test_empty_feeds_are_still_valid_documents(core: Aggregator) -> None:
    core.topics.add("empty", name="Empty")
    atom = feedparser.parse(io.BytesIO(exported(core, "atom", topic="empty")))
    rss = feedparser.parse(io.BytesIO(exported(core, "rss", topic="empty")))
    feed = json.loads(exported(core, "jsonfeed", topic="empty"))
    assert (atom.bozo, rss.bozo, len(atom.entries), len(rss.entries)) == (0, 0, 0, 0)
    assert feed["items"] == []
    # No entries: the feed is as new as the export.
    assert atom.feed.updated_parsed == time.struct_time(CLOCK.utctimetuple())


def test_feeds_are_newest_first_and_only_approved(core: Aggregator) -> None:
    ids = seed_citizens_assemblies(core)
    core.items.reject(ids["iwa"], actor="ann")
    titles = [e.title for e in feedparser.parse(io.BytesIO(exported(core, "rss"))).entries]
    assert titles == [
        "A summer of citizens' assemblies",
        "Britain's first climate assembly: can it help fix democracy too?",
    ]


def test_since_keeps_later_entries_only(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    since = dt.datetime(2019, 7, 25, tzinfo=dt.UTC)
    links = [e.link for e in feedparser.parse(io.BytesIO(exported(core, "atom", since=since))).entries]
    assert links == [
        "https://involve.org.uk/news-opinion/news/summer-citizens-assemblies",
        "https://www.iwa.wales/click/2019/07/impressions-from-wales-first-citizens-assembly/",
    ]


def feedgen_entry(entry: Entry) -> FeedEntry:
    """Return the entry built with feedgen's API, the reference the fast Atom writer must match."""
    fe = FeedEntry()
    fe.id(entry.id)
    fe.title(entry.title)
    if entry.link:
        fe.link(href=entry.link, rel="alternate")
    fe.updated(entry.updated)
    if entry.published:
        fe.published(entry.published)
    fe.author(name=entry.author)
    if entry.summary:
        fe.summary(entry.summary, type="text")
    if entry.note or entry.stories:
        fe.content(entry.content_html(), type="html")
    elif not entry.link:
        fe.content(entry.summary or entry.title, type="text")
    for slug in entry.topics:
        fe.category(term=slug)
    return fe


def test_atom_entries_are_what_feedgen_builds(core: Aggregator) -> None:
    ids = seed_citizens_assemblies(core)
    core.items.edit(ids["guardian"], actor="ann", note="A note & <b>markup</b>")
    entries = list(published_entries(core))
    assert len(entries) == 3
    for entry in entries:
        ours = etree.tostring(entry_element(entry))
        theirs = etree.tostring(feedgen_entry(entry).atom_entry(extensions=False))
        assert ours == theirs
