from __future__ import annotations

import datetime as dt
import random

import pytest

from aggregator.core import Aggregator
from aggregator.curate.duplicates import sketch
from aggregator.errors import InvalidInput, NotFound
from aggregator.services.harvested import Harvested, Outcome
from aggregator.services.recrawl import MAX_FETCH_ATTEMPTS
from tests.test_sources import harvested

JULY = dt.datetime(2019, 7, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def source_id(core: Aggregator) -> int:
    return core.sources.add("https://ex.org/feed", name="Ex").id


def test_recording_is_idempotent_on_the_canonical_url(core: Aggregator, source_id: int) -> None:
    first = harvested(source_id, "https://EX.org/a?utm_source=rss#top", title="A", published=JULY)
    assert core.items.record(first) is Outcome.NEW
    assert core.items.record(harvested(source_id, "https://ex.org/a")) is Outcome.DUPLICATE
    assert core.items.record(first) is Outcome.DUPLICATE
    (item,) = core.items.query()
    assert item.canonical_url == "https://ex.org/a"
    assert item.title == "A"
    assert item.published_at == JULY
    assert item.status == "new"


def test_a_guid_seen_before_under_another_url_is_a_duplicate(core: Aggregator, source_id: int) -> None:
    assert core.items.record(harvested(source_id, "https://ex.org/a", guid="p=12")) is Outcome.NEW
    assert (
        core.items.record(harvested(source_id, "https://ex.org/a-renamed", guid="p=12")) is Outcome.DUPLICATE
    )
    assert core.items.count() == 1


def test_a_feed_only_item_is_retried_and_completed_by_its_page(core: Aggregator, source_id: int) -> None:
    feed_only = harvested(
        source_id,
        "https://ex.org/slow",
        title="From feed",
        text="Teaser.",
        content_origin="feed",
        fetch_error="timed out after 1s",
    )
    assert core.items.record(feed_only) is Outcome.NEW
    (candidate,) = core.items.retry_candidates(source_id)
    assert candidate.url == "https://ex.org/slow"
    assert core.items.settled(source_id, [("https://ex.org/slow", None)]) == set()

    page = harvested(source_id, "https://ex.org/slow", title="From page", text="The whole article.")
    assert core.items.record(page) is Outcome.COMPLETED
    (item,) = core.items.query()
    assert (item.content_origin, item.text, item.title) == ("article", "The whole article.", "From page")
    assert item.fetched_at is not None
    assert core.items.retry_candidates(source_id) == []
    assert core.items.settled(source_id, [("https://ex.org/slow", None)]) == {"https://ex.org/slow"}


def test_retries_stop_after_the_attempt_limit(core: Aggregator, source_id: int) -> None:
    feed_only = harvested(source_id, "https://ex.org/dead", content_origin="feed", fetch_error="HTTP 500")
    for _ in range(MAX_FETCH_ATTEMPTS):
        core.items.record(feed_only)
    assert core.items.retry_candidates(source_id) == []


def test_rejected_items_are_tombstones_never_fetched_again(core: Aggregator, source_id: int) -> None:
    core.items.record(harvested(source_id, "https://ex.org/no", content_origin="feed"))
    (item,) = core.items.query()
    core.items.reject(item.id, actor="ann", reason="off topic")
    assert core.items.settled(source_id, [("https://ex.org/no", None)]) == {"https://ex.org/no"}
    assert core.items.retry_candidates(source_id) == []
    assert core.items.record(harvested(source_id, "https://ex.org/no")) is Outcome.DUPLICATE
    assert core.items.get(item.id).status == "rejected"


def test_approve_with_excerpt_and_topic_is_audited(core: Aggregator, source_id: int) -> None:
    core.topics.add("citizens-assemblies", name="Citizens assemblies")
    core.items.record(harvested(source_id, "https://ex.org/a"))
    (item,) = core.items.query()
    approved = core.items.approve(
        item.id, actor="ann", excerpt=" “A quote.” ", topics=["citizens-assemblies"]
    )
    assert approved.status == "approved"
    assert approved.excerpt == "“A quote.”"
    assert approved.topics == ("citizens-assemblies",)
    assert approved.reviewed_by == "ann"
    assert approved.reviewed_at is not None
    (event,) = approved.events
    assert (event.actor, event.action) == ("ann", "approve")
    assert event.detail == {"from": "new", "excerpt": "“A quote.”", "topics": ["citizens-assemblies"]}


def test_approve_with_an_unknown_topic_changes_nothing(core: Aggregator, source_id: int) -> None:
    core.items.record(harvested(source_id, "https://ex.org/a"))
    (item,) = core.items.query()
    with pytest.raises(NotFound, match="no topic 'nope'"):
        core.items.approve(item.id, actor="ann", topics=["nope"])
    assert core.items.get(item.id).status == "new"
    assert core.items.get(item.id).events == ()


def test_edit_records_old_and_new_values(core: Aggregator, source_id: int) -> None:
    core.items.record(harvested(source_id, "https://ex.org/a", title="Old"))
    (item,) = core.items.query()
    edited = core.items.edit(item.id, actor="bob", title="New", note="Worth reading")
    assert (edited.title, edited.curator_note) == ("New", "Worth reading")
    (event,) = edited.events
    assert event.detail == {
        "title": {"old": "Old", "new": "New"},
        "curator_note": {"old": None, "new": "Worth reading"},
    }
    with pytest.raises(InvalidInput):
        core.items.edit(item.id, actor="bob", title="   ")
    with pytest.raises(NotFound):
        core.items.edit(999, actor="bob", title="x")


def test_curated_lists_only_approved_newest_first_and_by_topic(core: Aggregator, source_id: int) -> None:
    core.topics.add("wales", name="Wales")
    for day in (1, 3, 2):
        core.items.record(harvested(source_id, f"https://ex.org/{day}", published=JULY.replace(day=day)))
    core.items.record(harvested(source_id, "https://ex.org/undated"))
    by_url = {i.url: i.id for i in core.items.query()}
    core.items.approve(by_url["https://ex.org/1"], actor="a", topics=["wales"])
    core.items.approve(by_url["https://ex.org/3"], actor="a")
    core.items.approve(by_url["https://ex.org/undated"], actor="a")
    core.items.reject(by_url["https://ex.org/2"], actor="a")
    assert [i.url for i in core.items.curated()] == [
        "https://ex.org/3",
        "https://ex.org/1",
        "https://ex.org/undated",
    ]
    assert [i.url for i in core.items.curated(topic="wales")] == ["https://ex.org/1"]


def test_query_filters_by_status_and_refuses_unknown_ones(core: Aggregator, source_id: int) -> None:
    core.items.record(harvested(source_id, "https://ex.org/a"))
    core.items.record(harvested(source_id, "https://ex.org/b"))
    first = core.items.query()[0]
    core.items.approve(first.id, actor="a")
    assert [i.id for i in core.items.query(status="approved")] == [first.id]
    assert len(core.items.query(status="new")) == 1
    assert len(core.items.query(source="Ex")) == 2
    with pytest.raises(InvalidInput):
        core.items.query(status="maybe")


def test_a_batch_stores_each_item_and_reports_the_one_that_fails_alone(
    core: Aggregator, source_id: int
) -> None:
    # The middle item names a source that does not exist: the database refuses it (foreign key).
    batch = [
        harvested(source_id, "https://ex.org/one", title="One"),
        harvested(source_id + 999, "https://ex.org/orphan", title="Orphan"),
        harvested(source_id, "https://ex.org/two", title="Two"),
        harvested(source_id, "https://ex.org/one", title="One again"),
    ]
    results = core.items.record_many(batch)
    assert results[0] is Outcome.NEW
    assert isinstance(results[1], Exception)
    assert "foreign key" in str(results[1]).lower()
    assert results[2:] == [Outcome.NEW, Outcome.DUPLICATE]
    assert sorted(i.title for i in core.items.query()) == ["One", "Two"]
    # A re-run of the same batch stores nothing twice and still refuses the orphan.
    again = core.items.record_many(batch)
    assert again[0] is Outcome.DUPLICATE
    assert again[2] is Outcome.DUPLICATE
    assert isinstance(again[1], Exception)
    assert core.items.count() == 2


def _mixed_harvest(source_id: int, host: str, seed: int) -> list[Harvested]:
    """A crawl's worth of items that exercise every path of recording, on ``host``, texts from ``seed``."""
    rng = random.Random(seed)
    words = [f"w{seed}x{n}" for n in range(400)]

    def text() -> str:
        return " ".join(rng.choice(words) for _ in range(120))

    first, other, stored_text = text(), text(), text()

    def item(path: str, body: str, **kw: object) -> Harvested:
        return harvested(source_id, f"https://{host}{path}", text=body, sketch=sketch(body), **kw)

    return [
        item("/a", first, guid=f"{host}-1"),
        item("/a?utm_source=rss", first),  # the same canonical URL
        item("/a-renamed", first, guid=f"{host}-1"),  # the same GUID
        item("/b", first + " This article first appeared elsewhere."),  # syndicated within the batch
        item("/pre", stored_text),  # stored before the batch
        item("/pre-copy", stored_text),  # syndicated copy of a stored item
        harvested(
            source_id,
            f"https://{host}/story",
            kind="story",
            content_origin="bullet",
            parent_url=f"https://{host}/issue",
        ),
        item("/issue", other, kind="newsletter"),  # adopts the story met before it
        harvested(source_id, f"https://{host}/story-2", kind="story", parent_url=f"https://{host}/page"),
        item("/page", text()),  # an article that a story named as its issue
        harvested(source_id, f"https://{host}/slow", content_origin="feed", fetch_error="timed out"),
        item("/slow", text()),  # its page answered at last
        item("/plain", text()),
    ]


def _stored(core: Aggregator, host: str) -> list[tuple[object, ...]]:
    views = core.items.query(include_duplicates=True, limit=None)
    by_id = {v.id: v.canonical_url for v in views}
    rows = []
    for v in views:
        if host not in v.canonical_url:
            continue
        rows.append(
            (
                v.canonical_url.replace(host, "HOST"),
                v.kind,
                v.content_origin,
                (by_id.get(v.duplicate_of_id) or "").replace(host, "HOST"),
                (by_id.get(v.parent_id) or "").replace(host, "HOST"),
            )
        )
    return sorted(rows)


def test_a_batch_records_exactly_what_one_item_at_a_time_does(core: Aggregator, source_id: int) -> None:
    batch = _mixed_harvest(source_id, "one.example", seed=1)
    single = _mixed_harvest(source_id, "two.example", seed=2)
    # "/pre" is stored before the rest, by itself, in both.
    assert core.items.record(batch[4]) is Outcome.NEW
    assert core.items.record(single[4]) is Outcome.NEW
    batched = core.items.record_many(batch)
    one_by_one = [core.items.record(h) for h in single]
    assert batched == one_by_one
    assert batched == [
        Outcome.NEW,
        Outcome.DUPLICATE,
        Outcome.DUPLICATE,
        Outcome.SYNDICATED,
        Outcome.DUPLICATE,
        Outcome.SYNDICATED,
        Outcome.NEW,
        Outcome.NEW,
        Outcome.NEW,
        Outcome.NEW,
        Outcome.NEW,
        Outcome.COMPLETED,
        Outcome.NEW,
    ]
    assert _stored(core, "one.example") == _stored(core, "two.example")
    rows = {row[0]: row for row in _stored(core, "one.example")}
    assert rows["https://HOST/b"][3] == "https://HOST/a"
    assert rows["https://HOST/story"][4] == "https://HOST/issue"
    assert rows["https://HOST/story-2"][4] == "https://HOST/page"
    # A re-run of the whole batch changes nothing.
    assert set(core.items.record_many(batch)) == {Outcome.DUPLICATE}
    assert _stored(core, "one.example") == _stored(core, "two.example")
