from __future__ import annotations

import datetime as dt
import json

import pytest

from aggregator.errors import FeedError
from aggregator.reader.feeds import parse_feed
from tests.conftest import fixture_bytes

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://ex.org/"><title>RSS one</title><link>https://ex.org/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://ex.org/a"/></rdf:Seq></items></channel>
  <item rdf:about="https://ex.org/a"><title>First &amp; only</title><link>https://ex.org/a</link>
    <dc:creator>Ann Jones</dc:creator><dc:date>2019-07-04T10:00:00Z</dc:date>
    <description>Hello</description></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom feed</title><id>urn:x</id>
  <updated>2024-02-20T10:00:00Z</updated><link rel="self" href="https://ex.org/feed"/>
  <entry><id>tag:ex.org,2024:1</id><title>Citizens' assembly report</title>
    <link rel="alternate" href="/news/report"/><published>2024-02-20T09:30:00+01:00</published>
    <updated>2024-02-21T00:00:00Z</updated><author><name>Bethan Ifan</name></author>
    <summary type="html">&lt;p&gt;Short &lt;b&gt;teaser&lt;/b&gt;&lt;/p&gt;</summary></entry>
  <entry><id>tag:ex.org,2024:2</id><title>No link at all</title>
    <updated>2024-02-21T00:00:00Z</updated></entry>
</feed>"""


def test_real_guardian_rss_gives_every_item_with_link_date_author_and_categories() -> None:
    feed = parse_feed(fixture_bytes("feeds/guardian_us_2018-01-31.rss"), "https://www.theguardian.com/us/rss")
    assert feed.format == "rss20"
    assert len(feed.entries) == 55  # every <item> in the file
    first = feed.entries[0]
    assert first.title == "Trump State of the Union address promised unity but emphasized discord"
    assert first.link == first.guid
    assert first.link.startswith("https://www.theguardian.com/us-news/2018/jan/31/")
    assert first.published == dt.datetime(2018, 1, 31, 7, 26, 5, tzinfo=dt.UTC)
    assert first.author
    assert "Donald Trump" in first.categories
    assert "new American moment" in first.summary_html


def test_wordpress_feed_with_whitespace_around_links() -> None:
    feed = parse_feed(
        fixture_bytes("feeds/wordpress_5.1.1_single_item.xml"), "http://www.earthquakenewstoday.com/feed/"
    )
    (entry,) = feed.entries
    assert entry.link == (
        "http://www.earthquakenewstoday.com/2019/08/06/minor-earthquake-3-5-mag-was-detected-near-aris-in-greece/"
    )
    assert entry.author == "admin"
    assert feed.language == "en-US"


def test_rss_1_0() -> None:
    feed = parse_feed(RSS1, "https://ex.org/rss")
    assert feed.format == "rss10"
    (entry,) = feed.entries
    assert (entry.title, entry.link, entry.author) == ("First & only", "https://ex.org/a", "Ann Jones")
    assert entry.published == dt.datetime(2019, 7, 4, 10, tzinfo=dt.UTC)


def test_atom_resolves_relative_links_and_drops_entries_without_one() -> None:
    feed = parse_feed(ATOM, "https://ex.org/feed", {"Content-Type": "application/atom+xml"})
    assert feed.format == "atom10"
    assert feed.skipped == 1
    (entry,) = feed.entries
    assert entry.link == "https://ex.org/news/report"
    assert entry.guid == "tag:ex.org,2024:1"
    assert entry.author == "Bethan Ifan"
    assert entry.published == dt.datetime(2024, 2, 20, 8, 30, tzinfo=dt.UTC)
    assert "<b>teaser</b>" in entry.summary_html


def test_json_feed_1_1() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON",
            "language": "cy",
            "authors": [{"name": "Feed Author"}],
            "items": [
                {
                    "id": "42",
                    "url": "https://ex.org/j/42",
                    "title": "Cynulliad y dinasyddion",
                    "content_text": "Para one.\n\nPara <two>.",
                    "date_published": "2023-03-01T12:00:00Z",
                    "tags": ["democracy"],
                },
                {"id": "no-url-here", "title": "dropped"},
            ],
        }
    ).encode()
    feed = parse_feed(body, "https://ex.org/feed.json", {"content-type": "application/feed+json"})
    assert feed.format == "json11"
    assert feed.language == "cy"
    assert feed.skipped == 1
    (entry,) = feed.entries
    assert (entry.guid, entry.author) == ("42", "Feed Author")
    assert entry.content_html == "<p>Para one.</p><p>Para &lt;two&gt;.</p>"
    assert entry.categories == ("democracy",)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<html><body><p>Just a page</p></body></html>", "text/html", "not a feed"),
        (b"this is { not xml", "text/plain", "not a feed"),
        (b'{"hello": "world"}', "application/json", "JSON Feed version"),
        (b"{broken json", "application/json", "invalid JSON"),
    ],
)
def test_what_is_not_a_feed_raises_feed_error(body: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, "https://ex.org/x", {"Content-Type": content_type})


def test_feedparser_is_never_given_a_string_it_could_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.xml"
    secret.write_text(RSS1.decode())
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode(), "https://ex.org/x")


def test_entries_with_absurdly_long_links_are_skipped() -> None:
    long_link = "https://ex.org/" + "a" * 3000
    body = RSS1.replace(b"<link>https://ex.org/a</link>", f"<link>{long_link}</link>".encode())
    body = body.replace(b'rdf:about="https://ex.org/a"><title>', f'rdf:about="{long_link}"><title>'.encode())
    feed = parse_feed(body, "https://ex.org/rss")
    assert feed.entries == []
    assert feed.skipped == 1


def test_json_feed_nulls_and_wrong_types_read_as_absent_not_as_words() -> None:
    # `"title": null` was stored as the title "None"; numbers, lists and objects as their repr.
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": None,
            "items": [
                {
                    "id": 7,
                    "url": "https://ex.org/j/7",
                    "title": None,
                    "summary": {"not": "text"},
                    "content_html": None,
                    "content_text": 12,
                    "tags": ["ok", None, 3, {"x": 1}],
                    "authors": [{"name": None}, {"name": "Real Name"}],
                }
            ],
        }
    ).encode()
    feed = parse_feed(body, "https://ex.org/feed.json", {"content-type": "application/feed+json"})
    assert feed.title == ""
    [entry] = feed.entries
    assert (entry.title, entry.summary_html, entry.content_html) == ("", "", "")
    assert entry.guid == "7"
    assert entry.categories == ("ok",)
    assert entry.author == "Real Name"
