"""The product's language detection before issue 19 (aggregator/language.py at b8d99d3), kept as the peer.

bench/language.py measures it as the product called it. What follows is the module's own docstring:
language detection for harvested articles, with care for Welsh.

py3langid judges any language it knows; this module adds two things it cannot know. Below a dozen
words its guess is noise, so the page's own declaration (the ``hint``, e.g. ``<html lang>``) wins. And
on Welsh it sometimes answers a neighbouring Celtic language; when the hint says Welsh or the text is
full of everyday Welsh words, the answer is Welsh. Nothing else is nudged, so German stays German.
"""

from __future__ import annotations

import re

import py3langid

# py3langid gains little past a few paragraphs and costs time in proportion to the text.
MAX_CHARS = 3000
MIN_WORDS = 12
# How many distinct everyday Welsh words overrule a Breton, Irish, Scottish Gaelic or Cornish guess.
WELSH_MARKERS_NEEDED = 3

_CELTIC_NEIGHBOURS = frozenset({"br", "ga", "gd", "kw"})
# Short words ("a", "i", "o", "y", "yn", "ar") are Welsh but also Irish, Gaelic or Cornish, so they
# count only alongside words the neighbours do not share.
_WELSH_SHARED = frozenset({"a", "i", "o", "y", "yn", "ar"})
_WELSH_DISTINCT = frozenset(
    {"mae", "ac", "yr", "ei", "eu", "gyda", "ddim", "hefyd", "wedi", "bod", "sy", "sydd", "roedd", "hyn"}
    | {"hynny", "ond", "fel", "gan", "yng", "ym", "fod", "nid", "nad", "iawn", "rhaid", "mewn", "ydy"}
)
_WORD = re.compile(r"[^\W\d_]+")
_HINT = re.compile(r"^([A-Za-z]{2})(?:[-_].*)?$")


def detect_language(text: str, hint: str | None = None) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language; for too short a text, the hint's or None."""
    hinted = _normalise_hint(hint)
    sample = text[:MAX_CHARS]
    words = [word.lower() for word in _WORD.findall(sample)]
    if len(words) < MIN_WORDS:
        return hinted
    language, _ = py3langid.classify(sample)
    code = str(language)
    if code in _CELTIC_NEIGHBOURS and (hinted == "cy" or _looks_welsh(words)):
        return "cy"
    return code


def _normalise_hint(hint: str | None) -> str | None:
    """Return the two-letter language of a tag such as "en-GB" or "cy_GB", or None if it has none."""
    match = _HINT.match((hint or "").strip())
    return match.group(1).lower() if match else None


def _looks_welsh(words: list[str]) -> bool:
    distinct = set(words)
    strong = distinct & _WELSH_DISTINCT
    return len(strong) >= 2 and len(strong) + len(distinct & _WELSH_SHARED) >= WELSH_MARKERS_NEEDED
