"""The page-kind classifier and the main-region step: plain functions on small pages, no corpus needed."""

from __future__ import annotations

from pathlib import Path

from aggregator.extract.metadata import parse_html
from aggregator.extract.page import extract, visible_text
from aggregator.extract.page_kind import KINDS, classify, feature_names, features, kind_scores
from aggregator.extract.region import page_blocks, region_text

PAGES = Path(__file__).parent / "fixtures" / "pages"

FORUM = """<html><head><title>Which flour for bara brith?</title>
<link rel="canonical" href="https://forum.example.org/t/which-flour-for-bara-brith/1234">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "DiscussionForumPosting",
"headline": "Which flour for bara brith?"}</script></head>
<body><nav><a href="/">Home</a> <a href="/latest">Latest</a> <a href="/categories">Categories</a></nav>
<main><h1>Which flour for bara brith?</h1>
<div class="post"><div class="user">gwen</div><p>My loaf is dense every time. Plain or self-raising?</p></div>
<div class="post"><div class="user">huw</div><p>Self-raising, and soak the fruit in tea overnight.</p></div>
<div class="post"><div class="user">ann</div><p>Plain with a teaspoon of mixed spice; rest it a day.</p></div>
</main><footer>Forum rules. Privacy policy.</footer></body></html>"""


def test_features_match_the_names_the_model_was_trained_on() -> None:
    tree = parse_html(FORUM)
    assert len(features(FORUM, tree)) == len(feature_names())


def test_kind_scores_are_a_probability_over_the_seven_kinds() -> None:
    scores = kind_scores(features(FORUM, parse_html(FORUM)))
    assert set(scores) == set(KINDS)
    assert abs(sum(scores.values()) - 1) < 1e-9


def test_a_news_article_is_classified_as_an_article() -> None:
    page = (PAGES / "guardian_2024_02_24_valencia.html").read_text(encoding="utf-8")
    assert classify(page, parse_html(page)) == "article"


def test_the_main_region_keeps_every_post_and_drops_the_chrome() -> None:
    text = region_text(parse_html(FORUM))
    for line in ("Plain or self-raising?", "soak the fruit in tea", "rest it a day"):
        assert line in text
    assert "Latest" not in text
    assert "Privacy policy" not in text


def test_extraction_reports_the_kind_it_used() -> None:
    page = (PAGES / "guardian_2024_02_24_valencia.html").read_bytes()
    result = extract(page, "https://www.theguardian.com/world/2024/feb/24/valencia")
    assert result is not None
    assert result.kind == "article"


THREAD = """<html><body><nav><a href="/">Home</a></nav><main><h1>Rhubarb forcing jars</h1>
<div class="comment-list">
<div class="comment"><p>Terracotta jars, or an upturned bucket with the light kept out for weeks.</p></div>
<div class="comment"><p>Mine came up pale pink and sweet after five weeks under a bucket.</p></div>
<div class="comment"><p>Do not force the same crown two years running; it needs to recover.</p></div>
</div></main></body></html>"""


def test_the_region_keeps_posts_named_comment_only_when_asked() -> None:
    kept = region_text(parse_html(THREAD), keep_comments=True)
    assert "upturned bucket" in kept
    assert "same crown two years" in kept
    assert "upturned bucket" not in region_text(parse_html(THREAD))


def test_visible_text_leaves_json_ld_in_the_tree_but_not_in_the_text() -> None:
    tree = parse_html(FORUM)
    shown = visible_text(tree)
    assert "DiscussionForumPosting" not in shown
    assert "soak the fruit in tea" in shown
    scripts = tree.findall(".//script")
    assert len(scripts) == 1
    assert "DiscussionForumPosting" in (scripts[0].text or "")


SCRIPTED = """<html><body><noscript><img src="/pixel.gif"></noscript>
<section id="main"></section><noscript data-path="/t/rhubarb/1"><div id="main-outlet">
<div class="crawler-post"><span>gwen</span><p>Forced rhubarb wants six weeks of dark.</p></div>
<div class="crawler-post"><span>huw</span><p>Lift the jar once a week to check for slugs.</p></div>
</div></noscript></body></html>"""


def test_the_region_reads_a_script_free_view_holding_the_page_but_no_other_noscript() -> None:
    text = region_text(parse_html(SCRIPTED), keep_comments=True)
    assert "six weeks of dark" in text
    assert "check for slugs" in text
    assert "Enable JavaScript" not in region_text(
        parse_html(THREAD.replace("</main>", "<noscript>Enable JavaScript to reply.</noscript></main>"))
    )


SHOP = """<html><body><main><div class="collection">
<div class="search-facets"><h3>Colour</h3><ul><li>Red</li><li>Blue</li><li>Green</li></ul></div>
<div class="product-grid"><div class="card"><p>Terracotta forcing jar, large, hand thrown</p><p>$40</p></div>
<div class="card"><p>Galvanised bucket for forcing rhubarb crowns</p><p>$12</p></div></div>
</div></main></body></html>"""


def test_the_region_drops_filter_panels_only_when_asked() -> None:
    assert "Blue" in region_text(parse_html(SHOP), 0.99)
    kept = region_text(parse_html(SHOP), 0.99, drop_facets=True)
    assert "Blue" not in kept
    assert "hand thrown" in kept


NAMED = """<html><body><main>
<div class="Site-NAV links"><p>Navigation words in a block named as navigation.</p></div>
<div class="canvas-wrapper"><p>A story inside a canvas wrapper stays in the region.</p></div>
<div id="threads"><p>A thread list whose name holds "ads" inside another word stays.</p></div>
<div class="x" id="promo_box"><p>Promotion named by its id is chrome.</p></div>
<div role="banner"><p>A banner named by its role is chrome.</p></div>
<div class="share-this"><p>Sharing buttons are chrome.</p></div>
<div class="entry-content"><p>The post's own paragraph stays.</p>
<div class="sharedaddy"><p>Share on X</p></div></div>
</main></body></html>"""


def test_chrome_is_named_by_whole_words_in_class_id_or_role_and_site_rules_drop_their_regions() -> None:
    text = region_text(parse_html(NAMED), 0.99, prune=['//*[contains(@class, "sharedaddy")]'])
    assert "canvas wrapper stays" in text
    assert '"ads" inside another word stays' in text
    assert "The post's own paragraph stays." in text
    for gone in ("Navigation words", "Promotion named", "banner named", "Sharing buttons", "Share on X"):
        assert gone not in text
    # Without the rule the site's sharing block is part of the region.
    assert "Share on X" in region_text(parse_html(NAMED), 0.99)


SHOP_GRID = """<html><body><nav><a href="/">Home</a> <a href="/sale">Sale</a></nav>
<script>var cart = [];</script>
<form action="/cart/add"><div class="card"><header><h3>Wool socks</h3></header><p>£12</p>
<button>Add to cart</button></div></form>
<div class="promo-banner"><p>Free delivery over £50 on every order placed this week.</p></div>
<footer>Terms of sale</footer></body></html>"""


def test_page_blocks_keep_forms_and_headers_and_drop_the_tags_that_never_hold_text() -> None:
    lines = page_blocks(parse_html(SHOP_GRID)).splitlines()
    # A shop's cards sit in forms, their titles in headers; blocks named as chrome stay too (the
    # region step drops those, the fill wants the page's every line inside the text's span).
    assert lines == ["Wool socks", "£12", "Free delivery over £50 on every order placed this week."]
