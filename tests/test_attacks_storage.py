"""What PostgreSQL refuses and SQLite takes: the same input must give the same outcome on both."""

from __future__ import annotations

import pytest

from aggregator.core import Aggregator
from aggregator.errors import InvalidInput
from aggregator.services.harvested import Harvested


def test_a_nul_byte_and_overlong_fields_are_stored_cleanly_on_both_databases(core: Aggregator) -> None:
    # PostgreSQL failed the item (printing the SQL statement); SQLite kept the NUL.
    source = core.sources.add("https://ex.org/feed")
    core.items.record(
        Harvested(
            source_id=source.id,
            url="https://ex.org/a",
            guid="g" * 3000,
            title="Tab\x00 and nul",
            author="A" * 600,
            published=None,
            language="cy-GB-x-very-long-tag",
            text="nul \x00 here",
            summary="and\x00 here",
            excerpt_candidates=("a\x00b",),
        )
    )
    [item] = core.items.query(limit=None)
    assert (item.title, item.text, item.summary) == ("Tab and nul", "nul  here", "and here")
    assert item.excerpt_candidates == ("ab",)
    assert item.author is not None
    assert len(item.author) == 500
    assert item.guid is None  # too long to look up by: no GUID rather than no item
    assert item.language is not None
    assert len(item.language) <= 16


def test_names_past_a_column_are_refused_from_a_person_and_cut_from_a_file(core: Aggregator) -> None:
    with pytest.raises(InvalidInput, match="at most 200"):
        core.sources.add("https://ex.org/feed", name="n" * 250)
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        f'<outline text="x" title="{"t" * 250}" xmlUrl="https://ex.org/long"/>'
        '<outline text="y" title="short" xmlUrl="https://ex.org/short"/></body></opml>'
    ).encode()
    report = core.sources.import_opml(opml)
    assert len(report.added) == 2  # the whole import used to abort on PostgreSQL
    assert sorted(len(name) for name in report.added) == [5, 200]
    with pytest.raises(InvalidInput, match="at most 300"):
        core.topics.add("long", name="n" * 301)
