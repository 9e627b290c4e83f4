"""Views as JSON-ready mappings, built from their fields, so a view's field list is written once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any


def json_record(
    view: Any,
    *,
    rename: Mapping[str, str] | None = None,
    exclude: Collection[str] = (),
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the dataclass ``view``'s fields as a mapping, datetimes in ISO 8601, in field order.

    ``rename`` gives fields their public names, ``exclude`` leaves fields out (what callers must not
    see, such as validators), and ``extra`` adds computed values after the fields.
    """
    names = rename or {}
    record: dict[str, Any] = {}
    for field in dataclasses.fields(view):
        if field.name in exclude:
            continue
        value = getattr(view, field.name)
        record[names.get(field.name, field.name)] = (
            value.isoformat() if isinstance(value, dt.datetime) else value
        )
    record.update(extra or {})
    return record
