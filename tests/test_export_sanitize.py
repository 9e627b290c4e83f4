"""Harvested script, event handlers and javascript: links come out inert in every export format.

Each output is parsed the way its consumer would (XML, JSON, CSV, HTML), and every string in it is
parsed again as HTML, since feed readers, spreadsheets and WordPress may treat any field as markup.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from lxml import etree
from sqlalchemy import select, update

from aggregator.core import Aggregator
from aggregator.models import Item
from aggregator.publish.sanitize import clean_html, one_line, plain_text, safe_url
from aggregator.publish.service import export, export_site
from tests.test_sources import harvested

EVIL_TITLE = "<script>alert('title')</script>Evil <img src=x onerror=alert('img')> title"
EVIL_EXCERPT = "“<a href=\"javascript:alert('excerpt')\">click</a> <svg onload=alert('svg')>quoted”"
EVIL_TEXT = "<script>document.title='pwned'</script>&lt;script&gt;alert('decoded')&lt;/script&gt;"
EVIL_NOTE = (
    "&lt;iframe src=&quot;javascript:alert('note')&quot;&gt;&lt;/iframe&gt; <b onclick=alert('b')>note</b>"
)
EVIL_AUTHOR = "<b onmouseover=alert('author')>Mallory</b>"
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "style",
    "base",
    "form",
    "meta",
    "link",
}
URL_SCHEMES_BAD = ("javascript:", "data:", "vbscript:")


def seed_evil(core: Aggregator) -> None:
    source = core.sources.add(
        "https://evil.example/feed",
        name="Evil <script>alert('name')</script>",
        settings={"label": "<img src=x onerror=alert('label')>Evil", "label_suffix": "<script>x</script>"},
    )
    core.topics.add(
        "evil", name="Evil <script>alert('topic')</script>", intro="<img src=x onerror=alert('intro')>"
    )
    for n, kind in enumerate(("article", "newsletter")):
        core.items.record(
            harvested(
                source.id,
                f"https://evil.example/{kind}",
                kind=kind,
                title=EVIL_TITLE,
                author=EVIL_AUTHOR,
                published=dt.datetime(2020, 1, 1 + n, tzinfo=dt.UTC),
                text=EVIL_TEXT,
                summary=EVIL_TEXT,
            )
        )
    core.items.record(
        harvested(
            source.id,
            "https://evil.example/story",
            kind="story",
            title=EVIL_TITLE,
            content_origin="bullet",
            parent_url="https://evil.example/newsletter",
            position=1,
            excerpt=EVIL_EXCERPT,
        )
    )
    for item in core.items.query(limit=None):
        if item.kind != "story":
            core.items.approve(item.id, actor="<script>x</script>", excerpt=EVIL_EXCERPT, topics=["evil"])
            core.items.edit(item.id, actor="ann", note=EVIL_NOTE)
    # Links the crawler would never store, planted in the database: the export must still drop them.
    with core.db.write() as session:
        for item_id in session.scalars(select(Item.id).where(Item.kind != "newsletter")):
            planted = {"url": "javascript:alert('url')", "canonical_url": f"javascript:alert({item_id})"}
            session.execute(update(Item).where(Item.id == item_id).values(**planted))


def test_the_sanitizer_itself() -> None:
    assert clean_html('<p onclick="x()">a<script>b</script><a href="javascript:c()">d</a></p>') == (
        '<p>a<a rel="noopener noreferrer nofollow">d</a></p>'
    )
    assert (
        clean_html('<a href="mailto:a@b.org">m</a>')
        == '<a href="mailto:a@b.org" rel="noopener noreferrer nofollow">m</a>'
    )
    assert plain_text("A &amp; B <b>bold</b> &lt;script&gt;x&lt;/script&gt;") == "A & B bold "
    assert plain_text("a < b and c > d") == "a < b and c > d"
    assert plain_text("bell\x07 and nul\x00") == "bell and nul"
    assert [
        safe_url(u)
        for u in (
            "https://a.org/x",
            "mailto:a@b.org",
            "javascript:x",
            "data:text/html,x",
            "//a.org",
            "ftp://a.org/",
        )
    ] == [
        "https://a.org/x",
        "mailto:a@b.org",
        None,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize("fmt", ["atom", "rss", "wxr", "opml"])
def test_xml_formats_carry_nothing_that_runs(core: Aggregator, fmt: str) -> None:
    seed_evil(core)
    out = io.BytesIO()
    count = export(core, fmt, out, topic=None if fmt == "opml" else "evil")
    assert count == (1 if fmt == "opml" else 2)
    root = etree.fromstring(out.getvalue())
    strings = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert etree.QName(element).localname not in DANGEROUS_TAGS - {"link", "meta"}
        check_attributes(element.attrib)
        strings.extend([element.text or "", *element.attrib.values()])
    if fmt == "opml":
        outline = root.find(".//outline")
        assert outline is not None
        assert outline.get("text") == "Evil"  # the name's markup and script text are gone
    else:
        assert check_strings(strings) > 1  # the HTML content fields were parsed and found clean
    assert "alert('title')" not in out.getvalue().decode()  # the script's text went with it


@pytest.mark.parametrize("fmt", ["jsonfeed", "jsonl", "csv"])
def test_data_formats_carry_nothing_that_runs(core: Aggregator, fmt: str) -> None:
    seed_evil(core)
    out = io.BytesIO()
    export(core, fmt, out, topic="evil" if fmt == "jsonfeed" else None)
    text = out.getvalue().decode("utf-8-sig")
    if fmt == "jsonfeed":
        records: list[Any] = json.loads(text)["items"]
        assert len(records) == 2
        assert [r.get("url") for r in records] == ["https://evil.example/newsletter", None]
        assert records[1]["id"].startswith("urn:aggregator:item:")
    elif fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines()]
        assert len(records) == 3
        assert [(r["url"], r["canonical_url"]) for r in records] == [
            ("", ""),
            ("https://evil.example/newsletter", "https://evil.example/newsletter"),
            ("", ""),
        ]
    else:
        records = list(csv.DictReader(io.StringIO(text)))
        assert len(records) == 3
        assert {r["url"] for r in records} == {"", "https://evil.example/newsletter"}
    assert check_strings(list(_strings(records))) > (0 if fmt == "jsonfeed" else -1)


def test_the_exported_site_carries_nothing_that_runs(core: Aggregator, tmp_path: Path) -> None:
    seed_evil(core)
    files = export_site(core, tmp_path)
    pages = [f for f in files if f.suffix == ".html"]
    assert len(pages) == 2
    for page in pages:
        doc = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
        for element in doc.iter():
            if isinstance(element.tag, str):
                assert element.tag not in DANGEROUS_TAGS - {"meta", "link"}
                check_attributes(element.attrib)
        check_strings(list(doc.itertext()))
    topic_page = (tmp_path / "evil" / "index.html").read_text(encoding="utf-8")
    assert "Evil title" in " ".join(topic_page.split())  # the text around the markup survives


def check_attributes(attributes: Any) -> None:
    for name, value in attributes.items():
        assert not str(name).lower().startswith("on"), f"event handler {name}={value!r}"
        assert not value.strip().lower().startswith(URL_SCHEMES_BAD), f"{name}={value!r}"


def check_strings(strings: list[str]) -> int:
    """Parse every string as HTML too: no element that runs, no handler, no script URL."""
    checked = 0
    for value in strings:
        if "<" not in value:
            continue
        for element in lxml.html.fragment_fromstring(value, create_parent="div").iter():
            if isinstance(element.tag, str):
                assert element.tag not in DANGEROUS_TAGS, f"{element.tag} in {value!r}"
                check_attributes(element.attrib)
        checked += 1
    assert strings
    return checked


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        # Text that only looks like the start of a tag is kept, its "<" made inert (it could open an
        # element in a consumer that renders titles as HTML: "‹" reads the same and opens nothing).
        ("a<b then", "a‹b then"),
        ("x<img src=x onerror=alert(1) ", "x‹img src=x onerror=alert(1)"),
        ("1<2 and 3>2", "1<2 and 3>2"),
        ("<b>bold</b> and a<b", "bold and a‹b"),
        ("a<b title='x' then", "a‹b title='x' then"),
        # A quoted attribute may hold "<" and ">": the tag is still whole, and dropped with its content.
        ('<iframe srcdoc="<script>x()</script>"></iframe>Story', "Story"),
        ('<a title="1 < 2">link</a> text', "link text"),
    ],
)
def test_tag_like_text_in_a_title_is_kept_not_dropped(given: str, shown: str) -> None:
    assert one_line(given) == shown
