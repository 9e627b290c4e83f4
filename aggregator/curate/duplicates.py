"""What counts as a duplicate: the one rule, and the near-duplicate text check it needs.

An item is the same as a stored one when
- its canonical URL is the same (``aggregator.urls.canonical_url``: host lower-cased, no fragment,
  no tracking parameters), whichever source met it;
- or its GUID is the same within one source (a feed that moved its links keeps its GUIDs);
- or its text is the same story under another URL (syndication): a stored text shares at least
  ``CANDIDATE_SHARED`` of its sketch values, and the two whole texts pass ``same_story``. Such a copy
  is kept, linked to the text it is closest to; a curator sees it and can unfold it.
Storage (``services/recording``) applies the three in that order; the crawl asks storage before it
fetches (``ItemService.settled``) so a known link costs no download.

Near duplicates: a bottom-k MinHash sketch finds the candidates, the texts decide.

A sketch is the SKETCH_SIZE smallest 64-bit hashes of a text's word 5-shingles. Texts whose shingle
sets overlap share part of their sketch, and two unrelated articles share none. Sketch values are
stored one per row with an index, so finding the candidates is a handful of exact lookups, not a scan;
that stays fast at a million items. The sketch alone cannot tell a copy from another story on the
same template: two trial abstracts in one field, two weeks' figures in one house style, or one
issuer's press releases share half their shingles, and 16 values estimate that share too loosely
(measured in bench/duplicates.py: the sketch alone at 8 of 16 folded 14% of such pairs). So each
candidate is checked on the two whole texts: the shorter one's shingles must be nearly all in the
longer one (``MIN_CONTAINMENT``), which a copy passes whatever its site added or cut, and two stories
with different specifics do not.

SimHash was tried first and dropped: on a 300-word story, a ten-word syndication line ("This article
first appeared on ...") flipped more bits than a band index can tolerate in a third of cases.
"""

from __future__ import annotations

import heapq
import re
from hashlib import blake2b

MIN_WORDS = 50
SKETCH_SIZE = 16
# A stored item sharing this many of a new text's sketch values is a candidate, checked on both whole
# texts. Low on purpose: the check decides, and a pair that shares less is rarely one story (a
# teaser shares about a third of its full story's sketch).
CANDIDATE_SHARED = 3
# The share of the shorter text's shingles found in the longer one for two texts to be one story.
# A copy keeps the whole story however much its site adds (credit, boilerplate, title) and a teaser
# is all inside its story; two stories on one template (two trials in one field, weekly figures,
# one issuer's press releases) share their boilerplate but not their specifics.
MIN_CONTAINMENT = 0.9
_SHINGLE = 5
# Letters and digits only: punctuation, apostrophes and underscores separate words, so "don’t" and
# "don't", or "Cardiff." and "cardiff", shingle alike.
_WORD = re.compile(r"[^\W_]+")


def shingles(text: str) -> frozenset[int] | None:
    """Return the hashes of ``text``'s word 5-shingles, or None if it is too short to compare."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    # Five staggered views of the words zipped into 5-tuples (up to the shortest view), joined by a
    # built-in mapped over them, each hashed inline: a third less time than a function call, a slice
    # and a join per shingle (the extraction worker sketches every page).
    # blake2b, not hash(): Python salts str hashes per process, and sketches outlive processes.
    # PostgreSQL's BIGINT is signed: reading the digest as a signed integer turns the top bit into the
    # sign (the same values as subtracting 2**64 from the unsigned reading).
    return frozenset(
        int.from_bytes(blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little", signed=True)
        for shingle in map(" ".join, zip(*(words[i:] for i in range(_SHINGLE)), strict=False))
    )


def sketch(text: str) -> tuple[int, ...] | None:
    """Return the sorted bottom-k sketch of ``text`` (signed 64-bit values), or None if it is too short."""
    hashes = shingles(text)
    return None if hashes is None else bottom(hashes, SKETCH_SIZE)


def bottom(hashes: frozenset[int], size: int) -> tuple[int, ...]:
    """Return the ``size`` smallest of ``hashes``, sorted: a bottom-k sketch (a prefix of any larger one)."""
    return tuple(sorted(heapq.nsmallest(size, hashes)))


def shared(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Return how many sketch values the two sketches have in common."""
    return len(set(a) & set(b))


def is_candidate(shared_values: int) -> bool:
    """Return True when a stored sketch sharing ``shared_values`` values is worth the exact check."""
    return shared_values >= CANDIDATE_SHARED


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """Return the share of the smaller shingle set found in the other one."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def same_story(a: frozenset[int] | None, b: frozenset[int] | None) -> bool:
    """Return True when two texts' shingle sets (``shingles``) are one story's text."""
    return a is not None and b is not None and containment(a, b) >= MIN_CONTAINMENT
