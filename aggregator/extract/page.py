"""Article extraction: structured metadata first, trafilatura (the only import of it) for the text.

The text is trafilatura's precision run, helped where it is known to fall short: a recall run when it
kept little of the page, the standfirst it drops, boilerplate lines it lets through, and platform rules
(site_rules). Every choice was measured on the evaluation corpus; bench/README.md has the figures.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Any, Literal

import trafilatura
from lxml import etree
from trafilatura.settings import Document

from aggregator.config import Config
from aggregator.curate.duplicates import sketch
from aggregator.errors import ExtractionError
from aggregator.extract.alternates import read_alternates
from aggregator.extract.boilerplate import (
    cut_at_reviews,
    drop_repeated_lines,
    strip_boilerplate,
    strip_interface_lines,
)
from aggregator.extract.byline import read_byline
from aggregator.extract.language import detect_language
from aggregator.extract.metadata import PageMetadata, parse_html, read_metadata
from aggregator.extract.page_date import page_date
from aggregator.extract.page_kind import Kind, classify
from aggregator.extract.region import page_blocks, region_text
from aggregator.extract.result import SUMMARY_CHARS, Extracted
from aggregator.extract.site_rules import prune_xpaths
from aggregator.extract.text_merge import fill_from_region, merge, with_standfirst
from aggregator.text import first_sentences
from aggregator.urls import absolute_http

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
# Below this, what trafilatura found is a menu or a caption, not an article.
MIN_TEXT_CHARS = 80
DEFAULT_MAX_BYTES = Config().max_page_bytes
# Lingua's cost grows with the text. Against the language of the first 3,000 characters, on the texts
# extracted from both corpora (all 425 subset pages, every third WCXB page: 922 texts), the first
# 1,000 characters agreed on 919, the first 600 on the same 919 at two thirds of the cost, 400 on 914.
LANGUAGE_SAMPLE_CHARS = 600
# A precision extraction holding less than this share of the page's visible text gets a recall run.
# Measured on the trafilatura subset (F1): 0.15 gave 0.9381, 0.3 0.9394 (then at more CPU than now).
# Since the page's blocks fill the text's gaps (FILL_BELOW_SHARE), on cached outputs (WCXB / subset):
# 0.3: 0.8646 / 0.9392 with 83 recall runs on the subset's 425 pages; 0.2: 0.8649 / 0.9379 with 52;
# 0.15: 0.8650 / 0.9379 with 39, about 6% of the extraction's CPU less than 0.3.
RECALL_BELOW_SHARE = 0.15
# ... and less than this: on the corpus, longer precision texts never gained from the recall run.
# (1,500 scored the same on both corpora with a quarter fewer recall runs, but lost the Guardian live
# blog's feed of posts in tests/test_extract_rules.py to the default run's key-event cards.)
RECALL_BELOW_CHARS = 2500
# When even that holds less than this share of the visible text, trafilatura's default run (its
# fallback extractors and its own recall escalation) replaces it if it finds more: pages where the
# precision and recall runs both kept a caption or a teaser of a page trafilatura's fallbacks read
# whole. Simulated from cached runs on WCXB's articles (word F1, with the region below 0.3) and the
# trafilatura subset: without it 0.937 / 0.9375; 0.15: 0.9385 / 0.9377; 0.3: 0.9395 / 0.9358. The run
# is in fast mode (no readability / jusText comparison): the subset's F1 is the same, WCXB's articles
# 0.0006 lower, at about 0.8 ms a page less on the subset (bench/README.md, 1b).
DEFAULT_BELOW_SHARE = 0.15
# An extraction shorter than this share of the JSON-LD articleBody lost the article; replacing every
# extraction by the declared body instead lowered F1 (0.9381 -> 0.9286): declared bodies often leave
# out subheadings, lists and the standfirst.
DECLARED_BODY_SHARE = 0.3
# An extraction holding less than this share of the page's visible text gets the page's lines inside its
# span put back (text_merge.fill_from_region, Profile.fill_from; bench/README.md, 1b). Simulated on
# cached outputs, WCXB / the trafilatura subset: 0.8591 / 0.9389 without; 0.8636 / 0.9384 below 0.5;
# 0.8644 / 0.9384 below 0.6; 0.8647 / 0.9377 below 0.7; 0.8645 / 0.9377 below 0.8; 0.8644 / 0.9374 on
# every page.
FILL_BELOW_SHARE = 0.7
# Tags trafilatura's tree_cleaning deletes with their content on every page when images and tables
# are off (its MANUALLY_CLEANED, less "form" and "figure", which it judges by content).
_DISCARDED_TAGS = (
    "aside",
    "embed",
    "fencedframe",
    "footer",
    "iframe",
    "menu",
    "object",
    "applet",
    "audio",
    "canvas",
    "map",
    "picture",
    "svg",
    "video",
    "button",
    "datalist",
    "dialog",
    "frame",
    "frameset",
    "fieldset",
    "input",
    "label",
    "legend",
    "marquee",
    "menuitem",
    "nav",
    "noindex",
    "noscript",
    "optgroup",
    "option",
    "output",
    "param",
    "progress",
    "select",
    "textarea",
)


def extract(
    html: bytes | str,
    url: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Extracted | None:
    """Return the article in ``html`` (bytes or decoded text), or None when the page holds no main text."""
    if len(html) > max_bytes:
        # trafilatura parses whatever it is given; a cap before parsing bounds memory and time.
        raise ExtractionError(f"page of {len(html):,} bytes is over the {max_bytes:,}-byte limit")
    page = html if isinstance(html, str) else decode_html(html, encoding)
    # One parse serves the metadata, both trafilatura runs (each works on its own copy) and the check
    # of what the page shows.
    tree = parse_html(page)
    if tree is None:
        return None
    kind = classify(page, tree, url)
    meta = read_metadata(tree)
    # Before the main text is looked for: that drops the navigation where language switchers sit.
    alternates = read_alternates(tree, url)
    byline = _page_author(tree, meta)
    published = page_date(tree, url, meta, kind)
    text = main_text(
        tree,
        url,
        standfirst=meta.description,
        declared_body=meta.body,
        prune=prune_xpaths(page),
        kind=kind,
    )
    if len(text) < MIN_TEXT_CHARS:
        return None
    return Extracted(
        title=meta.title or "",
        author="; ".join(meta.authors) or byline,
        published=published,
        language=detect_language(text[:LANGUAGE_SAMPLE_CHARS], hint=meta.language),
        text=text,
        summary=first_sentences(meta.description or text, SUMMARY_CHARS),
        canonical_url=absolute_http(meta.canonical_url, url or "") if meta.canonical_url else None,
        sketch=sketch(text),
        site_name=" ".join((meta.site_name or "").split()) or None,
        alternates=alternates,
        kind=kind,
    )


@dataclass(frozen=True, slots=True)
class Profile:
    """How the main text of one kind of page is extracted (chosen by measurement, bench/README.md)."""

    # "precision": trafilatura's fast precision run, its recall run only when that kept little (news);
    # "recall": its recall run alone; "default": its default settings, with its fallback extractors.
    run: Literal["precision", "recall", "default"]
    # Delete short lines worded as template boilerplate (boilerplate.py): measured on news pages.
    template_lines: bool
    # Take the page's main region whole (region.py) when trafilatura kept less than this share of it.
    region_below: float | None
    # The region step descends into a child holding this share of its parent's text (region.py).
    region_share: float = 0.6
    # The region keeps blocks named "comment": a forum's posts and a shop's reviews are named so.
    region_comments: bool = False
    # The region drops blocks named as filter or sort panels (region.py).
    region_facets: bool = False
    # trafilatura's fast mode (no readability / jusText comparison) for the recall and default runs.
    fast: bool = False
    # Delete lines that are only a button's or label's wording ("Quick view", "Add to cart"): shops.
    interface_lines: bool = False
    # Keep each line once: quoted posts on forums, repeated card labels, mobile and desktop copies.
    repeated_lines: bool = False
    # End the text at the customer reviews' heading: WCXB's product references leave reviews out on
    # most shops (products 0.672 -> 0.679; the heading after the first 10% of the text: 0.681, 30%: 0.675).
    reviews_cut: bool = False
    # What fills the text's gaps (text_merge.fill_from_region): "page", every block of the page but
    # its never-text tags (region.page_blocks), or "region", the main region (products: 0.689 against
    # 0.675 from the page; forums 0.772 against 0.771).
    fill_from: Literal["page", "region"] = "page"
    # Lines inside the text's span shorter than this are put back only when the text has them: on
    # news pages the short ones are captions, credits and inline teasers (the trafilatura subset
    # 0.9325 with every line, 0.9368 from 80 characters, 0.9390 from 150, filled from the region);
    # elsewhere labels (20: the subset's pages taken for other kinds 0.9377 -> 0.9392, WCXB -0.0001).
    fill_chars: int = 20
    # When the region replaces the text, the page's lines inside the region's span that are at least
    # this long are put back too (None: not filled): lines of blocks the region step dropped for their
    # names inside the region. WCXB on cached outputs: services 0.837 -> 0.846, forums 0.772 -> 0.785,
    # articles and products +0.001 / +0.002; listings, collections and documentation lost (0.736 ->
    # 0.732, 0.695 -> 0.686, 0.937 -> 0.904). With the floor at 80 on all
    # four kinds WCXB scored 0.8676, at 150 0.8672.
    region_fill_chars: int | None = None


# Per kind, the settings that scored best on WCXB's development split (word F1, scored from cached
# outputs of each setting) among trafilatura's precision, recall and default runs, with and without
# fast mode, and region thresholds from 0.3 to 1.3 at descent shares 0.6 and 0.7 (bench/README.md);
# the cheaper setting where two tied. Thresholds above 1 mean "the region unless trafilatura found more".
PROFILES: dict[Kind, Profile] = {
    # The recall run with a region below 0.5 scored 0.953 on a fifth of WCXB's articles (this: 0.943,
    # trafilatura 0.948) but 0.924 on the trafilatura subset (this: 0.937), whose news pages punish
    # the comments and link lists a recall run keeps. The region below 0.3 rescues the service and
    # listing pages taken for articles.
    "article": Profile(
        run="precision",
        template_lines=True,
        region_below=0.3,
        repeated_lines=True,
        fill_chars=150,
        region_fill_chars=80,
    ),
    # Fast recall runs: documentation 0.942 as the full recall run, listings 0.704 against 0.688.
    # Repeated lines stay in documentation (keeping each once: 0.939 -> 0.923; code and tables repeat).
    "documentation": Profile(run="recall", template_lines=False, region_below=1.3, fast=True),
    "listing": Profile(
        run="recall",
        template_lines=False,
        region_below=1.0,
        fast=True,
        interface_lines=True,
        repeated_lines=True,
    ),
    "service": Profile(
        run="recall",
        template_lines=False,
        region_below=1.0,
        region_share=0.7,
        fast=True,
        interface_lines=True,
        repeated_lines=True,
        region_fill_chars=80,
    ),
    # Forums: posts sit in containers named "comment", which both trafilatura (comments off) and the
    # region's chrome rules would drop; trafilatura keeps them on pages declaring DiscussionForumPosting
    # (visible_text). Fast mode lost 0.005 here and 0.015 on collections.
    # The region below 1.0x at share 0.6 (0.3x at 0.7 before): WCXB's forums 0.746 -> 0.764 with kinds
    # predicted out of fold (1.3x: 0.767, but the trafilatura subset 0.9376 against 1.0x's 0.9389). It
    # waited for the classifier trained on the subset's news pages too: before, the news pages taken for
    # forums lost their text to their comments (0.9360 -> 0.9346; bench/README.md, 1b).
    "forum": Profile(
        run="default",
        template_lines=False,
        region_below=1.0,
        region_share=0.6,
        region_comments=True,
        repeated_lines=True,
        fill_from="region",
        fill_chars=0,
        region_fill_chars=80,
    ),
    # A collection's card titles repeat legitimately (the same product in several colours): its lines
    # are not deduplicated (0.666 -> 0.663 when they were).
    "collection": Profile(
        run="default",
        template_lines=False,
        region_below=1.0,
        region_share=0.7,
        interface_lines=True,
        region_facets=True,
    ),
    # The fast recall run scored 0.639 against the default run's 0.636, at 60% of its CPU.
    "product": Profile(
        run="recall",
        template_lines=False,
        region_below=0.3,
        region_share=0.7,
        region_comments=True,
        fast=True,
        interface_lines=True,
        repeated_lines=True,
        reviews_cut=True,
        fill_from="region",
        fill_chars=0,
        region_fill_chars=80,
    ),
}


def main_text(
    tree: Any,
    url: str | None = None,
    *,
    standfirst: str | None = None,
    declared_body: str | None = None,
    prune: list[str] | None = None,
    kind: Kind = "article",
) -> str:
    """Return the main text of the parsed page ``tree`` (empty when none); the tree is altered.

    ``declared_body`` is the page's JSON-LD articleBody, ``prune`` lists XPath expressions of regions
    that are not the article (see site_rules), ``kind`` the page's kind (page_kind.py), which chooses
    the extraction profile.
    """
    profile = PROFILES[kind]
    prune = prune or None
    shown = visible_text(tree)
    _drop_discarded(tree)
    if profile.run == "precision":
        # The fast precision run is the article on most news pages. When it kept little of what the
        # page shows, it may have lost real paragraphs: only then does the (dearer) recall run add
        # what precision dropped before the article's end.
        text = _trafilatura_text(tree, url, prune, precision=True, fast=True)
        if len(text) < RECALL_BELOW_SHARE * len(shown) and len(text) < RECALL_BELOW_CHARS:
            text = merge(text, _trafilatura_text(tree, url, prune, recall=True))
        if len(text) < DEFAULT_BELOW_SHARE * len(shown):
            fuller = _trafilatura_text(tree, url, prune, fast=True)
            if len(fuller) > len(text):
                text = fuller
    else:
        # Pages other than articles: precision settings cut real content (short blocks, lists).
        text = _trafilatura_text(tree, url, prune, recall=profile.run == "recall", fast=profile.fast)
    if profile.template_lines:
        text = strip_boilerplate(text)
    text = text.strip()
    # The region's text is part of what the page shows: when trafilatura kept the threshold's share
    # of all of that, the region cannot replace it, and is not computed unless it fills the text's
    # gaps. trafilatura worked on a copy of the tree, which the steps below may now alter; the page's
    # blocks are read first, as the region step removes more.
    below_region = profile.region_below is not None and len(text) < profile.region_below * len(shown)
    fills = len(text) < FILL_BELOW_SHARE * len(shown)
    fills_from_page = fills and profile.fill_from == "page"
    region_fills = below_region and profile.region_fill_chars is not None
    blocks = page_blocks(tree, prune) if fills_from_page or region_fills else ""
    region = ""
    if below_region or (fills and not fills_from_page):
        region = region_text(
            tree,
            profile.region_share,
            keep_comments=profile.region_comments,
            drop_facets=profile.region_facets,
            prune=prune,
        )
        if below_region and len(text) < (profile.region_below or 0.0) * len(region):
            text, fills = region, False
            if profile.region_fill_chars is not None:
                text = fill_from_region(text, blocks, min_chars=profile.region_fill_chars)
    if fills:
        text = fill_from_region(text, blocks if fills_from_page else region, min_chars=profile.fill_chars)
        if profile.template_lines:
            text = strip_boilerplate(text)
    if declared_body and len(text) < DECLARED_BODY_SHARE * len(declared_body):
        # The extraction lost most of an article whose text the publisher declares in the JSON-LD
        # object that also gave the headline: pages that render their text with scripts show a teaser.
        text = declared_body
    elif text:
        text = with_standfirst(text, standfirst, shown)
    if profile.interface_lines:
        text = strip_interface_lines(text)
    if profile.repeated_lines:
        text = drop_repeated_lines(text)
    if profile.reviews_cut:
        text = cut_at_reviews(text)
    return text


def _drop_discarded(tree: Any) -> None:
    """Delete, before trafilatura sees the tree, the elements its own cleaning deletes whatever the page.

    trafilatura copies the raw tree three times and runs its widest XPath passes over it before that
    cleaning; on a news page the menus, footers, asides and pictures are a third of its elements. Its
    recall mode keeps them when they hold every paragraph of the page, and so does this.
    """
    head = tree.find("head")
    if head is not None:
        # trafilatura deletes the head too, but only after its first passes over the raw tree. Its
        # JSON-LD stays (see visible_text); the metadata was read before.
        etree.strip_elements(head, "meta", "link", "base", with_tail=False)
    if not any(next(p.iterancestors(*_DISCARDED_TAGS), None) is None for p in tree.iter("p")):
        return
    etree.strip_elements(tree, *_DISCARDED_TAGS, with_tail=False)


def _page_author(tree: Any, meta: PageMetadata) -> str | None:
    # The visible byline only when the structured data (JSON-LD, article:author) names nobody.
    return None if meta.authors else read_byline(tree)


def visible_text(tree: Any) -> str:
    """Return the whitespace-normalised text a reader sees in ``tree``; scripts and styles are removed.

    JSON-LD scripts stay in the tree: trafilatura reads a DiscussionForumPosting there and then keeps
    a forum's posts, which it otherwise drops as comments (WCXB forums: 0.647 without, 0.700 with).
    """
    etree.strip_elements(tree, "style", "template", with_tail=False)
    declared = []
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            declared.append((script, script.text))
            script.text = None  # not shown; put back below
        else:
            script.drop_tree()
    body = tree.find("body")
    shown = " ".join((body if body is not None else tree).text_content().split())
    for script, text in declared:
        script.text = text
    return shown


def _trafilatura_text(
    tree: Any,
    url: str | None,
    prune: list[str] | None,
    *,
    precision: bool = False,
    recall: bool = False,
    fast: bool = False,
) -> str:
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        favor_precision=precision,
        favor_recall=recall,
        fast=fast,
        prune_xpath=prune,
    )
    return (doc.text or "").strip() if isinstance(doc, Document) else ""


def decode_html(html: bytes, encoding: str | None = None) -> str:
    """Return the page as text: the declared charset (header, then meta), else UTF-8, else cp1252."""
    candidates = [encoding] if encoding else []
    match = _META_CHARSET.search(html[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        return html.decode(codec, errors="replace")
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", errors="replace")
