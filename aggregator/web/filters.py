"""The queue's filters as the browser and the API send them, turned into service arguments."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from aggregator.errors import InvalidInput
from aggregator.models import ITEM_STATUSES

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """What the curator asked to see; empty strings mean "any"."""

    status: str = "new"
    source: str = ""
    topic: str = ""
    language: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    sort: str = "newest"

    def query_args(self) -> dict[str, Any]:
        """Return the keyword arguments of ItemService.query for these filters."""
        if self.status not in (*ITEM_STATUSES, "all"):
            raise InvalidInput(f"unknown status {self.status!r}")
        until = parse_day(self.until, "until")
        sort = self.sort
        if sort == "relevance" and not (self.topic or self.q.strip()):
            # Relevance needs something to be relevant to; without it the newest come first.
            sort = "newest"
        return {
            "status": None if self.status == "all" else self.status,
            "source": self.source or None,
            "topic": self.topic or None,
            "language": self.language or None,
            "since": parse_day(self.since, "since"),
            "until": until + dt.timedelta(days=1) if until else None,
            "search": self.q.strip() or None,
            "sort": sort,
        }

    def as_params(self) -> dict[str, str]:
        """Return the non-empty filters, for links that keep them."""
        return {k: v for k, v in asdict(self).items() if v}


def parse_day(value: str, name: str) -> dt.datetime | None:
    """Return midnight UTC of a YYYY-MM-DD day, None for an empty value; raise InvalidInput otherwise."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def encode_cursor(published: dt.datetime | None, item_id: int) -> str:
    """Return the cursor for the page after an item: its publication date (or "none") and its id."""
    return f"{published.isoformat() if published else 'none'}~{item_id}"


def parse_cursor(value: str) -> tuple[dt.datetime | None, int] | None:
    """Return the (publication date, id) of a cursor, None for an empty one; raise InvalidInput."""
    if not value:
        return None
    when, _, item_id = value.rpartition("~")
    try:
        published = None if when == "none" else dt.datetime.fromisoformat(when)
        if published is not None and published.tzinfo is None:
            raise ValueError(when)
        return published, int(item_id)
    except ValueError:
        raise InvalidInput(f"not a page cursor: {value!r}") from None
