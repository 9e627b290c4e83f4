"""Export formats: one module per format, one registry of them."""

from __future__ import annotations

from aggregator.errors import InvalidInput
from aggregator.export import atom
from aggregator.export.base import FeedInfo, Writer

WRITERS: dict[str, Writer] = {"atom": atom.write}

__all__ = ["WRITERS", "FeedInfo", "Writer", "writer_for"]


def writer_for(name: str) -> Writer:
    """Return the writer of format ``name``; raise InvalidInput for an unknown one."""
    if name not in WRITERS:
        raise InvalidInput(f"unknown export format {name!r}; known formats: {', '.join(sorted(WRITERS))}")
    return WRITERS[name]
