"""CSV of items with every field, safe to open in a spreadsheet (no formula runs from a cell)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any, BinaryIO

from aggregator.publish.entries import Entry
from aggregator.publish.formats.base import FeedInfo
from aggregator.publish.formats.jsonl import data_row

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write one CSV row per item to ``out`` (UTF-8 with a BOM, for spreadsheets); return the count."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer: csv.DictWriter[str] | None = None
        count = 0
        for entry in entries:
            row = {key: cell(value) for key, value in data_row(entry).items()}
            if writer is None:
                writer = csv.DictWriter(text, fieldnames=list(row), lineterminator="\r\n")
                writer.writeheader()
            writer.writerow(row)
            count += 1
        if writer is None:
            csv.writer(text, lineterminator="\r\n").writerow(FIELDS)
    finally:
        text.detach()
    return count


def cell(value: Any) -> str:
    """Return ``value`` as a CSV cell: lists and mappings as JSON, formulas defused with a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


FIELDS = (
    "id", "source", "source_label", "kind", "heading", "url", "canonical_url", "guid", "title", "author",
    "published_at", "first_seen_at", "fetched_at", "updated_at", "language", "summary", "content_origin",
    "status", "excerpt", "excerpt_candidates", "curator_note", "reviewed_by", "reviewed_at", "parent_id",
    "duplicate_of_id", "position", "publisher", "entry_word", "issue_intro", "bullets", "pair_id",
    "pair_origin", "archived_url", "topics", "scores", "text",
)  # fmt: skip
