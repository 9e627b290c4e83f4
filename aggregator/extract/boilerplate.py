"""Known boilerplate lines that extractors let through: read-also links, follow-us and subscribe calls.

News and blog templates in every language put the same few kinds of line inside the article body,
where no extractor can tell them from prose by position alone. They are recognised by their wording,
and only when short: a long paragraph that happens to open with "Read more" is prose.
"""

from __future__ import annotations

import re

# Longer than this, a line is a paragraph of the article whatever its first words.
MAX_LINE_CHARS = 220

_PATTERNS = (
    # Links to other articles, announced by a label and a colon.
    r"(?:read|see|watch) (?:also|more|next)\s*:",
    r"related(?: articles?| stories| posts?)?\s*:",
    r"(?:auch|mehr) (?:lesen|interessant)\s*:",
    r"(?:lesen|sehen) sie (?:auch|hier|mehr)\s*:",
    r"weiterlesen\s*:",
    r"das (?:thema )?könnte (?:dich|sie) auch interessieren",
    r"(?:lea|lee|vea|mire|mira)(?: (?:también|más|además))?\s*:",
    r"le puede interesar\s*:",
    r"(?:lire|voir) aussi\s*:",
    r"à lire (?:aussi|également)\s*:",
    # Calls to follow, subscribe or share.
    r"follow (?:us|the \w+)(?: on)? ",
    r"s[ií]guenos en ",
    r"folgen sie uns",
    r"subscribe (?:now|to our|here)",
    r"sign up (?:for|to) (?:our|the) ",
    r"(?:share|teilen)(?: this| mit)?\s*:",
    r"pour (?:lire la suite|accéder en illimité)",
    # Credits and copyright lines.
    r"©\s*\d{4}",
    r"(?:foto|photo|bild|image|quelle|source)s?\s*:\s*\S.{0,60}$",
    r"this article is the copyrighted property",
    r"all rights reserved",
)
_BOILERPLATE = re.compile(r"^\s*(?:" + "|".join(_PATTERNS) + ")", re.IGNORECASE)


def strip_boilerplate(text: str) -> str:
    """Return ``text`` without the short lines whose wording marks them as template boilerplate."""
    kept = [line for line in text.splitlines() if len(line) > MAX_LINE_CHARS or not _BOILERPLATE.match(line)]
    return "\n".join(kept)


# Whole lines that are a shop's or a site's controls, not content: the buttons and labels repeated on
# every product card of a collection (WCXB's shops), matched whole, bullets and colons aside.
_INTERFACE_LINE = re.compile(
    r"(?:view details|more details|details|quick (?:view|shop|add)|"
    r"add to (?:cart|bag|basket|wish ?list|compare)|compare|(?:view|select|choose) options|"
    r"sold out|out of stock|in stock|(?:on )?sale|new(?: arrival)?|best ?seller|top rated|"
    r"(?:unit|sale|regular) price|price|loading\.*|sponsored|shop now|learn more|read more|more info|"
    r"(?:view|see|show|load) (?:more|all)|select(?:ed)?|filters?|sort by|apply|clear all|reset)",
    re.IGNORECASE,
)
_LINE_EDGES = " \t-•·|:+*"


def strip_interface_lines(text: str) -> str:
    """Return ``text`` without the lines that are only a button's or a label's wording."""
    lines = text.splitlines()
    return "\n".join(line for line in lines if not _INTERFACE_LINE.fullmatch(line.strip(_LINE_EDGES)))


def drop_repeated_lines(text: str) -> str:
    """Return ``text`` with each line (compared case-blind) kept at its first occurrence only.

    A forum reply quotes the post it answers, a product card repeats its labels, a landing page shows a
    mobile and a desktop copy of the same block: the reader reads each once.
    """
    seen: set[str] = set()
    kept = []
    for line in text.splitlines():
        key = line.strip().lower()
        if key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept)


# A heading that opens a product page's customer reviews, matched whole (counts and bullets aside).
_REVIEWS_HEADING = re.compile(
    r"(?:customer |product )?reviews|ratings (?:&|and) reviews|write a review|customer ratings|"
    r"reviews? \(\d+\)|\d+ reviews|customers say|what (?:our )?customers are saying",
    re.IGNORECASE,
)
_HEADING_EDGES = _LINE_EDGES + "()0123456789"
# The heading must come after this share of the text: a reviews link near the top is navigation.
REVIEWS_AFTER_SHARE = 0.2


def cut_at_reviews(text: str) -> str:
    """Return ``text`` up to its customer reviews' heading (all of it when it has none)."""
    lines = text.splitlines()
    position = 0
    for index, line in enumerate(lines):
        if position >= REVIEWS_AFTER_SHARE * len(text) and _REVIEWS_HEADING.fullmatch(
            line.strip(_HEADING_EDGES)
        ):
            return "\n".join(lines[:index])
        position += len(line) + 1
    return text
