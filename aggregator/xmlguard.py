"""The XML guard: documents from outside are refused when they declare entities, before any parser runs.

Entity declarations are how "billion laughs" (a few kB that expand to gigabytes) and external-entity
(XXE) documents work, and no real feed, sitemap or OPML file needs one. The check reads the decoded
document's prolog, whatever its length or encoding: a look at the first raw bytes alone was fooled by
a long leading comment or a UTF-16 document, and feedparser's own parser then allowed a hundredfold
expansion of what followed (a 5 MB feed took 5.7 GB). A DOCTYPE without an internal subset (RSS
0.91's, say) passes: it declares nothing.
"""

from __future__ import annotations

import codecs
import re

from aggregator.errors import FeedError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# How "<?" (or "<" and the next byte) looks in each wide encoding without a BOM (XML 1.0, appendix F).
_WIDE = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
# The prolog: an XML declaration, then any run of white space, comments and processing
# instructions, up to what comes next (a DOCTYPE, or the root element).
_PROLOG = re.compile(r"\A\ufeff?\s*(?:<\?xml.*?\?>)?(?:\s+|<!--.*?-->|<\?.*?\?>)*", re.DOTALL)
_DOCTYPE = re.compile(r"<!DOCTYPE\b[^\[>]*(\[)?", re.IGNORECASE)
_ANY_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def encoding_of(body: bytes, declared: str | None = None) -> str:
    """Return the encoding of ``body``: its BOM, its wide-encoding shape, its declaration, else UTF-8."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    for shape, name in _WIDE:
        if body.startswith(shape):
            return name
    found = _DECLARED.match(body[:1024])
    for candidate in (found.group(1).decode("ascii") if found else None, declared):
        if candidate:
            try:
                return codecs.lookup(candidate).name
            except LookupError:
                continue
    return "utf-8"


def refuse_entities(body: bytes, declared: str | None = None, *, what: str = "the document") -> None:
    """Raise FeedError when ``body``'s DOCTYPE has an internal subset (where entities are declared)."""
    encoding = encoding_of(body, declared)
    wide = encoding.startswith(("utf-16", "utf-32"))
    if not wide and _ANY_DOCTYPE.search(body) is None:
        return  # the common case: no DOCTYPE at all, and no need to decode to know it
    text = body.decode(encoding, errors="replace")
    prolog = _PROLOG.match(text)
    doctype = _DOCTYPE.match(text, prolog.end() if prolog else 0)
    # Only an internal subset ("[...]") declares entities; an external DTD is never loaded here.
    if doctype is not None and doctype.group(1) is not None:
        raise FeedError(f"refused: {what} declares XML entities (entity expansion / XXE)")
