"""Combining two extractions of one page, and putting back the standfirst that extractors drop.

trafilatura in precision mode leaves out the trailing blocks it is unsure of (related links, calls to
subscribe) but sometimes loses real paragraphs too; in recall mode it keeps both. Taking the recall
text up to the last paragraph the precision run also kept gets the first's end and the second's body.
The page's main region (region.py) likewise fills the blocks an extraction skipped inside its span.
"""

from __future__ import annotations

import re
from collections import Counter

# A precision text this much shorter than the recall text lost the article, not just its trimmings.
MIN_PRECISE_SHARE = 0.3
# How much of a standfirst must open the text already for it to count as present.
_STANDFIRST_PROBE = 60
# A description longer than a standfirst whose words the text mostly holds is the article itself,
# flattened (some sites fill the tag so): put before the text it would double it. On WCXB's articles
# 0.9400 -> 0.9409 (the trafilatura subset 0.9389 -> 0.9385); without the length floor (0.9364 there) or
# with 50% coverage from 400 characters (0.9381) it cost the subset more.
_LONG_STANDFIRST = 300
_STANDFIRST_HELD = 0.7
_WORD = re.compile(r"\w+")
# Share of the text's distinct lines that must be lines of the region for the region to fill it.
_FILL_MATCHED = 0.8


def merge(precise: str, full: str) -> str:
    """Return ``full`` cut after the last paragraph that ``precise`` kept (all of it if precise lost much)."""
    if not precise or len(precise) < MIN_PRECISE_SHARE * len(full):
        return full
    if not full:
        return precise
    kept = {line.strip() for line in precise.splitlines() if line.strip()}
    lines = full.splitlines()
    last = max((i for i, line in enumerate(lines) if line.strip() in kept), default=-1)
    if last < 0:
        # The two runs found different parts of the page; trust the careful one.
        return precise
    return "\n".join(lines[: last + 1])


def with_standfirst(text: str, standfirst: str | None, page_text: str) -> str:
    """Return ``text`` opened by the standfirst when the page shows it but the text lacks it.

    A description tag is only trusted as part of the article when the page also shows it to readers
    (``page_text`` is the page's visible text, whitespace-normalised); many sites fill the tag with
    marketing copy that is on no page.
    """
    if not standfirst:
        return text
    normalised = " ".join(standfirst.split())
    probe = normalised.rstrip(".… ")[:_STANDFIRST_PROBE]
    if not probe or normalised not in page_text or probe in " ".join(text.split()):
        return text
    if len(normalised) > _LONG_STANDFIRST and _held(normalised, text) >= _STANDFIRST_HELD:
        return text
    return f"{normalised}\n{text}"


def _held(part: str, text: str) -> float:
    """Return the share of ``part``'s words (counted with repeats, case-blind) that ``text`` holds."""
    words = Counter(_WORD.findall(part.lower()))
    return sum((words & Counter(_WORD.findall(text.lower()))).values()) / (sum(words.values()) or 1)


def fill_from_region(text: str, source: str, *, min_chars: int) -> str:
    """Return ``text`` with ``source``'s lines between its first and last line put back in place.

    trafilatura drops blocks inside an article it judges unlike prose (tables, lists, paragraphs in
    unusual containers); ``source``, the page's blocks or its main region (region.py, one line per
    block, whitespace collapsed), holds them. Only its lines between the first and the last line of
    ``text`` are taken, so what follows the article there (comments, related links) stays out; of those,
    the ones shorter than ``min_chars`` (captions, credits, inline teasers on news pages) only when
    ``text`` has them too. ``text`` is returned as it is when most of its lines are not lines of
    ``source`` (the two found different parts of the page) or when filling adds nothing.
    """
    lines = text.splitlines()
    kept = {_key(line) for line in lines if line.strip()}
    region_lines = source.split("\n")
    # The source's lines have their whitespace collapsed already: lower-casing makes their keys.
    keys = list(map(str.lower, region_lines))
    found = [i for i, key in enumerate(keys) if key in kept]
    if len(found) < 2 or len({keys[i] for i in found}) < _FILL_MATCHED * len(kept):
        return text
    first, last = found[0], found[-1]
    head = []
    for line in lines:
        if _key(line) == keys[first]:
            break
        head.append(line)
    span = [
        line
        for line, key in zip(region_lines[first : last + 1], keys[first : last + 1], strict=True)
        if len(line) >= min_chars or key in kept
    ]
    filled = "\n".join(head + span)
    return filled if len(filled) > len(text) else text


def _key(line: str) -> str:
    return " ".join(line.split()).lower()
