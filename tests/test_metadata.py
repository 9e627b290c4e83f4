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
