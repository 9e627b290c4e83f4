"""The kind of a page (article, listing, forum, product, documentation, service, collection) by structure.

Extraction settings that suit an article cut real content from a forum thread or a listing, so the
extractor first guesses the kind. The guess uses cheap structural features of the parsed page (tag and
class-word counts, link density, paragraph lengths, the declared schema.org and OpenGraph types, words
of the page's own URL) and a multinomial logistic regression trained with scikit-learn on WCXB's
development split and the trafilatura subset's news pages (as articles, weighted 0.25) by
``bench/page_kind_model.py`` (gradient-boosted trees did no better in
cross-validation and cost more per page); its weights are stored as plain data
(``page_kind_model.json``) and applied here in pure Python, so the extraction workers import nothing
more. Accuracy (cross-validated) is in bench/README.md.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import urlparse

from lxml import etree

Kind = Literal["article", "collection", "documentation", "forum", "listing", "product", "service"]
KINDS: tuple[Kind, ...] = ("article", "collection", "documentation", "forum", "listing", "product", "service")
MODEL_FILE = "page_kind_model.json"

_TAGS = (
    "p", "li", "a", "h1", "h2", "h3", "table", "tr", "form", "input", "pre", "code", "article", "time",
    "img", "button", "ul", "dl", "blockquote", "section", "nav", "aside", "footer", "select", "label",
    "main", "dd", "figure",
)  # fmt: skip
_CLASS_WORDS = frozenset(
    (
        "post", "comment", "reply", "thread", "forum", "price", "cart", "product", "sidebar", "toc",
        "breadcrumb", "card", "grid", "item", "author", "date", "meta", "doc", "sku", "review", "rating",
        "tag", "category", "entry", "content", "article", "list", "menu", "user", "avatar", "quote",
        "vote", "answer", "event", "result", "pagination", "tile", "gallery", "faq", "service", "btn",
    )
)  # fmt: skip
_URL_WORDS = (
    "blog", "news", "article", "product", "products", "shop", "store", "item", "p", "dp", "docs", "doc",
    "documentation", "guide", "api", "reference", "manual", "forum", "forums", "thread", "threads",
    "questions", "question", "t", "topic", "topics", "community", "discussion", "category", "categories",
    "tag", "tags", "collections", "collection", "catalog", "services", "service", "about", "events",
    "event", "list", "search", "wiki", "help", "support", "faq", "learn", "tutorial", "html", "php",
    "index", "page", "c", "r", "comments",
)  # fmt: skip
_SCHEMA_TYPES = (
    "article", "newsarticle", "blogposting", "product", "offer", "discussionforumposting", "qapage",
    "question", "faqpage", "itemlist", "collectionpage", "webpage", "breadcrumblist", "event",
    "organization", "localbusiness", "service", "howto", "techarticle", "softwareapplication", "recipe",
    "videoobject", "aggregaterating", "review", "person", "course", "website", "searchresultspage",
    "profilepage", "socialmediaposting", "comment", "answer",
)  # fmt: skip
_OG_TYPES = ("article", "product", "website", "blog", "profile", "book", "video")

_SCHEMA_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"([^"]+)"')
_OG_TYPE = re.compile(
    r"""<meta[^>]+property=["']og:type["'][^>]*content=["']([^"']+)"""
    r"""|<meta[^>]+content=["']([^"']+)["'][^>]*property=["']og:type""",
    re.IGNORECASE,
)
_OWN_URL = re.compile(
    r"""<link[^>]+rel=["']canonical["'][^>]*href=["']([^"']+)"""
    r"""|<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)""",
    re.IGNORECASE,
)
_PRICE = re.compile(r"[$€£]\s?\d|\d\s?(?:€|EUR|USD)")
# The same count on text holding none of "€", "EUR", "USD" (the second branch cannot match there).
# Each led by its literal sign, which the engine finds by a fast scan; together they count what
# "[$£]\s?\d" counts (a character class leading a pattern is tried at every position).
_PRICE_SIGNS = (re.compile(r"\$\s?\d"), re.compile(r"£\s?\d"))
_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d/")
_WORD = re.compile(r"[a-z]+")
# Any opening tag; the counted names are picked from them (one alternation of 28 names, case-folded,
# cost twice as much for the same counts).
_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)[\s>/]")
# Led by its literal name, which the regular expression engine finds by a fast scan (a leading "\s"
# or case-folding made it test every position: a third of the features' cost).
_CLASS_ATTR = re.compile(r"""class\s*=\s*["']([^"']*)""")
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_P_TEXT = etree.XPath(".//p//text()", smart_strings=False)
# The text of the outermost items holds that of the items nested in them: the same characters as
# ".//li//text()", without the sorting and merging of overlapping node sets (half the time).
_OUTER_LI = etree.XPath("descendant::li[not(ancestor::li)]")
_STRING = etree.XPath("string(.)", smart_strings=False)
_NORMALISED_TEXT = etree.XPath("normalize-space(.)", smart_strings=False)
_COUNT_P = etree.XPath("count(.//p)")
_COUNT_LI = etree.XPath("count(.//li)")
_PATH_SPLIT = re.compile(r"[/\-_.]+")


