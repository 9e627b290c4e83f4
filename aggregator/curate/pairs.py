"""Which stored items may be one piece in two languages, by the conventions bilingual sites follow.

A page's own announcement (``extract/alternates.py``) is the strongest sign. Without one, WordPress's
two translation plugins put the Welsh version at a URL that says so: WPML at ``?lang=cy`` beside the
English URL, Polylang at ``/cy/`` before the English path (the Welsh Government and the Senedd use
language folders too, ``/cy/`` and ``/en/``). Such a URL pairs two items only when their languages
differ, so a site that uses ``/cy/`` for something else pairs nothing.
"""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

# The languages a bilingual Welsh site publishes in; a URL marked with one of these has counterparts.
PAIR_LANGUAGES = ("cy", "en")


def counterpart_urls(url: str) -> tuple[str, ...]:
    """Return the canonical URLs where the other-language version of ``url`` would be, by convention."""
    parts = urlsplit(url)
    found: list[str] = []
    query = parse_qsl(parts.query, keep_blank_values=True)
    lang = next((value.lower() for key, value in query if key == "lang"), None)
    rest = [(key, value) for key, value in query if key != "lang"]
    if lang in PAIR_LANGUAGES:
        # ?lang=cy <-> no lang (the site's default language) or the other language named.
        found.append(_with(parts, parts.path, rest))
        found += [_with(parts, parts.path, [*rest, ("lang", other)]) for other in _others(lang)]
    elif lang is None:
        found += [_with(parts, parts.path, [*rest, ("lang", other)]) for other in PAIR_LANGUAGES]
    segments = parts.path.split("/")
    head = segments[1].lower() if len(segments) > 2 else ""
    if head in PAIR_LANGUAGES:
        tail = "/".join(segments[2:])
        found.append(_with(parts, f"/{tail}", query))
        found += [_with(parts, f"/{other}/{tail}", query) for other in _others(head)]
    elif lang is None and parts.path not in ("", "/"):
        found += [_with(parts, f"/{other}{parts.path}", query) for other in PAIR_LANGUAGES]
    own = urlunsplit(parts)
    return tuple(dict.fromkeys(u for u in found if u != own))


def may_pair(language: str | None, other: str | None) -> bool:
    """Return whether items in these two languages can be each other's version (known and different)."""
    return bool(language) and bool(other) and _base(language) != _base(other)


def _base(language: str | None) -> str:
    return (language or "").split("-", 1)[0].lower()


def _others(language: str) -> list[str]:
    return [other for other in PAIR_LANGUAGES if other != language]


def _with(parts: SplitResult, path: str, query: list[tuple[str, str]]) -> str:
    return urlunsplit((parts.scheme, parts.netloc, path or "/", urlencode(query), ""))
