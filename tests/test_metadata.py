from __future__ import annotations

import datetime as dt

from aggregator.extract.metadata import read_metadata
from aggregator.extract.page import decode_html
from tests.conftest import fixture_bytes


def test_json_ld_graph_and_meta_tags() -> None:
    page = """<html lang="cy-GB"><head><title>Ignored | Site</title>
    <meta property="og:title" content="OG title"><meta property="og:description" content="  Desc  here ">
    <link rel="canonical" href="/agenda/2021/11/post/">
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"WebPage","name":"page"},
      {"@type":["NewsArticle"],"headline":"Pennawd","datePublished":"2021-11-04T08:00:00+00:00",
       "author":[{"@type":"Person","name":"Llinos Prydderch"},{"name":"Gareth Penhallow"},"https://x/profile"]}
    ]}</script></head><body></body></html>"""
    meta = read_metadata(page)
    assert meta.title == "Pennawd"
    assert meta.author == "Llinos Prydderch; Gareth Penhallow"
    assert meta.published == dt.datetime(2021, 11, 4, 8, tzinfo=dt.UTC)
    assert meta.description == "Desc here"
    assert meta.canonical_url == "/agenda/2021/11/post/"
    assert meta.language == "cy"


def test_meta_tags_alone_and_broken_json_ld() -> None:
    page = """<html><head><title> Plain  title </title>
    <meta property="article:published_time" content="2019-07-04T10:00:00.000Z">
    <meta name="author" content="Ann Jones"><meta property="article:author" content="https://ex.org/ann">
    <script type="application/ld+json">{not json</script></head></html>"""
    meta = read_metadata(page)
    assert (meta.title, meta.author) == ("Plain title", "Ann Jones")
    assert meta.published == dt.datetime(2019, 7, 4, 10, tzinfo=dt.UTC)


def test_nothing_usable_gives_empty_metadata() -> None:
    assert read_metadata("").title is None
    assert read_metadata("<p>hello</p>").authors == ()


def test_decode_html_prefers_the_declared_charset_then_utf8_then_cp1252() -> None:
    assert decode_html("café".encode("latin-1"), "iso-8859-1") == "café"
    assert decode_html(b'<meta charset="windows-1252"><p>caf\xe9').endswith("café")
    assert decode_html("Llanfair ŵ".encode()) == "Llanfair ŵ"
    assert decode_html(b"caf\xe9 \x93quoted\x94") == "café “quoted”"
    assert "We’re" in decode_html(fixture_bytes("pages/github.blog.spiceland.html"))


def test_written_dates_in_several_languages_and_orders() -> None:
    from aggregator.dates import from_text

    def day(text: str) -> str | None:
        found = from_text(text)
        return found.date().isoformat() if found else None

    assert day("Hamburg, 2. November 2021 ") == "2021-11-02"
    assert day("Published on Oct 21, 2025") == "2025-10-21"
    assert day("3 de mayo de 2022") == "2022-05-03"
    assert day("9 Mawrth 2024") == "2024-03-09"
    assert day("27.1.2022 - Bei der Erinnerung") == "2022-01-27"
    assert day("Posted on the 15/12/2025 at 19:00") == "2025-12-15"
    # Day and month either way round, an impossible day, no day at all, a future date: not read.
    assert day("05/06/2021") is None
    assert day("31.02.2021") is None
    assert day("May 2025") is None
    assert day("2099-01-01") is None


def test_page_date_prefers_the_date_shown_under_the_heading() -> None:
    from aggregator.extract.metadata import parse_html
    from aggregator.extract.page_date import page_date

    page = """<html><head><meta property="article:published_time" content="2021-10-28T09:00:00Z">
    </head><body><nav>Home</nav><h1>Ein Titel</h1><p class="meta"><span>Hamburg, 2. November 2021</span></p>
    <p>Der Text, der am 5. Mai 2019 begann, ist lang genug.</p></body></html>"""
    tree = parse_html(page)
    meta = read_metadata(tree)
    assert page_date(tree, None, meta, "article") == dt.datetime(2021, 11, 2, tzinfo=dt.UTC)
    # Without the line under the heading, the structured date.
    bare = parse_html(page.replace("Hamburg, 2. November 2021", "Hamburg"))
    assert page_date(bare, None, read_metadata(bare), "article") == dt.datetime(
        2021, 10, 28, 9, tzinfo=dt.UTC
    )


def test_a_forum_thread_is_dated_by_its_first_post() -> None:
    from aggregator.extract.metadata import parse_html
    from aggregator.extract.page_date import page_date

    page = """<html><body><h1>Which telescope?</h1><p>Last reply Jan 18, 2024</p>
    <div class="post"><time datetime="2024-01-14T21:50:50-05:00">Jan 14</time><p>First post</p></div>
    <div class="post"><time datetime="2024-01-18T13:35:10-05:00">Jan 18</time><p>Reply</p></div>
    </body></html>"""
    tree = parse_html(page)
    found = page_date(tree, None, read_metadata(tree), "forum")
    assert found is not None
    assert found.date() == dt.date(2024, 1, 14)
    assert page_date(tree, None, read_metadata(tree), "article") == dt.datetime(2024, 1, 18, tzinfo=dt.UTC)


def test_the_structured_timestamp_is_kept_when_the_page_shows_its_day() -> None:
    from aggregator.extract.metadata import parse_html
    from aggregator.extract.page_date import page_date

    page = """<html><head><meta property="article:published_time" content="2021-11-02T09:30:00+01:00">
    </head><body><h1>Ein Titel</h1><p>2. November 2021</p></body></html>"""
    tree = parse_html(page)
    found = page_date(tree, None, read_metadata(tree), "article")
    assert found == dt.datetime(2021, 11, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
