"""The pieces around trafilatura: platform rules, merging runs, standfirst, boilerplate, titles, bylines."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import aggregator
from aggregator.extract.boilerplate import (
    cut_at_reviews,
    drop_repeated_lines,
    strip_boilerplate,
    strip_interface_lines,
)
from aggregator.extract.byline import read_byline
from aggregator.extract.metadata import parse_html, read_metadata
from aggregator.extract.page import PROFILES, decode_html, extract, main_text
from aggregator.extract.pool import _WARM_UP_PAGE
from aggregator.extract.site_rules import prune_xpaths
from aggregator.extract.text_merge import fill_from_region, merge, with_standfirst
from aggregator.extract.titles import clean_title
from tests.conftest import fixture_bytes

SNAPSHOT = Path(aggregator.__file__).parent / "demo" / "snapshot"
LIVE_BLOG = "pages/guardian_2023_05_15_liveblog.html"
PINNED = "Sunak: 'not a straightforward thing' to supply fighter jets to Ukraine"


def test_a_guardian_live_blog_keeps_its_pinned_post_once(monkeypatch: pytest.MonkeyPatch) -> None:
    page = decode_html(fixture_bytes(LIVE_BLOG))
    rules = prune_xpaths(page)
    assert len(rules) == 1  # the Guardian's, not WordPress's
    # Without the rule the pinned post comes more than once: pinned above the feed, again in it, and
    # in the key-event cards the page's blocks fill in (the article profile's repeated-lines filter
    # would now hide that; the rule is tested without it).
    assert main_text(parse_html(page)).count(PINNED) == 1
    article = dataclasses.replace(PROFILES["article"], repeated_lines=False)
    monkeypatch.setitem(PROFILES, "article", article)
    assert main_text(parse_html(page)).count(PINNED) >= 2
    text = main_text(parse_html(page), prune=rules)
    assert text.count(PINNED) == 1
    assert "Zelenskiy discussed 'coalition of jets' with Sunak on UK visit" in text


def test_guardian_regions_outside_standfirst_and_body_are_pruned() -> None:
    page = decode_html(fixture_bytes("pages/guardian_2024_02_24_valencia.html"))
    tree = parse_html(page)
    for rule in prune_xpaths(page):
        for element in tree.xpath(rule):
            element.drop_tree()
    left = {e.get("data-gu-name") for e in tree.xpath("//*[@data-gu-name]")}
    assert left == {"standfirst", "body"}
    extracted = extract(fixture_bytes("pages/guardian_2024_02_24_valencia.html"))
    assert extracted is not None
    assert "Associated Press in Valencia" not in extracted.text  # the byline, in the "meta" region


def test_wordpress_pages_are_recognised_and_their_widgets_pruned() -> None:
    iwa = (
        SNAPSHOT / "www.iwa.wales/agenda/2019/03/what-a-citizens-assembly-could-teach-cardiff-bay/index.html"
    )
    for raw in (fixture_bytes("pages/lemire.me.json.html"), iwa.read_bytes()):
        assert len(prune_xpaths(decode_html(raw))) == 1
    assert prune_xpaths(decode_html(fixture_bytes("pages/github.blog.spiceland.html"))) == []
    paragraphs = "".join(
        f"<p>Paragraph {n} says what the council heard from residents at the assembly.</p>" for n in range(5)
    )
    page = (
        f"<html><body><article><div class='entry-content'>{paragraphs}"
        "<div class='sharedaddy sd-sharing-enabled'><h3>Share this:</h3></div>"
        "<div id='jp-relatedposts' class='jp-relatedposts'><p>Another post on budgets</p></div>"
        "</div></article></body></html>"
    )
    tree = parse_html(page)
    (rule,) = prune_xpaths(page)
    assert [e.get("class") for e in tree.xpath(rule)] == ["sharedaddy sd-sharing-enabled", "jp-relatedposts"]


def test_merge_cuts_the_recall_text_after_the_last_paragraph_precision_kept() -> None:
    precise = "Lead paragraph.\nSecond paragraph."
    full = "Lead paragraph.\nA quote precision dropped.\nSecond paragraph.\nRead more: other story"
    assert merge(precise, full) == "Lead paragraph.\nA quote precision dropped.\nSecond paragraph."
    # A precision text that lost most of the article is not trusted to say where it ends.
    assert merge("Lead paragraph.", full * 4) == full * 4
    assert merge("", full) == full


def test_the_standfirst_opens_the_text_only_when_the_page_shows_it() -> None:
    text = "The body starts here and goes on."
    shown = "Menu Headline A standfirst the page shows. The body starts here and goes on."
    assert with_standfirst(text, "A standfirst the page shows.", shown) == (
        "A standfirst the page shows.\nThe body starts here and goes on."
    )
    assert with_standfirst(text, "Marketing copy on no page.", shown) == text
    already = "A standfirst the page shows. The body starts here."
    assert with_standfirst(already, "A standfirst the page shows.", shown) == already


def test_a_description_that_is_the_whole_article_is_not_put_before_it() -> None:
    # Some sites fill the description tag with the page's text, title and all: put before the text
    # (whose first line is the title once, not twice) it would double the article.
    body = "\n".join(f"Paragraph {n} says something worth reading about the topic." for n in range(8))
    text = f"A title\n{body}"
    description = f"A title A title {' '.join(body.splitlines())}"
    shown = f"Menu {description} Footer"
    assert with_standfirst(text, description, shown) == text
    # A long standfirst the text does not hold still opens it.
    lead = " ".join(f"A lead sentence {n} that the extraction dropped." for n in range(8))
    assert with_standfirst(text, lead, f"{lead} {shown}") == f"{lead}\n{text}"


def test_fill_adds_the_long_paragraphs_the_extraction_skipped_inside_the_article() -> None:
    region = "\n".join(
        [
            "Breadcrumbs Home > News",
            "First paragraph of the article.",
            "Second paragraph.",
            "Third paragraph.",
            "Photo: a caption",
            "A long paragraph inside the article that the careful extraction dropped, with more words.",
            "Last paragraph of the article.",
            "Comments (3)",
            "A reader's comment after the article's end, long enough to pass any length filter here.",
        ]
    )
    # The title opens the text, not the region: it stays first.
    text = (
        "Title\nFirst paragraph of the article.\nSecond paragraph.\nThird paragraph.\n"
        "Last paragraph of the article."
    )
    assert fill_from_region(text, region, min_chars=60) == (
        "Title\nFirst paragraph of the article.\nSecond paragraph.\nThird paragraph.\n"
        "A long paragraph inside the article that the careful extraction dropped, with more words.\n"
        "Last paragraph of the article."
    )
    # With no length floor every line inside the span comes back, the caption too.
    assert "Photo: a caption" in fill_from_region(text, region, min_chars=0)
    # A text the region does not hold (another part of the page) is left alone.
    assert fill_from_region("Something else entirely.\nAnd more.", region, min_chars=0) == (
        "Something else entirely.\nAnd more."
    )


def test_known_boilerplate_lines_go_and_prose_stays() -> None:
    text = "\n".join(
        [
            "The council met on Tuesday.",
            "Read more: Another story about the council",
            "Lea también: Otra noticia",
            "Follow us on Twitter for updates",
            "© 2022 Example News",
            "Read more about the decision, which the council took after a year of hearings in every "
            "town of the county, where residents told members what they wanted from the budget and "
            "what they feared from cuts to libraries, buses and care.",
        ]
    )
    kept = strip_boilerplate(text).splitlines()
    assert kept[0] == "The council met on Tuesday."
    assert len(kept) == 2
    assert kept[1].startswith("Read more about the decision")


def test_interface_lines_go_and_lines_that_only_start_alike_stay() -> None:
    text = "\n".join(["Quick View", "- Add to cart", "SALE", "New", "New shoes for the hills", "Price: $40"])
    assert strip_interface_lines(text).splitlines() == ["New shoes for the hills", "Price: $40"]


def test_repeated_lines_are_kept_once_at_their_first_place() -> None:
    text = "Is the jar terracotta?\nI think so.\nis the jar terracotta? \nIt is."
    assert drop_repeated_lines(text).splitlines() == ["Is the jar terracotta?", "I think so.", "It is."]


def test_a_product_text_ends_at_its_reviews_but_not_at_a_reviews_link_on_top() -> None:
    description = "A terracotta forcing jar, thrown by hand in Ewenny, with a lid to check the crowns."
    text = "\n".join(["Reviews (12)", description, description, "Customer Reviews", "Great jar!"])
    assert cut_at_reviews(text).splitlines() == ["Reviews (12)", description, description]
    assert cut_at_reviews(description) == description


def test_titles_lose_the_site_name_but_keep_their_own_separators() -> None:
    assert clean_title("Kleine Schafskunde | Mäscot das Schaf", site_name="Mäscot das Schaf") == (
        "Kleine Schafskunde"
    )
    assert (
        clean_title("Bundesliga: Dortmund - Gladbach live sehen! | COMPUTER BILD", site_name="COMPUTER BILD")
        == "Bundesliga: Dortmund - Gladbach live sehen!"
    )
    assert clean_title("The story told - Section - Site", headings=("The story told",)) == "The story told"
    assert clean_title("Sheila Atim: &#8222;The Woman King&#8220;") == "Sheila Atim: „The Woman King“"
    assert clean_title("No site name known - so nothing cut") == "No site name known - so nothing cut"


def test_the_visible_byline_names_the_author_when_structured_data_does_not() -> None:
    page = """<html><body><div class="comments"><span class="comment-author">A Reader</span></div>
    <p class="date-author">Janic Cathomen, 01.12.2021</p></body></html>"""
    assert read_byline(parse_html(page)) == "Janic Cathomen"
    labelled = (
        "<html><body><span class='byline'>Published by</span><a rel='author'>Jane Doe</a></body></html>"
    )
    assert read_byline(parse_html(labelled)) == "Jane Doe"
    assert read_byline(parse_html("<html><body><p>No byline</p></body></html>")) is None


def test_a_guardian_agency_byline_is_merged_with_the_declared_staff_author() -> None:
    meta = read_metadata(decode_html(fixture_bytes("pages/guardian_2024_02_24_valencia.html")))
    # article:author "Associated Press in Valencia" (the place dropped), then JSON-LD's author.
    assert meta.authors == ("Associated Press", "Guardian staff reporter")


def test_extract_takes_text_or_bytes_and_needs_no_url() -> None:
    raw = fixture_bytes("pages/lemire.me.json.html")
    from_bytes, from_text = extract(raw), extract(raw.decode("utf-8"))
    assert from_bytes is not None
    assert from_text is not None
    assert from_bytes.text == from_text.text
    assert (
        from_bytes.canonical_url
        == "https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/"
    )


def test_the_pool_warm_up_page_exercises_the_whole_extraction() -> None:
    page = extract(_WARM_UP_PAGE)
    assert page is not None
    assert page.language == "en"
    assert page.sketch is not None


def test_profile_links_and_the_site_name_are_not_bylines() -> None:
    page = """<html><head><meta property="og:site_name" content="Daily Example">
    <meta property="article:author" content="facebook.com/jane.doe">
    <meta name="author" content="Daily Example">
    <script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": "Jane Doe"}}</script>
    </head><body></body></html>"""
    assert read_metadata(page).authors == ("Jane Doe",)
    agency = page.replace("facebook.com/jane.doe", "Reuters in Berlin")
    assert read_metadata(agency).authors == ("Reuters", "Jane Doe")


def test_the_declared_article_body_stands_in_when_the_page_shows_only_a_teaser() -> None:
    body = " ".join(f"Sentence {n} of the article that the page renders with a script." for n in range(40))
    page = f"""<html><head><title>Story</title><script type="application/ld+json">
    {{"@type": "NewsArticle", "headline": "Story", "articleBody": "{body}"}}</script></head>
    <body><article><h1>Story</h1><p>A teaser of the story, shown before the script loads the rest of it
    for readers who subscribe.</p></article></body></html>"""
    assert read_metadata(page).body == body
    extracted = extract(page)
    assert extracted is not None
    assert extracted.text == body
    # A declared body that the extraction already covers changes nothing.
    short = page.replace(body, "A teaser of the story")
    extracted = extract(short)
    assert extracted is not None
    assert "A teaser of the story, shown before the script loads the rest" in extracted.text
    assert "Sentence" not in extracted.text
