"""Combining two extractions of one page, and putting back the standfirst that extractors drop.

trafilatura in precision mode leaves out the trailing blocks it is unsure of (related links, calls to
subscribe) but sometimes loses real paragraphs too; in recall mode it keeps both. Taking the recall
text up to the last paragraph the precision run also kept gets the first's end and the second's body.
"""

from __future__ import annotations

# A precision text this much shorter than the recall text lost the article, not just its trimmings.
MIN_PRECISE_SHARE = 0.3
# How much of a standfirst must open the text already for it to count as present.
_STANDFIRST_PROBE = 60


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
    return f"{normalised}\n{text}"
