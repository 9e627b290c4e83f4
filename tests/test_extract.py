from __future__ import annotations

import datetime as dt

import pytest

from aggregator.errors import ExtractionError
from aggregator.extract.page import SUMMARY_CHARS, extract
from aggregator.text import first_sentences, html_to_text
from tests.conftest import fixture_bytes

BIG = 10 * 1024 * 1024


def test_a_real_guardian_page_gives_title_author_date_text_and_summary() -> None:
    page = extract(
        fixture_bytes("pages/guardian_2024_02_24_valencia.html"),
        "https://www.theguardian.com/x",
        max_bytes=BIG,
    )
    assert page is not None
    assert page.title == "Death toll in Valencia fire rises to 10 as remains of last missing person found"
    assert page.author == "Associated Press; Guardian staff reporter"
    assert page.published == dt.datetime(
        2024, 2, 24, 11, 42, 23, tzinfo=dt.UTC
    )  # from article:published_time
    assert page.language == "en"
    # The standfirst opens the text: the page shows it above the body, and extractors drop it.
    assert page.text.startswith(
        "Police in Spanish city continue to search debris after blaze that consumed one of the buildings"
        " in less than an hour\nThe death toll from a fire that left two residential buildings charred ruins"
    )
    assert "Sign up" not in page.text
    assert 0 < len(page.summary) <= SUMMARY_CHARS


def test_a_wordpress_post_leaves_its_comments_out() -> None:
    page = extract(fixture_bytes("pages/lemire.me.json.html"), "https://lemire.me/blog/x", max_bytes=BIG)
    assert page is not None
    assert page.author == "Daniel Lemire"
    assert "JSON" in page.text
    assert "Leave a Reply" not in page.text


def test_the_size_cap_applies_before_parsing() -> None:
    with pytest.raises(ExtractionError, match="over the 1,000-byte limit"):
        extract(b"<html>" + b"x" * 2000, "https://ex.org/", max_bytes=1000)


def test_a_page_without_main_text_gives_none() -> None:
    assert (
        extract(
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "https://ex.org/", max_bytes=BIG
        )
        is None
    )


def test_html_to_text_drops_markup_and_script_and_keeps_paragraphs() -> None:
    assert html_to_text("<p>One &amp; <b>two</b></p><script>alert(1)</script><p onclick='x()'>Three</p>") == (
        "One & two\nThree"
    )


def test_first_sentences_keeps_whole_sentences() -> None:
    text = "The first sentence is here. “A quote follows,” she said. Then a third one that is long."
    assert first_sentences(text, 60) == "The first sentence is here. “A quote follows,” she said."
    assert first_sentences("one two three four five", 12) == "one two…"
