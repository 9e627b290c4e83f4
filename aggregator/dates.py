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
import re
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


# Month names and abbreviations as pages print them, in the languages the product meets (English and
# Welsh first, then the European languages curators link to); the same name is the same month in each.
_MONTH_NAMES = {
    1: "january jan ionawr januar janvier janv enero ene gennaio gen januari janeiro",
    2: "february feb chwefror februar fevrier février févr fevr febrero febbraio februari fevereiro fev",
    3: "march mar mawrth märz maerz mars marzo maart mrt março marco",
    4: "april apr ebrill avril avr abril abr aprile",
    5: "may mai mayo maggio mag mei maio",
    6: "june jun mehefin juni juin junio giugno giu junho",
    7: "july jul gorffennaf juli juillet juil julio luglio lug julho",
    8: "august aug awst août aout agosto ago augustus",
    9: "september sep sept medi septembre septiembre setiembre settembre set setembro",
    10: "october oct hydref oktober okt octobre octubre ottobre ott outubro out",
    11: "november nov tachwedd novembre noviembre novembro",
    12: "december dec rhagfyr dezember dez décembre decembre déc diciembre dic dicembre dezembro",
}
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
# "15 December 2025", "2. November 2021", "1er novembre 2021", "3 de mayo de 2022", "December 15, 2025",
# "Dec. 15th, 2025", "2025-12-15", "17.05.2021", "15/12/2025" (slashes only when the day is over 12).
_WRITTEN = re.compile(
    rf"(?<![\w.])(?:(?P<d1>\d{{1,2}})(?:\.|er|st|nd|rd|th)?\s+(?:de\s+)?(?P<m1>{_MONTH})\.?,?"
    rf"\s+(?:de\s+|del\s+)?(?P<y1>\d{{4}})|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?"
    rf"\s+(?P<y2>\d{{4}})|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})"
    rf"|(?P<d4>\d{{1,2}})\.\s?(?P<m4>\d{{1,2}})\.\s?(?P<y4>\d{{4}})"
    rf"|(?P<a5>\d{{1,2}})/(?P<b5>\d{{1,2}})/(?P<y5>\d{{4}}))(?![\w])",
    re.IGNORECASE,
)


def from_text(value: object) -> dt.datetime | None:
    """Return the first calendar day written out in ``value`` ("2. November 2021", "Dec 15, 2025",
    "17.05.2021"), as midnight UTC, or None when it holds none (or one in the future).

    Day and month in "05/06/2021" could be either way round; such dates are not read.
    """
    if not isinstance(value, str):
        return None
    for match in _WRITTEN.finditer(value):
        found = _day(match)
        if found is not None:
            return plausible(found)
    return None


def _day(match: re.Match[str]) -> dt.datetime | None:
    parts = match.groupdict()
    if parts["y1"] or parts["y2"]:
        year = parts["y1"] or parts["y2"]
        month = _MONTHS[(parts["m1"] or parts["m2"]).lower()]
        day = parts["d1"] or parts["d2"]
    elif parts["y5"]:
        first, second = int(parts["a5"]), int(parts["b5"])
        if first > 12 >= second:
            day, month, year = parts["a5"], second, parts["y5"]
        elif second > 12 >= first:
            day, month, year = parts["b5"], first, parts["y5"]
        else:
            return None
    else:
        year = parts["y3"] or parts["y4"]
        month = int(parts["m3"] or parts["m4"])
        day = parts["d3"] or parts["d4"]
    try:
        return dt.datetime(int(year), int(month), int(day), tzinfo=dt.UTC)
    except ValueError:
        return None
