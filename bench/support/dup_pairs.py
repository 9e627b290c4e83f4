"""The labelled pairs of the near-duplicate benchmark: the same story twice, or two stories on one subject.

Texts come from the corpora beside the project (read offline): the Reuters-21578 newswires and WCXB's
reference texts (its pages' main text). Every draw uses ``random.Random(seed)``; the same seed gives
the same pairs. Each pair carries its class: what made it, so figures can be read per class.

Same story:
- *syndicated copies*: a WCXB article or a Reuters wire, and the text a second site would publish
  (``syndication.TRANSFORMATIONS``: credit line, site boilerplate, quotes and whitespace, a paragraph
  cut or added, title prepended, teaser, light editing, several at once).
- *Reuters re-sends*: pairs of wires in the collection that overlap (see ``natural_reuters``) and that
  tell one story: the same wire sent again, retitled, corrected, or a first take and its longer version.

Different stories:
- *Reuters, same template*: overlapping wires that report different figures (weekly electricity output,
  jobless claims, Treasury balances, a bond issue by another borrower...): recurring reports in one
  house style, the hardest real negatives;
- *Reuters, same topic*: two wires drawn at random among those sharing a topic code (crude, grain...);
- *same site*: two WCXB pages from one site (product pages of one shop, articles of one blog);
- *specifics swapped*, *press releases* and *trial abstracts*: built by ``templates``.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aggregator.curate.duplicates import bottom, shingles
from bench.support import templates
from bench.support.syndication import TRANSFORMATIONS

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
REUTERS = CORPORA / "reuters-21578" / "reuters.jsonl"
WCXB = CORPORA / "wcxb-dev" / "ground-truth.json"
# Wires overlapping this much (exact Jaccard of their 5-shingles) are looked at as natural pairs.
NATURAL_MIN_JACCARD = 0.2
_WORDS = re.compile(r"\S+")
_NUMBER = re.compile(r"\d[\d,./-]*")


@dataclass(frozen=True, slots=True)
class Pair:
    """Two texts and whether they are one story."""

    first: str
    second: str
    same: bool
    kind: str


@dataclass(frozen=True, slots=True)
class Wire:
    """One Reuters newswire."""

    id: int
    day: str
    title: str
    text: str
    topics: tuple[str, ...]


def reuters() -> list[Wire]:
    """Return the newswires, paragraphs separated by blank lines as a web page's text would be."""
    wires = []
    with REUTERS.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            # The wire's paragraphs open with an indented line; joined lines inside are re-flowed.
            text = "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s{3,}", row["text"]) if p.strip())
            wires.append(Wire(row["id"], row["date"][:11].strip(), row["title"], text, tuple(row["topics"])))
    return wires


def wcxb() -> list[dict[str, str]]:
    """Return WCXB's pages with their reference text, kind and URL."""
    data = json.loads(WCXB.read_text(encoding="utf-8"))
    return [
        {"url": v["url"], "kind": v["type"], "title": v.get("title") or "", "text": v["articleBody"]}
        for _, v in sorted(data["items"].items())
    ]


def words(text: str) -> int:
    """Return the number of words in ``text``."""
    return len(_WORDS.findall(text))


def natural_reuters(wires: list[Wire]) -> Iterator[Pair]:
    """Yield the overlapping wire pairs of the collection, labelled by the figures they report.

    Pairs are found the way a search engine would (wires sharing one of their 64 smallest shingle
    hashes), then kept when their exact Jaccard is at least NATURAL_MIN_JACCARD. The label does not
    look at the shingles: two wires tell the same story when the shorter reports no figure the longer
    lacks (a re-send, a retitled or longer version), or one at most on the same day (a correction);
    otherwise they are the same report with other figures (a recurring report on a template).
    Checked by hand on 40 pairs drawn at random (bench/README.md).
    """
    hashes = [shingles(w.text) for w in wires]
    holders: dict[int, list[int]] = defaultdict(list)
    for index, h in enumerate(hashes):
        if h is not None:
            for value in bottom(h, 64):
                holders[value].append(index)
    seen: set[tuple[int, int]] = set()
    for group in holders.values():
        if len(group) > 200:  # a shingle of a standard table heading, not of a story
            continue
        for a, b in itertools.combinations(group, 2):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            ha, hb = hashes[a], hashes[b]
            assert ha is not None
            assert hb is not None
            if len(ha & hb) / len(ha | hb) >= NATURAL_MIN_JACCARD:
                same = _same_report(wires[a], wires[b])
                yield Pair(
                    wires[a].text,
                    wires[b].text,
                    same,
                    "Reuters re-sends" if same else "Reuters, same template",
                )


