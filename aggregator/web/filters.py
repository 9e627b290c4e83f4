"""The queue's filters as the browser and the API send them, turned into service arguments."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from aggregator.enums import ItemStatus
from aggregator.errors import InvalidInput
from aggregator.models import ITEM_STATUSES
from aggregator.services.queue import ItemFilter

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """What the curator asked to see; empty strings mean "any"."""

    status: str = ItemStatus.NEW
    source: str = ""
    topic: str = ""
    language: str = ""
    since: str = ""
    until: str = ""
    q: str = ""
    # Empty: the best matches first when searching; on the queue page with a topic chosen, the
    # topic's learned order; else the newest.
    sort: str = ""

    def item_filter(self, *, topic_default: str = "newest") -> ItemFilter:
        """Return these filters as the queue service reads them (``topic_default``: the order for a topic)."""
        if self.status not in (*ITEM_STATUSES, "all"):
            raise InvalidInput(f"unknown status {self.status!r}")
        until = parse_day(self.until, "until")
        sort = self.sort or ("relevance" if self.q.strip() else topic_default if self.topic else "newest")
        if sort == "relevance" and not (self.topic or self.q.strip()):
            # Relevance needs something to be relevant to; without it the newest come first.
            sort = "newest"
        return ItemFilter(
            status=None if self.status == "all" else self.status,
            source=self.source or None,
            topic=self.topic or None,
            language=self.language or None,
            since=parse_day(self.since, "since"),
            until=until + dt.timedelta(days=1) if until else None,
            search=self.q.strip() or None,
            sort=sort,
        )

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
