"""Publishing service: writes the curated entries in an export format."""

from __future__ import annotations

from typing import BinaryIO
from urllib.parse import urljoin

from aggregator.core import Aggregator
from aggregator.export import FeedInfo, writer_for


def export(core: Aggregator, fmt: str, out: BinaryIO, *, topic: str | None = None) -> int:
    """Write the approved entries (of one topic, if given) as ``fmt`` to ``out``; return the count."""
    writer = writer_for(fmt)
    config = core.config
    title = config.site_title
    path = f"feeds/{fmt}.xml"
    if topic is not None:
        topic_view = core.topics.get(topic)
        title = f"{config.site_title}: {topic_view.name}"
        path = f"topics/{topic}/{fmt}.xml"
    self_url = urljoin(config.site_url, path)
    info = FeedInfo(title=title, site_url=config.site_url, self_url=self_url, feed_id=self_url)
    return writer(core.items.curated(topic=topic), info, out)
