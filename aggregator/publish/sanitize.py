"""The one sanitizer: what harvested text, HTML and links may carry into an export or a page.

Harvested content is untrusted everywhere. Text fields (titles, authors, excerpts, notes) are plain
text: markup is removed and what is left is escaped by whoever writes the format. HTML fragments go
through one nh3 allow-list. Links keep only the http, https and mailto schemes, so ``javascript:`` and
``data:`` URLs never reach a reader, a spreadsheet or the knowledge base.
"""

from __future__ import annotations

import re
from html import escape, unescape

import nh3

LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# What an exported fragment may use: enough for an entry (paragraphs, quotes, lists, links, emphasis).
TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure", "h2", "h3",
        "h4", "i", "li", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "time", "ul",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "hreflang"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "ol": {"start"},
}
# Elements removed with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "noscript", "title"})

# XML 1.0 forbids these characters outright; one of them in a harvested title would abort an export.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_MAX_STRIP_PASSES = 5
# "<" where a tag could start (a letter, "/", "!" or "?" after it) but no ">" closes it before the
# next unquoted "<" or the end. Quoted attribute values may hold "<" and ">" (an HTML parser reads
# `<iframe srcdoc="<b>x</b>">` as one tag), so they are skipped whole; an unclosed quote closes nothing.
_OPEN_TAG = re.compile(r"""<(?![A-Za-z/!?](?:[^<>"']|"[^"]*"|'[^']*')*>)(?=[A-Za-z/!?])""")
# An absolute http(s) URL with a host, or a mailto: address; no spaces, quotes or angle brackets,
# which no stored (canonical, percent-encoded) URL has and which could break out of an attribute.
_SAFE_URL = re.compile(
    r"""(?:https?://[^/?#\s<>"'`\\]+(?:[/?#][^\s<>"'`]*)?   # http(s), a host, then anything quoted-safe
        |mailto:[^\s<>"'`]+
    )\Z""",
    re.IGNORECASE | re.VERBOSE,
)


def clean_html(fragment: str) -> str:
    """Return ``fragment`` with only allow-listed tags, attributes and http/https/mailto links."""
    return nh3.clean(
        _XML_INVALID.sub("", fragment),
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_text(value: str | None) -> str:
    """Return ``value`` as plain text: no tags, entities decoded, no characters XML cannot carry.

    Decoding an entity may reveal a tag (``&lt;script&gt;``), so stripping repeats until nothing
    changes: the result holds nothing any HTML parser would read as an element, whichever way a
    consumer (a feed reader that renders titles as HTML, a spreadsheet, WordPress) treats it.
    """
    if not value:
        return ""
    text = _XML_INVALID.sub("", value)
    if "<" not in text and "&" not in text:
        return text
    for _ in range(_MAX_STRIP_PASSES):
        # A "<" that opens no complete tag ("a<b then") is text: an HTML parser would swallow what
        # follows it into a tag, so it becomes "‹", which reads alike and opens nothing.
        text = _OPEN_TAG.sub("‹", text)
        stripped = unescape(nh3.clean(text, tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT)))
        if stripped == text:
            return text
        text = stripped
    # Pathologically nested escapes: give up on keeping angle brackets rather than risk one.
    return text.replace("<", "‹").replace(">", "›")


def one_line(value: str | None) -> str:
    """Return ``value`` as plain text on one line (titles, names, headings)."""
    return _SPACE.sub(" ", plain_text(value)).strip()


def safe_url(value: str | None) -> str | None:
    """Return ``value`` if it is an absolute http(s) or mailto URL, else None."""
    if not value:
        return None
    url = value.strip()
    if _SAFE_URL.match(url) is None or _XML_INVALID.search(url):
        return None
    return url


def text_to_html(text: str | None) -> str:
    """Return plain ``text`` as escaped HTML paragraphs, one per line."""
    lines = (line.strip() for line in plain_text(text).splitlines())
    return "".join(f"<p>{escape(line)}</p>" for line in lines if line)
