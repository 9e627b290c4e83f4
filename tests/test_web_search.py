"""Full-text search and the queue's filters, on SQLite (FTS5) and PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from aggregator.core import Aggregator
from aggregator.errors import InvalidInput
from aggregator.services.search import words
from tests.support.curator import item, seed


def titles(views: object) -> list[str]:
    return [v.title for v in views]  # type: ignore[attr-defined]


def test_search_finds_words_in_any_field_and_stems_them(core: Aggregator) -> None:
    s = seed(core)
    assert [v.id for v in core.items.query(search="Birmingham")] == [s.assembly]
    # "assemblies" finds "assembly" in the title: both backends stem English words.
    assert s.assembly in [v.id for v in core.items.query(search="assemblies")]
    assert [v.id for v in core.items.query(search="Newport spending")] == [s.budget]
    assert [v.id for v in core.items.query(search="democratiaeth")] == [s.welsh]
    # Every word must match.
    assert core.items.query(search="Birmingham Newport") == []


def test_search_treats_operators_and_quotes_as_words(core: Aggregator) -> None:
    s = seed(core)
    for query in ('"Birmingham', "Birmingham -", "Birmingham:", "Birmingham*", "(Birmingham"):
        assert [v.id for v in core.items.query(search=query)] == [s.assembly], query
    assert words("  ,;!  ") == []
    # A query without words filters nothing rather than failing.
    assert len(core.items.query(search="!!!")) == len(core.items.query())


def test_search_follows_edits_and_deletions(core: Aggregator) -> None:
    s = seed(core)
    core.items.edit(s.budget, actor="ann", title="Porthcawl residents decide")
    assert [v.id for v in core.items.query(search="Porthcawl")] == [s.budget]
    assert core.items.query(search="vote") == []
    core.sources.remove("IWA")
    assert core.items.query(search="Porthcawl") == []
    assert core.items.query(search="democratiaeth") == []


def test_search_ranks_title_matches_first_when_sorting_by_relevance(core: Aggregator) -> None:
    s = seed(core)
    later = item(
        core,
        s.iwa,
        "mentions",
        title="Local news roundup",
        text="A council meeting, a fete, and a passing mention of a citizens' assembly.",
        published=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    newest = core.items.query(search="assembly")
    assert newest[0].id == later
    ranked = core.items.query(search="assembly", sort="relevance")
    assert ranked[0].id == s.assembly
    assert {v.id for v in ranked} == {v.id for v in newest}


def test_queue_filters_by_language_date_status_and_source(core: Aggregator) -> None:
    s = seed(core)
    assert [v.id for v in core.items.query(language="cy")] == [s.welsh]
    since = dt.datetime(2019, 7, 10, tzinfo=dt.UTC)
    until = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert {v.id for v in core.items.query(since=since, until=until)} == {s.assembly, s.welsh}
    core.items.reject(s.welsh, actor="ann")
    assert [v.id for v in core.items.query(status="new", since=since, until=until)] == [s.assembly]
    assert {v.id for v in core.items.query(source="IWA", search="participatory")} == {s.budget}
    with pytest.raises(InvalidInput):
        core.items.query(sort="relevance")


def test_bulk_review_is_all_or_nothing_and_audited(core: Aggregator) -> None:
    s = seed(core)
    assert core.items.review_many([s.assembly, s.budget], action="approve", actor="ann") == 2
    assert core.items.get(s.assembly).status == "approved"
    assert core.items.get(s.budget).events[-1].actor == "ann"
    with pytest.raises(Exception, match="no item"):
        core.items.review_many([s.welsh, 999_999], action="reject", actor="ann")
    assert core.items.get(s.welsh).status == "new"
    assert core.items.review_many([s.welsh], action="reject", actor="bo", reason="off topic") == 1
    event = core.items.get(s.welsh).events[-1]
    assert (event.action, event.detail["reason"]) == ("reject", "off topic")
    with pytest.raises(InvalidInput):
        core.items.review_many([s.welsh], action="delete", actor="bo")


def test_set_topics_assigns_and_unassigns_with_an_audit_event(core: Aggregator) -> None:
    s = seed(core)
    view = core.items.set_topics(s.welsh, actor="ann", topics=["citizens-assemblies", "budgets"])
    assert set(view.topics) == {"citizens-assemblies", "budgets"}
    view = core.items.set_topics(s.welsh, actor="bo", topics=["budgets"])
    assert view.topics == ("budgets",)
    last = view.events[-1]
    assert (last.actor, last.action, last.detail["new"]) == ("bo", "topics", ["budgets"])


def test_the_search_index_exists_where_the_queries_expect_it(core: Aggregator) -> None:
    with core.db.engine.connect() as conn:
        if core.db.dialect == "sqlite":
            names = set(
                conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'items_fts%'")).scalars()
            )
            assert {"items_fts", "items_fts_ai", "items_fts_ad", "items_fts_au"} <= names
        else:
            found = conn.execute(
                text(
                    "SELECT indexdef FROM pg_indexes "
                    "WHERE indexname = 'ix_items_search' AND schemaname = current_schema()"
                )
            )
            assert "gin" in str(found.scalar_one())


def test_ranked_search_finds_a_weak_match_that_the_filters_keep(core: Aggregator) -> None:
    s = seed(core)
    for n in range(12):
        item(core, s.guardian, f"strong-{n}", title=f"Assembly assembly news {n}", text="The assembly met.")
    weak = item(
        core,
        s.iwa,
        "weak",
        title="Newyddion",
        text="Roedd y cyfarfod yn hir. " * 30 + "assembly",
        language="cy",
    )
    # The best ten matches are all English; ranking stops short of the Welsh one, then ranks all.
    found = core.items.query(search="assembly", sort="relevance", language="cy", limit=1)
    assert [v.id for v in found] == [weak]
    first = core.items.query(search="assembly", sort="relevance", limit=1)
    assert first[0].title.startswith("Assembly assembly news")


def test_stop_words_are_left_out_of_a_query_unless_it_has_nothing_else(core: Aggregator) -> None:
    s = seed(core)
    assert words("the council of the city") == ["council", "city"]
    assert words("The") == ["The"]
    # "the" is in no seeded text's title but stop words no longer make a match fail or cost.
    assert [v.id for v in core.items.query(search="the Birmingham")] == [s.assembly]
