from __future__ import annotations

import pytest

from aggregator.core import Aggregator
from aggregator.errors import Conflict, InvalidInput
from aggregator.services.runs import SourceTally


def test_topics_keep_their_terms_normalised_and_their_order(core: Aggregator) -> None:
    core.topics.add(
        "citizens-assemblies",
        name="Citizens assemblies",
        include=["Citizens' assembly, deliberative  democracy", "citizens' assembly"],
        exclude=["Football"],
    )
    core.topics.add("co-production", name="Co-production")
    first, second = core.topics.all()
    assert first.include_terms == ("citizens' assembly", "deliberative democracy")
    assert first.exclude_terms == ("football",)
    assert (first.position, second.position) == (1, 2)
    with pytest.raises(Conflict):
        core.topics.add("co-production", name="Again")
    with pytest.raises(InvalidInput):
        core.topics.add("Not A Slug", name="x")


def test_a_run_keeps_each_sources_counts_and_errors(core: Aggregator) -> None:
    ok = core.sources.add("https://ex.org/ok", name="ok")
    bad = core.sources.add("https://ex.org/bad", name="bad")
    run_id = core.runs.start(trigger="test")
    good = SourceTally(entries=3, fetched=3, new=2, duplicates=1)
    failing = SourceTally()
    for n in range(5):
        failing.fail(f"article https://ex.org/{n}: timed out")
    run = core.runs.finish(run_id, {ok.id: good, bad.id: failing})
    assert run.status == "finished"
    assert run.finished_at is not None
    by_name = {line.source: line for line in run.sources}
    assert by_name["ok"].status == "ok"
    assert by_name["bad"].status == "failed"
    assert by_name["bad"].error == (
        "article https://ex.org/0: timed out; article https://ex.org/1: timed out; "
        "article https://ex.org/2: timed out; and 2 more"
    )
    assert [line.source for line in run.failed_sources] == ["bad"]


def test_a_new_topic_scores_the_items_harvested_before_it(core: Aggregator) -> None:
    from tests.test_sources import harvested

    source = core.sources.add("https://ex.org/feed")
    core.items.record(harvested(source.id, "https://ex.org/a", title="A citizens’ assembly for Wales"))
    core.items.record(harvested(source.id, "https://ex.org/b", title="Football results", text="Goals."))
    core.items.record(harvested(source.id, "https://ex.org/c", title="Citizens' assemblies and football"))
    core.topics.add("ca", name="CA", include=["citizens' assembly"], exclude=["football"])
    assert core.topics.rescore("ca") == 1
    (item,) = core.items.query(topic="ca")
    assert item.url == "https://ex.org/a"
    assert item.scores[0].matched == ("citizens' assembly",)
    assert not item.scores[0].assigned


def test_a_welsh_item_is_scored_by_the_topics_welsh_terms(core: Aggregator) -> None:
    from tests.test_sources import harvested

    source = core.sources.add("https://ex.org/feed")
    welsh_text = "Daeth deugain o bobl ynghyd mewn cynulliad dinasyddion i drafod newid hinsawdd."
    core.items.record(
        harvested(
            source.id, "https://ex.org/cy", title="Cynulliad dinasyddion", text=welsh_text, language="cy"
        )
    )
    core.items.record(harvested(source.id, "https://ex.org/en", title="A citizens' assembly", language="en"))
    topic = core.topics.add("ca", name="CA", include=["citizens' assembly"])
    assert [i.url for i in core.items.query(topic="ca")] == ["https://ex.org/en"]
    # A Welsh list beside the English one: the Welsh item is scored by it, and only by it.
    topic = core.topics.update("ca", language_terms={"cy": {"include": ["Cynulliad  dinasyddion"]}})
    assert topic.language_terms == {"cy": (("cynulliad dinasyddion",), ())}
    by_url = {i.url: i for i in core.items.query(topic="ca")}
    assert set(by_url) == {"https://ex.org/cy", "https://ex.org/en"}
    assert by_url["https://ex.org/cy"].scores[0].matched == ("cynulliad dinasyddion",)
    assert topic.as_dict()["languages"] == {"cy": {"include": ["cynulliad dinasyddion"], "exclude": []}}
    with pytest.raises(InvalidInput, match="language"):
        core.topics.update("ca", language_terms={"Welsh!": {"include": ["x"]}})
