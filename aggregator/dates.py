"""Dates: the one place dates from outside are read, and the one rule that refuses those in the future.

Every reader (feeds, the RSS fast path, page metadata, the Guardian and WordPress APIs, sitemaps)
reads its dates here. A date is kept with the offset its publisher declared (storage converts to UTC;
the page's own calendar day is the one readers saw); a date without an offset is taken as UTC. A
publication date more than a day ahead is a publisher's mistake (a wrong zone, a scheduled post's
placeholder) and is dropped, so it cannot sort an item above everything else for months.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from email.utils import parsedate_to_datetime

# A date further ahead than this is not a publication date.
FUTURE_SLACK = dt.timedelta(days=1)


def now() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def plausible(value: dt.datetime | None, *, at: dt.datetime | None = None) -> dt.datetime | None:
    """Return ``value`` (made aware) unless it lies more than a day after ``at`` (default now)."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return None if aware > (at or now()) + FUTURE_SLACK else aware


def from_iso(value: object, *, future_ok: bool = False) -> dt.datetime | None:
    """Return the ISO 8601 date or datetime in ``value`` (``Z`` allowed), or None when it is not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return aware if future_ok else plausible(aware)


def from_rfc822(value: object, *, future_ok: bool = False) -> dt.datetime | None:
    """Return the RFC 822 / HTTP date in ``value`` ("Sat, 20 Jul 2019 06:00:48 GMT"), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return aware if future_ok else plausible(aware)


def from_struct(value: time.struct_time | tuple[int, ...] | None) -> dt.datetime | None:
    """Return a UTC ``struct_time`` (feedparser's ``*_parsed``) as an aware datetime, or None."""
    if not value:
        return None
    try:
        return plausible(dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC))
    except (OverflowError, ValueError, TypeError):
        return None


def parse(value: object, *, future_ok: bool = False) -> dt.datetime | None:
    """Return the date in ``value``, ISO 8601 or RFC 822, or None when it is neither (or in the future)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text[:1].isdigit():
        found = from_iso(text, future_ok=True)
        if found is not None:
            return found if future_ok else plausible(found)
    return from_rfc822(text, future_ok=future_ok)
