"""The item page's one review action, undo, a queue's neighbours and total, search by relevance."""

from __future__ import annotations

import datetime as dt

import pytest

from aggregator.core import Aggregator
from aggregator.errors import InvalidInput, NotFound
from aggregator.services.queue import ItemFilter
from aggregator.services.review import ReviewForm
from tests.test_sources import harvested

DAY = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def source_id(core: Aggregator) -> int:
    core.topics.add("assemblies", name="Citizens assemblies", include=["citizens' assembly"])
    core.topics.add("budgets", name="Budgets", include=["participatory budgeting"])
    return core.sources.add("https://ex.org/feed", name="Ex").id


def add(core: Aggregator, source_id: int, slug: str, days: int = 0, **values: object) -> int:
    core.items.record(
        harvested(source_id, f"https://ex.org/{slug}", published=DAY + dt.timedelta(days=days), **values)
    )
    (found,) = [i for i in core.items.query(limit=None) if i.url == f"https://ex.org/{slug}"]
    return found.id


def test_approve_saves_title_note_excerpt_and_topics_together(core: Aggregator, source_id: int) -> None:
    item_id = add(core, source_id, "a", title="Old title")
    form = ReviewForm(title="New title", excerpt="Chosen words.", note="Good one", topics=("assemblies",))
    item = core.items.save_review(item_id, actor="cur", form=form)
    assert (item.status, item.title, item.excerpt, item.curator_note, item.topics) == (
        "approved",
        "New title",
        "Chosen words.",
        "Good one",
        ("assemblies",),
    )
    assert [e.action for e in item.events] == ["edit", "topics", "approve"]
    # The published topic page is what the curator meant: the entry, with the excerpt.
    (entry,) = core.items.curated(topic="assemblies")
    assert (entry.id, entry.excerpt) == (item_id, "Chosen words.")


def test_a_failing_part_saves_nothing(core: Aggregator, source_id: int) -> None:
    item_id = add(core, source_id, "a", title="Kept")
    with pytest.raises(NotFound):
        core.items.save_review(item_id, actor="cur", form=ReviewForm(title="Lost", topics=("no-such-topic",)))
    with pytest.raises(InvalidInput):
        core.items.save_review(item_id, actor="cur", form=ReviewForm(title="  ", topics=("budgets",)))
    item = core.items.get(item_id)
    assert (item.status, item.title, item.topics, item.events) == ("new", "Kept", (), ())


def test_save_without_approving_keeps_the_status(core: Aggregator, source_id: int) -> None:
    item_id = add(core, source_id, "a")
    item = core.items.save_review(item_id, actor="cur", form=ReviewForm(excerpt="Mine."), approve=False)
    assert (item.status, item.excerpt) == ("new", "Mine.")


def test_undo_puts_the_decision_back_once(core: Aggregator, source_id: int) -> None:
    item_id = add(core, source_id, "a")
    core.items.save_review(item_id, actor="cur", form=ReviewForm(excerpt="Kept.", topics=("budgets",)))
    undone = core.items.undo(item_id, actor="cur")
    assert (undone.status, undone.reviewed_by, undone.excerpt, undone.topics) == (
        "new",
        None,
        "Kept.",
        ("budgets",),
    )
    assert undone.events[-1].detail == {"undid": "approve", "to": "new"}
    with pytest.raises(InvalidInput, match="nothing to undo"):
        core.items.undo(item_id, actor="cur")
    core.items.approve(item_id, actor="first")
    core.items.reject(item_id, actor="second")
    back = core.items.undo(item_id, actor="second")
    assert (back.status, back.reviewed_by) == ("approved", "first")


def test_undo_refuses_an_item_changed_since(core: Aggregator, source_id: int) -> None:
    item_id = add(core, source_id, "a")
    with pytest.raises(InvalidInput):
        core.items.undo(item_id, actor="cur")


def test_neighbours_follow_the_queue_even_after_the_item_left_it(core: Aggregator, source_id: int) -> None:
    ids = [add(core, source_id, f"n{i}", days=i) for i in range(4)]  # ids[3] is the newest
    queue = ItemFilter(status="new")
    assert core.items.neighbours(queue, ids[2]) == (ids[3], ids[1])
    assert core.items.neighbours(queue, ids[3]) == (None, ids[2])
    assert core.items.neighbours(queue, ids[0]) == (ids[1], None)
    core.items.approve(ids[2], actor="cur")
    assert core.items.neighbours(queue, ids[2]) == (ids[3], ids[1])
    assert core.items.total(queue) == 3
    assert core.items.total(ItemFilter(status="approved")) == 1
    # Counting stops past the cap: the queue then says "more than".
    assert core.items.total(queue, at_most=2) == 3


def test_search_by_relevance_puts_the_title_holding_the_words_first(core: Aggregator, source_id: int) -> None:
    exact = add(core, source_id, "exact", days=0, title="Councils turn to citizens", text="Some text.")
    for i, town in enumerate(["Cardiff", "Swansea", "Newport", "Wrexham"], start=1):
        text = f"In {town} councils turn to residents; {town} councils turn again, {town} says."
        add(core, source_id, f"newer{i}", days=i, title=f"{town} on councils", text=text)
    newest = core.items.query(search="councils turn", sort="newest")
    assert newest[0].id != exact
    best = core.items.query(search="councils turn", sort="relevance")
    assert best[0].id == exact
    assert core.items.total(ItemFilter(search="councils turn")) == 5
    # The item page walks the same order: the best match, then the next best.
    ranked = ItemFilter(search="councils turn", sort="relevance")
    assert core.items.neighbours(ranked, exact) == (None, best[1].id)
    assert core.items.neighbours(ranked, best[1].id) == (exact, best[2].id)
