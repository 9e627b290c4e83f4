"""Topic relevance: how strongly an item's title, summary and text speak to a curator's topic terms.

Matching is forgiving in the ways curators' terms and writers' spelling differ, and strict about word
edges: case, straight and curly apostrophes, and the spacing inside a phrase do not matter; the text may
add a plural or possessive ending ("assembly" finds "assemblies" and "assembly’s"); an apostrophe in a
term is optional in the text ("citizens' assembly" finds "Citizens Assembly"); a hyphen in a term is
optional in the text ("co-production" finds "coproduction" and "co‑production"), since both spellings
are in common use; the reverse does not hold, so a topic writes "well-being" to catch "wellbeing" too.
A term never matches inside a longer word: "assembly" misses "assemblyman".

A topic's terms are written per language (`TopicTerms`): the main list (the knowledge base's English)
and, beside it, a list for any language that needs its own, Welsh above all, since a Welsh article
rarely carries the English words. An item is scored by the list of its own language when the topic has
one, by the main list otherwise; an item whose language is unknown is tried on every list, and every
exclude list applies to it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# A term found in the title says the most about what an item is about, then the summary; each extra
# occurrence in the body says less than the one before.
TITLE_WEIGHT = 3.0
SUMMARY_WEIGHT = 2.0
BODY_WEIGHT = 0.6
BODY_CAP = 3.0
# Scale of the saturating curve: a lone title hit scores about 0.5, a term in title, summary and body
# about 0.75, two such terms over 0.9.
SATURATION = 4.0

_APOSTROPHES = "'’ʼ‘"
_HYPHENS = "-‐‑"
_NEVER = re.compile(r"(?!)")
_LETTERS = re.compile(r"[^\W_]+")
_SIBILANT_END = re.compile(r"(?:s|x|z|ch|sh)$")
_CONSONANT_Y_END = re.compile(r"[^aeiou]y$")
_APOSTROPHE_CLASS = f"[{re.escape(_APOSTROPHES)}]"
_HYPHEN_CLASS = f"[{re.escape(_HYPHENS)}]"
_TERM_TOKEN = re.compile(rf"{_APOSTROPHE_CLASS}|{_HYPHEN_CLASS}|[^{re.escape(_APOSTROPHES + _HYPHENS)}]+")
_POSSESSIVE = rf"(?:{_APOSTROPHE_CLASS}s?)?"


@dataclass(frozen=True, slots=True)
class TopicScore:
    """How relevant an item is to a topic: a score in [0, 1] and the include terms it matched."""

    score: float
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TopicTerms:
    """A topic's include and exclude terms: the main list, and a list per language that has its own."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # ISO 639-1 code -> (include, exclude)
    by_language: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)

    def for_language(self, language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the (include, exclude) terms an item in ``language`` is scored by."""
        code = base_language(language)
        if code is None:
            include = list(self.include)
            exclude = list(self.exclude)
            for more_include, more_exclude in self.by_language.values():
                include += [t for t in more_include if t not in include]
                exclude += [t for t in more_exclude if t not in exclude]
            return tuple(include), tuple(exclude)
        return self.by_language.get(code, (self.include, self.exclude))


def base_language(language: str | None) -> str | None:
    """Return the two- or three-letter language of a tag ("cy-GB" -> "cy"), or None when there is none."""
    if not language:
        return None
    code = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return code if code.isascii() and code.isalpha() and 2 <= len(code) <= 3 else None


def score_item(title: str, summary: str, text: str, language: str | None, terms: TopicTerms) -> TopicScore:
    """Return the item's score for a topic, by the topic's terms for the item's language."""
    include, exclude = terms.for_language(language)
    return score_topic(title, summary, text, include, exclude)


def score_topic(
    title: str,
    summary: str,
    text: str,
    include: Sequence[str],
    exclude: Sequence[str] = (),
) -> TopicScore:
    """Return the item's score for a topic, or a zero score when it matches no include or any exclude term."""
    fields = (title, summary, text)
    if any(pattern.search(field) for pattern in compile_terms(exclude) for field in fields):
        return TopicScore(0.0, ())
    raw = 0.0
    matched: list[str] = []
    for term, pattern in zip(include, compile_terms(include), strict=True):
        in_title = pattern.search(title) is not None
        in_summary = pattern.search(summary) is not None
        body_count = _count(pattern, text)
        if not (in_title or in_summary or body_count):
            continue
        matched.append(term)
        raw += TITLE_WEIGHT * in_title + SUMMARY_WEIGHT * in_summary
        raw += BODY_WEIGHT * min(math.log1p(body_count), BODY_CAP)
    if not matched:
        return TopicScore(0.0, ())
    return TopicScore(1.0 - math.exp(-raw / SATURATION), tuple(matched))


def compile_terms(terms: Sequence[str]) -> list[re.Pattern[str]]:
    """Return one case-insensitive whole-word pattern per term, in the terms' order."""
    return list(_compiled(tuple(terms)))


@lru_cache(maxsize=512)
def _compiled(terms: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    # Topics are few and scored against every item, so each topic's patterns are built once.
    return tuple(_term_pattern(term) for term in terms)


def _term_pattern(term: str) -> re.Pattern[str]:
    words = term.lower().split()
    if not words:
        return _NEVER
    body = r"\s+".join(_word_pattern(word) for word in words)
    head = _literal_head(words[0], body)
    # Opening with a literal lets the regex engine skip ahead to where the term could start, several
    # times faster on long texts than a pattern that opens with a lookbehind.
    edge = rf"(?<!\w{re.escape(head)})" if head else r"(?<!\w)"
    return re.compile(rf"{head}{edge}{body[len(head) :]}(?!\w)", re.IGNORECASE)


def _literal_head(word: str, body: str) -> str:
    """Return the longest run of letters and digits that opens both ``word`` and the pattern ``body``."""
    match = _LETTERS.match(word)
    head = match.group() if match else ""
    while head and not body.startswith(head):
        head = head[:-1]
    return head


def _word_pattern(word: str) -> str:
    core = word.rstrip(_APOSTROPHES)
    if not core:
        return re.escape(word)
    parts: list[str] = []
    for token in _TERM_TOKEN.findall(core):
        if token in _APOSTROPHES:
            parts.append(f"{_APOSTROPHE_CLASS}?")
        elif token in _HYPHENS:
            parts.append(f"{_HYPHEN_CLASS}?")
        else:
            parts.append(re.escape(token))
    stem = "".join(parts)
    if core != word:
        # "citizens'" is already a plural possessive: the text may drop the apostrophe, nothing more.
        return f"{stem}{_APOSTROPHE_CLASS}?"
    return stem[:-1] + _ending(core) if _CONSONANT_Y_END.search(core) else stem + _ending(core)


def _ending(word: str) -> str:
    """Return the pattern for the plural and possessive endings the text may add to ``word``."""
    if _CONSONANT_Y_END.search(word):
        return rf"(?:y{_POSSESSIVE}|ies{_APOSTROPHE_CLASS}?)"
    if word.endswith("s"):
        return rf"(?:es)?{_POSSESSIVE}"
    if _SIBILANT_END.search(word):
        return rf"(?:es{_APOSTROPHE_CLASS}?|{_POSSESSIVE})"
    return rf"(?:s{_APOSTROPHE_CLASS}?|{_APOSTROPHE_CLASS}s)?"


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))
