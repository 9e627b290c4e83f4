"""JSON Lines of items with every field: one JSON object a line, streamed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO

from aggregator.publish.entries import Entry
from aggregator.publish.formats.base import FeedInfo
from aggregator.publish.sanitize import plain_text, safe_url

_URL_FIELDS = ("url", "canonical_url", "archived_url")


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write one JSON object a line per item to ``out``; return the count."""
    count = 0
    for entry in entries:
        out.write(json.dumps(data_row(entry), ensure_ascii=False).encode() + b"\n")
        count += 1
    return count


def data_row(entry: Entry) -> dict[str, Any]:
    """Return every field of an item, text made plain and links filtered, in a stable order."""
    raw = entry.item.as_dict(with_text=True)
    row: dict[str, Any] = {
        "id": raw["id"],
        "source": plain_text(raw["source"]),
        "source_label": entry.source.label,
        "kind": raw["kind"],
        "heading": entry.heading,
    }
    for key, value in raw.items():
        if key in row:
            continue
        if key in _URL_FIELDS:
            row[key] = (safe_url(value) or "") if value is not None or key != "archived_url" else None
        else:
            row[key] = _plain(value)
        if key == "fetched_at":
            row["updated_at"] = entry.updated.isoformat()
    return row


def _plain(value: Any) -> Any:
    # Harvested text may spell out tags; a consumer that pastes a field into HTML must get nothing
    # that runs, so every string (nested ones too) loses its markup.
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
