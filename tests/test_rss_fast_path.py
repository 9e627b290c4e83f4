"""The lxml reader of plain RSS 2.0 against feedparser: the same fields on every recorded RSS feed,
and a refusal (None) wherever it could read differently."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import feedparser
import pytest

from aggregator.reader.fast_rss import read_rss
from aggregator.reader.feeds import parse_feed

ROOT = Path(__file__).resolve().parents[1]
RECORDED = [
    ROOT / "tests/fixtures/feeds/guardian_us_2018-01-31.rss",
    ROOT / "tests/fixtures/feeds/wordpress_5.1.1_single_item.xml",
    ROOT / "aggregator/demo/snapshot/www.theguardian.com/uk/rss.xml",
    ROOT / "aggregator/demo/snapshot/www.iwa.wales/feed/index.xml",
    ROOT / "aggregator/demo/snapshot/us4.campaign-archive.com/feed-involve-newsletter.xml",
]
HEADERS = ({"content-type": "application/rss+xml"}, {"content-type": "text/xml; charset=UTF-8"})
ENTRY_FIELDS = (
    "link",
    "id",
    "guidislink",
    "title",
    "author",
    "summary",
    "published_parsed",
    "updated_parsed",
)


def _by_feedparser(body: bytes, headers: dict[str, str]) -> Any:
    return feedparser.parse(
        io.BytesIO(body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )


def _tags(entry: Any) -> list[tuple[str, str | None]]:
    return [(t["term"], t.get("scheme")) for t in entry.get("tags", [])]


@pytest.mark.parametrize("headers", HEADERS, ids=["rss+xml", "text/xml"])
@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.name)
def test_recorded_rss_reads_as_feedparser_reads_it(path: Path, headers: dict[str, str]) -> None:
    body = path.read_bytes()
    fast = read_rss(body, headers)
    assert fast is not None, "a plain RSS 2.0 feed should take the fast path"
    slow = _by_feedparser(body, headers)
    assert fast["version"] == slow.version == "rss20"
    assert fast["feed"].get("title") == slow.feed.get("title")
    assert fast["feed"].get("language") == slow.feed.get("language")
    assert len(fast["entries"]) == len(slow.entries) > 0
    for ours, theirs in zip(fast["entries"], slow.entries, strict=True):
        for field in ENTRY_FIELDS:
            # dict.get: FeedParserDict.get maps some missing keys onto others (with a warning).
            assert ours.get(field) == dict.get(theirs, field), (path.name, field)
        assert [link["href"] for link in ours["links"]] == [link["href"] for link in theirs.get("links", [])]
        assert [c["value"] for c in ours["content"]] == [c["value"] for c in theirs.get("content", [])]
        assert _tags(ours) == _tags(theirs)


def test_parse_feed_gives_the_same_entries_on_either_path() -> None:
    body = RECORDED[0].read_bytes()
    fast = parse_feed(body, "https://www.theguardian.com/us/rss", {"Content-Type": "application/rss+xml"})
    # A Content-Language header sends the same document to feedparser.
    slow = parse_feed(
        body,
        "https://www.theguardian.com/us/rss",
        {"Content-Type": "application/rss+xml", "Content-Language": "en-gb"},
    )
    assert fast.entries == slow.entries
    assert len(fast.entries) == 55


ITEM = "<item><title>T</title><link>https://ex.org/a</link>{extra}</item>"
PLAIN = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<rss version="2.0" {ns}><channel><title>C</title>{items}</channel></rss>'
)
NS = 'xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'


def _rss(extra: str = "", *, ns: str = NS, version: str = "2.0") -> bytes:
    doc = PLAIN.format(ns=ns, items=ITEM.format(extra=extra)).replace('version="2.0"', f'version="{version}"')
    return doc.encode()


def test_a_plain_item_is_read() -> None:
    feed = read_rss(_rss("<description>&lt;p&gt;Hi&lt;/p&gt;</description>"), {})
    assert feed is not None
    assert feed["entries"][0]["summary"] == "<p>Hi</p>"


@pytest.mark.parametrize(
    ("body", "headers", "why"),
    [
        (_rss("<description><p>unescaped</p></description>"), {}, "markup inside a text element"),
        (_rss('<media:content url="x"><media:title>Other</media:title></media:content>'), {}, "media:title"),
        (_rss("<itunes:summary>Sum</itunes:summary>"), {}, "an element feedparser maps to summary"),
        (_rss("<author>ann@ex.org (Ann)</author>"), {}, "an RSS author with an e-mail address"),
        (_rss("<title>Second</title>"), {}, "a repeated title"),
        (_rss(version="0.91"), {}, "another RSS version"),
        (_rss().replace(b"<channel>", b'<channel xml:base="https://ex.org/">'), {}, "xml:base"),
        (_rss(), {"content-type": "application/rss+xml; charset=iso-8859-1"}, "a charset the prolog denies"),
        (_rss().replace(b"</channel>", b""), {}, "not well-formed"),
    ],
)
def test_anything_unusual_is_left_to_feedparser(body: bytes, headers: dict[str, str], why: str) -> None:
    assert read_rss(body, headers) is None, why


# Windows-1252 in disguise: numeric references and raw C1 characters that feedparser reads as the
# cp1252 characters they stand for (&#146; is ’); the fast path stored U+0092 instead.
CP1252_TEXTS = [
    "It&#146;s &#x92;quoted&#148; &#150; a dash",
    "raw \u0092 and \u0096 and \u0085",
    "undefined &#129; &#157; stay",
    "&amp;#146; is text, not a reference",
]


@pytest.mark.parametrize("text", CP1252_TEXTS)
def test_windows_1252_references_read_as_feedparser_reads_them(text: str) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
        f"<title>{text}</title><link>https://ex.org/a</link><description>{text}</description>"
        f"<category>{text}</category></item></channel></rss>"
    ).encode()
    fast = read_rss(body, HEADERS[0])
    slow = _by_feedparser(body, HEADERS[0])
    assert fast is not None
    for field in ("title", "summary"):
        assert fast["entries"][0][field] == slow.entries[0][field], field
    assert _tags(fast["entries"][0]) == _tags(slow.entries[0])