def feature_names() -> list[str]:
    """Return the names of ``features``'s values, in order (the model file stores them to check)."""
    names = ["log_text", "log_html", "link_density", "log_words", "log_mean_p", "log_mean_li"]
    names += ["url_depth", "url_date", "url_digit_share", "log_prices", "log_path_len", "heading_share"]
    names += [f"tag_{t}" for t in _TAGS] + [f"class_{w}" for w in sorted(_CLASS_WORDS)]
    names += [f"url_{w}" for w in _URL_WORDS] + [f"schema_{t}" for t in _SCHEMA_TYPES]
    return names + [f"og_{t}" for t in _OG_TYPES]


def features(page: str, tree: Any, url: str | None = None) -> list[float]:
    """Return the structural features of the page (its source ``page`` and parsed ``tree``).

    ``tree`` must be the page as parsed, before anything is removed from it.

    The URL's words come from the page's own canonical or og:url link when it has one, else ``url``:
    the page says the same thing whoever fetched it.
    """
    # Tags and class words are counted in the source, and the text under links, paragraphs and list
    # items read by XPath in C, not by walking the tree: lxml builds a Python object per element
    # visited, which cost more than the extraction's own work on large pages.
    tags = dict.fromkeys(_TAGS, 0)
    for name, times in Counter(_OPEN_TAG.findall(page)).items():
        lowered = name.lower()
        if lowered in tags:
            tags[lowered] += times
    class_words = dict.fromkeys(_CLASS_WORDS, 0)
    for names, times in Counter(_CLASS_ATTR.findall(page)).items():
        for word in set(_WORD.findall(names.lower())) & _CLASS_WORDS:
            class_words[word] += times
    body = tree.find("body")
    if body is None:
        body = tree
    # The body's text as lxml's text_content() gives it (inline scripts included), whitespace
    # collapsed, in C.
    text = _NORMALISED_TEXT(body)
    link_chars = len(" ".join(" ".join(_LINK_TEXT(body)).split()))
    paragraphs = int(_COUNT_P(body))
    items = int(_COUNT_LI(body))
    own = _OWN_URL.search(page)
    path = urlparse((own.group(1) or own.group(2)) if own else (url or "")).path.lower()
    path_words = set(_PATH_SPLIT.split(path))
    schema = {m.group(1).lower() for m in _SCHEMA_TYPE.finditer(page)}
    og = _OG_TYPE.search(page)
    og_type = (og.group(1) or og.group(2) or "").lower() if og else ""
    headings = tags["h1"] + tags["h2"] + tags["h3"]
    values = [
        math.log1p(len(text)),
        math.log1p(len(page)),
        link_chars / (len(text) or 1),
        # Words: ``text`` has its whitespace collapsed to single spaces.
        math.log1p(text.count(" ") + 1 if text else 0),
        math.log1p(_chars(_P_TEXT(body)) / paragraphs) if paragraphs else 0.0,
        math.log1p(sum(len(_STRING(li)) for li in _OUTER_LI(body)) / items) if items else 0.0,
        float(len([s for s in path.split("/") if s])),
        1.0 if _DATE_IN_PATH.search(path) else 0.0,
        sum(ch.isdigit() for ch in path) / (len(path) or 1),
        math.log1p(_prices(text)),
        math.log1p(len(path)),
        headings / (tags["p"] + tags["li"] + 1),
    ]
    values += [math.log1p(tags[t]) for t in _TAGS]
    values += [math.log1p(class_words[w]) for w in sorted(_CLASS_WORDS)]
    values += [1.0 if w in path_words else 0.0 for w in _URL_WORDS]
    values += [1.0 if t in schema else 0.0 for t in _SCHEMA_TYPES]
    return values + [1.0 if og_type.startswith(t) else 0.0 for t in _OG_TYPES]


def _chars(texts: list[str]) -> int:
    return sum(map(len, texts))


def _prices(text: str) -> int:
    # The full pattern tries its digit branch at every digit of the page; without a euro sign or a
    # currency code on the page, only the branch led by a sign can match, found far faster.
    if "€" in text or "EUR" in text or "USD" in text:
        return len(_PRICE.findall(text))
    return sum(len(sign.findall(text)) for sign in _PRICE_SIGNS)


@cache
def _model() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("aggregator.extract").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    )
    if data["features"] != feature_names():
        raise RuntimeError(f"{MODEL_FILE} was trained on other features: run bench/page_kind_model.py")
    return data


def kind_scores(values: list[float]) -> dict[Kind, float]:
    """Return the model's probability of each kind for the feature ``values``."""
    model = _model()
    scaled = [(v - m) / s for v, m, s in zip(values, model["mean"], model["scale"], strict=True)]
    raw = [
        # A built-in product mapped over the pairs: 7 x 175 multiplications a page.
        b + sum(map(operator.mul, weights, scaled))
        for weights, b in zip(model["coef"], model["intercept"], strict=True)
    ]
    top = max(raw)
    exps = [math.exp(r - top) for r in raw]
    total = sum(exps)
    return {kind: e / total for kind, e in zip(model["classes"], exps, strict=True)}


def classify(page: str, tree: Any, url: str | None = None) -> Kind:
    """Return the most likely kind of the page (arguments as ``features``'s)."""
    scores = kind_scores(features(page, tree, url))
    return max(scores, key=scores.__getitem__)
