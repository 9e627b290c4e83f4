"""The demo's setup: the default sources, pointed at the replay server instead of the real sites."""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.core import Aggregator
from aggregator.demo.replay import ReplayServer
from aggregator.errors import Conflict


@dataclass(frozen=True, slots=True)
class DefaultSource:
    """A source every new installation is offered."""

    name: str
    url: str
    kind: str = "feed"


DEFAULT_SOURCES = (
    DefaultSource("The Guardian", "https://www.theguardian.com/uk/rss"),
    DefaultSource("Institute of Welsh Affairs", "https://www.iwa.wales/feed/"),
    DefaultSource("Involve", "https://involve.org.uk/feed"),
)


def point_sources_at(core: Aggregator, server: ReplayServer) -> list[str]:
    """Make sure each default source exists at its replayed URL; return their names."""
    existing = {s.url: s.name for s in core.sources.all()}
    names = []
    for default in DEFAULT_SOURCES:
        local = server.local_url(default.url)
        if local in existing:
            names.append(existing[local])
            continue
        try:
            source = core.sources.add(local, name=f"{default.name} (demo)", kind=default.kind)
        except Conflict:
            source = core.sources.add(local, kind=default.kind)
        names.append(source.name)
    return names
