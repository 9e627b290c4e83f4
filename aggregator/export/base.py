"""What every export writer receives: the entries and what the published document says about itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from aggregator.items import ItemView


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What a published feed says about itself."""

    title: str
    site_url: str
    self_url: str
    feed_id: str
    subtitle: str | None = None


Writer = Callable[[Iterable[ItemView], FeedInfo, BinaryIO], int]