def _same_report(a: Wire, b: Wire) -> bool:
    short, long = sorted((a, b), key=lambda w: words(w.text))
    novel = set(_NUMBER.findall(short.text)) - set(_NUMBER.findall(long.text))
    return not novel or (len(novel) == 1 and a.day == b.day)


def assemble(seed: int, copies: int = 150, negatives: int = 200) -> list[Pair]:
    """Return every labelled pair: ``copies`` stories per corpus copied each way, ``negatives`` per class."""
    rng = random.Random(seed)
    wires = reuters()
    pages = wcxb()
    pairs = list(natural_reuters(wires))
    stories = [
        (p["title"], p["text"]) for p in pages if p["kind"] == "article" and 150 <= words(p["text"]) <= 3000
    ]
    long_wires = [(w.title, w.text) for w in wires if words(w.text) >= 120]
    for title, text in rng.sample(stories, copies) + rng.sample(long_wires, copies):
        for kind, transform in TRANSFORMATIONS.items():
            pairs.append(Pair(text, transform(text, title, rng), True, f"copy: {kind}"))
    pairs += _same_topic(wires, rng, negatives)
    pairs += _same_site(pages, rng, negatives)
    # Templates are short formulaic reports; a long article with its names and figures swapped would
    # still be one story's prose, so only wires of up to 200 words serve as templates.
    names = sorted({n for w in wires for n in re.findall(r"(?<=[a-z] )[A-Z][a-z]{3,}", w.text)})
    # A template report is dense with figures and names: one in 15 words at least (else the "two
    # stories" would be one text twice).
    reports = [
        w.text
        for w in wires
        if 60 <= words(w.text) <= 200 and templates.specifics(w.text) * 15 >= words(w.text)
    ]
    for text in rng.sample(reports, negatives):
        a, b = (templates.swap_specifics(text, names, rng) for _ in range(2))
        pairs.append(Pair(a, b, False, "specifics swapped"))
    bodies = [w.text for w in wires if 80 <= words(w.text) <= 300]
    for _ in range(negatives):
        closing = templates.closing_for(rng.choice(templates.FIRMS), rng)
        a, b = (templates.press_release(s, closing) for s in rng.sample(bodies, 2))
        pairs.append(Pair(a, b, False, "press releases, one issuer"))
    for _ in range(negatives):
        pairs.append(Pair(*templates.trial_pair(rng), False, "trial abstracts, one field"))
    return pairs


def _same_topic(wires: list[Wire], rng: random.Random, count: int) -> list[Pair]:
    by_topic: dict[str, list[Wire]] = defaultdict(list)
    for w in wires:
        if words(w.text) >= 50:
            for topic in w.topics:
                by_topic[topic].append(w)
    topics = sorted(t for t, ws in by_topic.items() if len(ws) >= 20)
    pairs = []
    while len(pairs) < count:
        a, b = rng.sample(by_topic[rng.choice(topics)], 2)
        ha, hb = shingles(a.text), shingles(b.text)
        # Overlapping pairs are natural_reuters' to label.
        if ha is not None and hb is not None and len(ha & hb) / len(ha | hb) < NATURAL_MIN_JACCARD:
            pairs.append(Pair(a.text, b.text, False, "Reuters, same topic"))
    return pairs


def _same_site(pages: list[dict[str, str]], rng: random.Random, count: int) -> list[Pair]:
    by_site: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        if words(page["text"]) >= 50:
            by_site[urlsplit(page["url"]).netloc].append(page["text"])
    candidates = [(a, b) for texts in by_site.values() for a, b in itertools.combinations(texts, 2) if a != b]
    return [Pair(a, b, False, "same site") for a, b in rng.sample(candidates, min(count, len(candidates)))]
