"""Feed parsing: entries per second of the product's feed stage against ``feedparser.parse`` with defaults.

    .venv/bin/python bench/feed_parsing.py [--rounds 20]

The feeds are real ones recorded from public test data (provenance in bench/README.md): the
Guardian, WordPress, Mailchimp campaign archives, and the demo's recorded sources. The product's
stage is ``aggregator.reader.feeds.parse_feed`` (feedparser without its sanitizer and relative-URI pass)
followed by the one nh3 sanitizer (``aggregator.publish.sanitize.clean_html``) over every entry's HTML; the
peer is ``feedparser.parse`` with its defaults (its own sanitizer and URI resolution). Both are
checked to give the same entries (count, links, titles) and the product's HTML to be sanitized
(no script element, no on* attribute, no javascript: link). Target: >= 3x.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where bench/queue.py would shadow the
# standard library's queue: the project root takes its place.
sys.path[0] = str(ROOT)

import feedparser  # noqa: E402

from aggregator.publish.sanitize import clean_html  # noqa: E402
from aggregator.reader.feeds import parse_feed  # noqa: E402

SHARED = ROOT.parent / "shared" / "fixtures" / "sources"
SNAPSHOT = ROOT / "aggregator" / "demo" / "snapshot"
# (file, the URL it was served from): the URL is the base relative links resolve against.
FEEDS = (
    (ROOT / "tests/fixtures/feeds/guardian_us_2018-01-31.rss", "https://www.theguardian.com/us/rss"),
    (ROOT / "tests/fixtures/feeds/wordpress_5.1.1_single_item.xml", "https://earthquakenewstoday.com/feed/"),
    (SHARED / "wordpress/rss/wordpress-org-news_feed_2020-12.xml", "https://wordpress.org/news/feed/"),
    (
        SHARED / "mailchimp/openprescribing_psnc_mailchimp_archive_feed_2023-03.xml",
        "https://us7.campaign-archive.com/feed?u=86d41ab7fa4c7c2c5d7210782&id=63383868f3",
    ),
    (SNAPSHOT / "www.theguardian.com/uk/rss.xml", "https://www.theguardian.com/uk/rss"),
    (SNAPSHOT / "www.iwa.wales/feed/index.xml", "https://www.iwa.wales/feed/"),
    (SNAPSHOT / "involve.org.uk/feed.xml", "https://involve.org.uk/feed"),
    (
        SNAPSHOT / "us4.campaign-archive.com/feed-involve-newsletter.xml",
        "https://us4.campaign-archive.com/feed",
    ),
)
_UNSAFE = re.compile(r"<script|<iframe|\son\w+\s*=|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class Feed:
    """A recorded feed's bytes and the URL it came from."""

    name: str
    body: bytes
    url: str


def load_feeds() -> list[Feed]:
    """Return the feeds found (the shared fixtures are optional), each once whatever its copies."""
    seen: set[str] = set()
    feeds = []
    for path, url in FEEDS:
        if not path.is_file():
            print(f"skipped (not found): {path}")
            continue
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        if digest not in seen:
            seen.add(digest)
            feeds.append(Feed(path.name, body, url))
    return feeds


def product(feed: Feed) -> list[tuple[str, str, str]]:
    """Return (link, title, sanitized HTML) per entry, as the product's feed stage leaves them."""
    parsed = parse_feed(feed.body, feed.url, {"Content-Type": "application/rss+xml"})
    return [(e.link, e.title, clean_html(e.content_html or e.summary_html)) for e in parsed.entries]


def peer(feed: Feed) -> list[tuple[str, str, str]]:
    """Return (link, title, HTML) per entry as ``feedparser.parse`` gives them with its defaults."""
    headers = {"content-location": feed.url, "content-type": "application/rss+xml"}
    parsed: Any = feedparser.parse(io.BytesIO(feed.body), response_headers=headers)
    rows = []
    for entry in parsed.entries:
        content = entry.get("content") or []
        html = "\n".join(c.get("value", "") for c in content) or entry.get("summary", "")
        rows.append((entry.get("link", ""), entry.get("title", ""), html))
    return rows


def timed(stage: Any, feeds: list[Feed], rounds: int) -> tuple[float, int]:
    """Return (seconds, entries) for ``rounds`` passes of ``stage`` over every feed."""
    entries = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for feed in feeds:
            entries += len(stage(feed))
    return time.perf_counter() - start, entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    feeds = load_feeds()
    same = True
    print(f"{'feed':58}{'entries':>8}{'same':>6}{'clean':>7}")
    for feed in feeds:
        ours, theirs = product(feed), peer(feed)
        matches = len(ours) == len(theirs) and all(
            o[0] == t[0] and o[1] == t[1].strip() for o, t in zip(ours, theirs, strict=True)
        )
        clean = not any(_UNSAFE.search(html) for _, _, html in ours)
        raw_unsafe = sum(1 for _, _, html in theirs if _UNSAFE.search(html))
        same = same and matches and clean
        print(f"{feed.name[:57]:58}{len(ours):8}{'yes' if matches else 'NO':>6}{'yes' if clean else 'NO':>7}")
        if raw_unsafe:
            print(
                f"  (feedparser's sanitized output still matched the unsafe pattern in {raw_unsafe} entries)"
            )
    # Warm both up, then alternate the measured passes so machine noise falls on both alike.
    timed(product, feeds, 1)
    timed(peer, feeds, 1)
    ours_s = theirs_s = 0.0
    entries = 0
    for _ in range(args.rounds):
        seconds, entries_once = timed(product, feeds, 1)
        ours_s += seconds
        seconds, _ = timed(peer, feeds, 1)
        theirs_s += seconds
        entries += entries_once
    ours_rate, theirs_rate = entries / ours_s, entries / theirs_s
    print()
    print(f"{len(feeds)} feeds, {entries // args.rounds} entries, {args.rounds} rounds")
    print(f"product feed stage (parse_feed + nh3): {ours_rate:9.0f} entries/s")
    print(f"feedparser.parse with defaults:        {theirs_rate:9.0f} entries/s")
    print(f"ratio: {ours_rate / theirs_rate:.2f}x   (target >= 3x); same entries and sanitized: {same}")
    if not same:
        sys.exit("the product's entries differ from feedparser's or are not sanitized")


if __name__ == "__main__":
    main()
