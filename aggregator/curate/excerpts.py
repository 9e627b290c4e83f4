"""Excerpt proposals: the sentences of an article most worth quoting, offered to curators to pick from.

What curators quote is usually someone speaking ("I am interested in the idea of citizens assemblies
and not just for climate change," said ...), or a self-contained sentence that names their topic. A
sentence scores for a direct quotation, for the topic terms it carries and for a length that reads well
on its own; it loses for opening with a word that points back to a sentence the reader will not see.
Boilerplate (captions, sign-up prompts, credits, bare links) is never proposed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import islice

from aggregator.curate.relevance import compile_terms

_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’»)\]]*)\s+")
_QUOTE_MARK = re.compile(r"[“”\"‘’']")
_TOKEN_EDGE = re.compile(r"^[(\[“‘\"']+")
_INITIALS = re.compile(r"^(?:[A-Z]\.)*[A-Z]$")
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "st", "cllr", "rev", "etc", "e.g", "i.e"})
_OPENERS = frozenset(" \t([{“‘—–-/\"'")

_QUOTED = re.compile(r"“[^”]+”|\"[^\"]+\"|‘.+?’(?!\w)|(?<!\w)'.+?'(?!\w)")
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|argued|argues|added|adds|explained|explains|insisted|insists|"
    r"warned|warns|asked|asks|replied|noted|notes|according to)\b",
    re.IGNORECASE,
)
# Matched against the lower-cased sentence: a case-insensitive alternation is several times slower.
_BOILERPLATE = re.compile(
    r"\b(?:(?:photograph|photo|image|picture|illustration)\s*:|sign up\b|click here\b|read more\b|"
    r"all rights reserved\b|newsletter|subscribe\b|share this\b|follow us\b|advertisement$|"
    r"view (?:this email )?in (?:your )?browser|update (?:your )?preferences|forward to a friend)|©"
)
_COOKIE_PROMPT = re.compile(r"\b(?:accept|allow|settings|policy|consent|use|uses|using)\b")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_OPENING = frozenset("“‘\"'")
# “…,” said the local MP Keir Starmer, a Labour frontbencher.  — the quotation breaks on a comma
# inside its marks, the attribution (a speech verb, a few words) ends the sentence.
_INTERRUPTED = re.compile(
    r"^[“\"‘'][^”\"’]*,\s*[”\"’']\s+(?:[\w’'.-]+\s+){0,3}?"
    r"(?:said|says|told|tells|added|adds|argued|argues|explained|explains|insisted|warned|asked)\b"
    r"[^“”\"]{0,160}[.]$"
)
_DANGLING = re.compile(r"^[“‘\"']?(?:This|It|But|However|He|She|They)\b")
_WORD = re.compile(r"\w+")

# A quotation outranks anything a topic term can add to a plain sentence; terms then separate quotes.
QUOTE_SCORE = 3.0
SPEECH_SCORE = 1.0
FIRST_TERM_SCORE = 1.5
MORE_TERMS_SCORE = 0.75
DANGLING_PENALTY = 0.5
MIN_QUOTED_WORDS = 6
MIN_WORDS = 4


def split_sentences(text: str) -> list[str]:
    """Return the sentences of plain text, each trimmed; a newline always ends a sentence.

    A quotation interrupted by its attribution ("“…,” said the local MP. “…”") is one sentence: a
    curator quotes it whole, attribution kept, as the knowledge base does.
    """
    sentences: list[str] = []
    for paragraph in text.splitlines():
        sentences.extend(_join_interrupted(_split_paragraph(paragraph.strip())))
    return sentences


def _join_interrupted(pieces: list[str]) -> list[str]:
    """Return ``pieces`` with each quotation-then-attribution joined to the quotation that resumes it."""
    joined: list[str] = []
    for piece in pieces:
        if joined and piece[:1] in _OPENING and _INTERRUPTED.match(joined[-1]):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def excerpt_candidates(text: str, terms: Sequence[str] = (), limit: int = 3) -> list[str]:
    """Return up to ``limit`` distinct sentences of ``text`` most worth quoting, best first."""
    if limit <= 0:
        return []
    patterns = compile_terms(tuple(dict.fromkeys(t.strip().lower() for t in terms if t.strip())))
    seen: set[str] = set()
    scored: list[tuple[float, int, str]] = []
    for position, sentence in enumerate(split_sentences(text)):
        key = " ".join(sentence.split()).casefold()  # sentences come stripped
        if key in seen or not _usable(sentence):
            continue
        seen.add(key)
        scored.append((-_score(sentence, patterns), position, sentence))
    scored.sort()
    return [sentence for _, _, sentence in scored[:limit]]


def _split_paragraph(paragraph: str) -> list[str]:
    if not paragraph:
        return []
    quotes = _quotations(paragraph)
    pieces: list[str] = []
    begin = 0
    for match in _BOUNDARY.finditer(paragraph):
        if _is_break(paragraph, match, quotes):
            pieces.append(paragraph[begin : match.end(2)])
            begin = match.end()
    pieces.append(paragraph[begin:])
    return [piece.strip() for piece in pieces if piece.strip()]


def _is_break(paragraph: str, match: re.Match[str], quotes: list[tuple[int, int]]) -> bool:
    """Return whether a full stop, question or exclamation mark followed by space ends a sentence."""
    following = paragraph[match.end()] if match.end() < len(paragraph) else ""
    if following.islower():
        return False
    # Inside a quotation that closes after this mark, the speaker is still talking.
    if any(start < match.start(1) and end >= match.end(2) for start, end in quotes):
        return False
    if match.group(1) != "." or match.group(2):
        return True
    before = _TOKEN_EDGE.sub("", paragraph[paragraph.rfind(" ", 0, match.start(1)) + 1 : match.start(1)])
    if before.lower() in _ABBREVIATIONS or _INITIALS.match(before):
        return False
    return not (before == "No" and following.isdigit())


def _quotations(paragraph: str) -> list[tuple[int, int]]:
    """Return (opening, closing) offsets of the quotations that close within the paragraph."""
    spans: list[tuple[int, int]] = []
    double: int | None = None
    single: int | None = None
    for match in _QUOTE_MARK.finditer(paragraph):
        mark, at = match.group(), match.start()
        before = paragraph[at - 1] if at else " "
        after = paragraph[at + 1] if at + 1 < len(paragraph) else " "
        if mark == "“" or (mark == '"' and double is None):
            double = at if double is None else double
        elif mark in '”"' and double is not None:
            spans.append((double, at))
            double = None
        elif single is None and (mark == "‘" or (mark == "'" and before in _OPENERS and after.isalnum())):
            single = at
        elif single is not None and mark in "’'" and not after.isalnum():
            spans.append((single, at))
            single = None
    return spans


def _has_words(text: str, count: int) -> bool:
    # Stops at the count: every sentence of every page passes through here.
    return sum(1 for _ in islice(_WORD.finditer(text), count)) == count


def _usable(sentence: str) -> bool:
    lowered = sentence.lower()
    if not _has_words(sentence, MIN_WORDS) or _BOILERPLATE.search(lowered):
        return False
    if "cookie" in lowered and _COOKIE_PROMPT.search(lowered):
        return False
    if "http" not in lowered and "www." not in lowered:
        return True
    return sum(len(url) for url in _URL.findall(sentence)) * 2 < len(sentence)


def _score(sentence: str, patterns: Sequence[re.Pattern[str]]) -> float:
    score = _length_score(len(sentence))
    if _QUOTE_MARK.search(sentence) and any(
        _has_words(quoted, MIN_QUOTED_WORDS) for quoted in _QUOTED.findall(sentence)
    ):
        score += QUOTE_SCORE + (SPEECH_SCORE if _SPEECH.search(sentence) else 0.0)
    hits = sum(1 for pattern in patterns if pattern.search(sentence))
    if hits:
        score += FIRST_TERM_SCORE + MORE_TERMS_SCORE * (hits - 1)
    if _DANGLING.match(sentence):
        score -= DANGLING_PENALTY
    return score


def _length_score(length: int) -> float:
    """Return 1 for 60 to 300 characters, falling away linearly to -1 for very short or very long."""
    if length < 60:
        return max(-1.0, 1.0 - 2.0 * (60 - length) / 40)
    if length > 300:
        return max(-1.0, 1.0 - 2.0 * (length - 300) / 300)
    return 1.0
