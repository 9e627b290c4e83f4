"""Reading a source's own settings (the JSON a curator gave it) with types and clear errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aggregator.errors import InvalidInput
from aggregator.services.sources import SourceView


def text_setting(source: SourceView, name: str, default: str | None = None) -> str | None:
    """Return a string setting, or ``default``."""
    value = source.settings.get(name, default)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise InvalidInput(f"source {source.name!r}: setting {name!r} must be text")
    return str(value)


def int_setting(
    source: SourceView, name: str, default: int, *, lowest: int = 1, highest: int = 10_000
) -> int:
    """Return an integer setting within bounds, or ``default``."""
    value: Any = source.settings.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"source {source.name!r}: setting {name!r} must be a whole number") from None
    return max(lowest, min(highest, number))


def date_setting(source: SourceView, name: str) -> dt.datetime | None:
    """Return an ISO date or datetime setting as an aware datetime, or None."""
    value = source.settings.get(name)
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"source {source.name!r}: setting {name!r} must be an ISO date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def list_setting(source: SourceView, name: str) -> list[str]:
    """Return a list setting (a JSON list, or comma-separated text)."""
    value = source.settings.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]
