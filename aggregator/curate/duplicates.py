"""What counts as a duplicate: the one rule, and the near-duplicate text check it needs.

An item is the same as a stored one when
- its canonical URL is the same (``aggregator.urls.canonical_url``: host lower-cased, no fragment,
  no tracking parameters), whichever source met it;
- or its GUID is the same within one source (a feed that moved its links keeps its GUIDs);
- or its text is the same story under another URL (syndication): its sketch shares at least
  ``MATCH_THRESHOLD`` values with a stored one's. Such a copy is kept, linked to the first.
Storage (``services/recording``) applies the three in that order; the crawl asks storage before it
fetches (``ItemService.settled``) so a known link costs no download.

Near duplicates: a bottom-k MinHash sketch that catches one story syndicated under two URLs.

A sketch is the SKETCH_SIZE smallest 64-bit hashes of a text's word 5-shingles. Two texts whose
shingle sets overlap much share most of their sketch (the share estimates their resemblance), and
two different articles share none. Sketch values are stored one per row with an index, so finding
the copies of a text is a handful of exact lookups, not a scan; that stays fast at a million items.

SimHash was tried first and dropped: on a 300-word story, a ten-word syndication line ("This article
first appeared on ...") flipped more bits than a band index can tolerate in a third of cases.
"""

from __future__ import annotations

import heapq
import re
from hashlib import blake2b

MIN_WORDS = 50
SKETCH_SIZE = 16
# Half the sketch shared means the two shingle sets resemble each other about half or more; a copy
# with an added credit line shares nearly all of it, a different article on the same topic none.
MATCH_THRESHOLD = 8
_SHINGLE = 5
# Letters and digits only: punctuation, apostrophes and underscores separate words, so "don’t" and
# "don't", or "Cardiff." and "cardiff", shingle alike.
_WORD = re.compile(r"[^\W_]+")


def sketch(text: str) -> tuple[int, ...] | None:
    """Return the sorted bottom-k sketch of ``text`` (signed 64-bit values), or None if it is too short."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}
    return tuple(sorted(heapq.nsmallest(SKETCH_SIZE, (_hash(s) for s in shingles))))


def shared(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Return how many sketch values the two sketches have in common."""
    return len(set(a) & set(b))


def same_story(shared_values: int) -> bool:
    """Return True when two sketches sharing ``shared_values`` values are one story's text."""
    return shared_values >= MATCH_THRESHOLD


def _hash(shingle: str) -> int:
    # blake2b, not hash(): Python salts str hashes per process, and sketches outlive processes.
    # PostgreSQL's BIGINT is signed: reading the digest as a signed integer turns the top bit into the
    # sign (the same values as subtracting 2**64 from the unsigned reading, at one call per shingle).
    return int.from_bytes(blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little", signed=True)
