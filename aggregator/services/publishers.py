"""Publishers: who wrote an item, apart from the source it was found through.

An article reached through a newsletter is the Guardian's, not the newsletter's. The rule, in order:
the curator's choice; the source's own label when the item lives on the source's site; the publishers
table by the item's host (or a parent domain); the page's ``og:site_name``; the host itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from aggregator.db import Database
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.models import Publisher
from aggregator.text import storable
from aggregator.urls import host_of

NAME_CHARS = 300


@dataclass(frozen=True, slots=True)
class PublisherView:
    """One row of the publishers table."""

    host: str
    name: str
    suffix: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {"host": self.host, "name": self.name, "suffix": self.suffix}


@dataclass(frozen=True, slots=True)
class SourceSite:
    """What the rule needs of a source: its label (and suffix) and the host it lives on."""

    label: str
    suffix: str
    host: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """An item's publisher as headings name it."""

    name: str
    suffix: str = ""


def resolve(
    url: str,
    source: SourceSite,
    publishers: Mapping[str, PublisherView],
    *,
    chosen: str | None = None,
    site_name: str | None = None,
) -> Resolved:
    """Return who published the item at ``url`` found through ``source`` (see the module's rule)."""
    if chosen and chosen.strip():
        name = " ".join(chosen.split())
        known = next((p for p in publishers.values() if p.name.casefold() == name.casefold()), None)
        return Resolved(name, known.suffix if known else "")
    host = host_of(url)
    if not host or _bare(host) == _bare(source.host):
        return Resolved(source.label, source.suffix)
    found = lookup(host, publishers)
    if found is not None:
        return Resolved(found.name, found.suffix)
    if site_name and site_name.strip():
        return Resolved(" ".join(site_name.split()))
    return Resolved(_bare(host))


def lookup(host: str, publishers: Mapping[str, PublisherView]) -> PublisherView | None:
    """Return the publisher of ``host``: its own row, its www-less twin's, or a parent domain's."""
    labels = _bare(host).split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        found = publishers.get(candidate) or publishers.get(f"www.{candidate}")
        if found is not None:
            return found
    return None


def _bare(host: str) -> str:
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


class PublisherService:
    """The publishers table: list, add or change, remove."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def all(self) -> list[PublisherView]:
        """Return every publisher, by host."""
        with self._db.read() as session:
            return [_view(p) for p in session.scalars(select(Publisher).order_by(Publisher.host))]

    def by_host(self) -> dict[str, PublisherView]:
        """Return every publisher keyed by host, for ``resolve``."""
        return {p.host: p for p in self.all()}

    def put(self, host_or_url: str, *, name: str, suffix: str = "") -> PublisherView:
        """Add the publisher of a host (or change its name and suffix); return it."""
        host = _host(host_or_url)
        clean = " ".join((storable(name, NAME_CHARS) or "").split())
        if not clean:
            raise InvalidInput("a publisher needs a name")
        tail = " ".join((storable(suffix, NAME_CHARS) or "").split())
        with self._db.write() as session:
            row = session.scalar(select(Publisher).where(Publisher.host == host))
            if row is None:
                row = Publisher(host=host, name=clean, suffix=tail)
                session.add(row)
            else:
                row.name, row.suffix = clean, tail
            session.flush()
            return _view(row)

    def remove(self, host_or_url: str) -> None:
        """Remove the publisher of a host; raise NotFound when there is none."""
        host = _host(host_or_url)
        with self._db.write() as session:
            row = session.scalar(select(Publisher).where(Publisher.host == host))
            if row is None:
                raise NotFound(f"no publisher for {host!r}")
            session.delete(row)


def _host(value: str) -> str:
    text = value.strip()
    host = host_of(text) if "://" in text else text.lower().strip("/")
    if not host or "/" in host or " " in host or "." not in host:
        raise InvalidInput(f"{value!r} is not a host name (such as www.theguardian.com) or a URL")
    if len(host) > NAME_CHARS:
        raise Conflict("host name too long")
    return host


def _view(row: Publisher) -> PublisherView:
    return PublisherView(host=row.host, name=row.name, suffix=row.suffix or "")
