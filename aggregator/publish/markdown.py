"""The small Markdown curators write in topic intros and notes: paragraphs, links, emphasis.

Only ``[words](https://...)``, ``**strong**`` and ``*emphasis*`` (or ``_emphasis_``) mean anything.
Tags in the source are dropped first (as in every harvested string: ``sanitize.plain_text``), the rest
is escaped, and the HTML goes through the one sanitizer, so a curator's input (or a pasted page) can
carry no markup of its own and no link other than http(s) or mailto. The plain-text rendering keeps
a link's words only, as a reader of the knowledge base sees them.
"""

from __future__ import annotations

import re
from html import escape

from aggregator.publish.sanitize import clean_html, plain_text, safe_url

_PARAGRAPHS = re.compile(r"\n\s*\n")
_LINK = re.compile(r"\[(?P<words>[^\]\n]+)\]\((?P<url>[^)\s]+)\)")
_INLINE = re.compile(
    r"\[(?P<words>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"  # [words](url)
    r"|\*\*(?P<strong>[^*\n]+)\*\*"  # **strong**
    r"|\*(?P<em>[^*\n]+)\*|(?<!\w)_(?P<em2>[^_\n]+)_(?!\w)"  # *em* or _em_
)


def paragraphs(source: str | None) -> list[str]:
    """Return the Markdown paragraphs of ``source``, each on one line, markup left in."""
    text = plain_text(source).replace("\r\n", "\n").strip()
    return [" ".join(p.split()) for p in _PARAGRAPHS.split(text) if p.strip()]


def to_markdown(source: str | None) -> list[str]:
    """Return the paragraphs of ``source`` as Markdown again: a link that is not http(s) or mailto
    becomes its words, and no "<" is left to open raw HTML."""
    return [_LINK.sub(_safe_link, p).replace("<", "\\<") for p in paragraphs(source)]


def _safe_link(match: re.Match[str]) -> str:
    url = safe_url(match.group("url"))
    return f"[{match.group('words')}]({url})" if url else match.group("words")


def to_html(source: str | None) -> str:
    """Return ``source`` as sanitized HTML paragraphs."""
    return clean_html("".join(f"<p>{_inline_html(p)}</p>" for p in paragraphs(source)))


def to_text(source: str | None) -> str:
    """Return ``source`` as plain paragraphs separated by blank lines: links as their words."""
    return "\n\n".join(_INLINE.sub(_words, p) for p in paragraphs(source))


def _words(match: re.Match[str]) -> str:
    return next(v for v in match.groupdict().values() if v is not None)


def _inline_html(paragraph: str) -> str:
    out: list[str] = []
    last = 0
    for match in _INLINE.finditer(paragraph):
        out.append(escape(paragraph[last : match.start()]))
        last = match.end()
        groups = match.groupdict()
        if groups["words"] is not None:
            url = safe_url(groups["url"])
            words = escape(groups["words"])
            out.append(f'<a href="{escape(url)}">{words}</a>' if url else words)
        elif groups["strong"] is not None:
            out.append(f"<strong>{escape(groups['strong'])}</strong>")
        else:
            out.append(f"<em>{escape(groups['em'] or groups['em2'])}</em>")
    out.append(escape(paragraph[last:]))
    return "".join(out)
