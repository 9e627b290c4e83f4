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
