from __future__ import annotations

import pytest

from aggregator.core import Aggregator
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.services.items import Harvested


def harvested(source_id: int, url: str, **kw: object) -> Harvested:
    values: dict[str, object] = {
        "source_id": source_id,
        "url": url,
        "guid": None,
        "title": "T",
        "author": None,
        "published": None,
        "language": "en",
        "text": "Body text.",
        "summary": "Body text.",
    }
    values.update(kw)
    return Harvested(**values)  # type: ignore[arg-type]


def test_add_names_a_source_after_its_host_and_lists_it(core: Aggregator) -> None:
    source = core.sources.add("https://www.iwa.wales/feed/")
    other = core.sources.add("https://www.iwa.wales/cy/feed/")
    assert (source.name, other.name) == ("iwa.wales", "iwa.wales (2)")
    listed = core.sources.all()
    assert [s.name for s in listed] == ["iwa.wales", "iwa.wales (2)"]
    assert listed[0].health == "never crawled"


def test_add_refuses_duplicates_and_bad_input(core: Aggregator) -> None:
    core.sources.add("https://ex.org/feed", name="Ex")
    with pytest.raises(Conflict, match="URL exists"):
        core.sources.add("https://ex.org/feed")
    with pytest.raises(Conflict, match="named 'Ex'"):
        core.sources.add("https://ex.org/other", name="Ex")
    with pytest.raises(InvalidInput, match="http"):
        core.sources.add("ftp://ex.org/feed")
    with pytest.raises(InvalidInput, match="kind"):
        core.sources.add("https://ex.org/2", kind="carrier-pigeon")
    assert len(core.sources.all()) == 1


def test_remove_deletes_an_unreviewed_source_with_its_candidates(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed", name="Ex")
    core.items.record(harvested(source.id, "https://ex.org/a"))
    assert core.sources.remove("Ex") == "removed"
    assert core.sources.all() == []
    assert core.items.count() == 0
    with pytest.raises(NotFound):
        core.sources.remove("Ex")


def test_remove_retires_a_source_whose_items_were_reviewed_and_keeps_them(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed", name="Ex")
    core.items.record(harvested(source.id, "https://ex.org/kept"))
    core.items.record(harvested(source.id, "https://ex.org/tombstone"))
    core.items.record(harvested(source.id, "https://ex.org/unreviewed"))
    kept, tomb, _ = (
        sorted(core.items.query(), key=lambda i: i.url)[0:1]
        + sorted(core.items.query(), key=lambda i: i.url)[1:]
    )
    core.items.approve(kept.id, actor="ann")
    core.items.reject(tomb.id, actor="ann")
    assert core.sources.remove("Ex") == "retired"
    assert core.sources.all() == []
    assert {i.url for i in core.items.query()} == {"https://ex.org/kept", "https://ex.org/tombstone"}
    again = core.sources.add("https://ex.org/feed")
    assert again.id == source.id
    assert again.name == "Ex"


def test_failure_and_success_are_kept_as_health(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed")
    core.sources.record_failure(source.id, "HTTP 500")
    core.sources.record_failure(source.id, "HTTP 502")
    failing = core.sources.get(source.name)
    assert (failing.health, failing.error_count, failing.last_error) == ("failing", 2, "HTTP 502")
    core.sources.record_success(source.id, etag='"abc"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    ok = core.sources.get(source.name)
    assert (ok.health, ok.error_count, ok.last_error, ok.etag) == ("ok", 0, None, '"abc"')
    assert ok.last_success_at is not None


def test_opml_round_trip_skips_what_is_already_there(core: Aggregator) -> None:
    core.sources.add("https://ex.org/feed", name="Example")
    core.sources.add("https://www.iwa.wales/feed/", name="IWA")
    exported = core.sources.export_opml(title="mine")
    assert b'xmlUrl="https://www.iwa.wales/feed/"' in exported
    report = core.sources.import_opml(exported)
    assert report.added == []
    assert sorted(report.skipped) == ["https://ex.org/feed", "https://www.iwa.wales/feed/"]


def test_opml_import_from_a_feed_reader_with_folders(core: Aggregator) -> None:
    opml = b"""<?xml version="1.0"?><opml version="1.0"><head><title>r</title></head><body>
      <outline text="News"><outline text="Guardian UK" type="rss" xmlUrl="https://www.theguardian.com/uk/rss"/>
        <outline text="bad" xmlUrl="javascript:alert(1)"/></outline>
      <outline title="Involve" text="Involve" xmlUrl="https://involve.org.uk/feed"/></body></opml>"""
    report = core.sources.import_opml(opml)
    assert report.added == ["Guardian UK", "Involve"]
    assert report.skipped == ["javascript:alert(1)"]


def test_opml_with_an_external_entity_reads_no_file(core: Aggregator, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("https://leak.example/")
    opml = f"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file://{secret}">]>
      <opml version="2.0"><body><outline text="a" xmlUrl="&x;"/></body></opml>""".encode()
    try:
        report = core.sources.import_opml(opml)
    except InvalidInput:
        report = None
    assert all(s.url != "https://leak.example/" for s in core.sources.all())
    assert report is None or report.added == []
