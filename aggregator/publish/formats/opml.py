"""OPML 2.0 of the sources, for a feed reader to subscribe to what the curators follow."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from aggregator.publish.sanitize import one_line, safe_url
from aggregator.reader.opml import Outline, write_opml
from aggregator.services.views import SourceView


def write(sources: list[SourceView], title: str, now: dt.datetime, out: BinaryIO) -> int:
    """Write an OPML document listing ``sources`` to ``out``; return how many it lists."""
    outlines = [
        Outline(url=url, title=one_line(s.name) or None, kind=s.kind)
        for s in sources
        if (url := safe_url(s.url)) is not None
    ]
    out.write(write_opml(outlines, title=one_line(title), now=now))
    return len(outlines)
