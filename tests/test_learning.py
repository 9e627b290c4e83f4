"""The learned relevance model: decisions reorder the queue, rebuilds agree, rules lead before decisions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from aggregator.curate.features import Corpus, Document, term_columns, term_frequencies
from aggregator.curate.learning import Decision, Settings, Topic, TopicModel, rank_over_topics, rule_scores
from tests.support.themes import THEMES, themed_texts


def make_items(per_theme: int = 12, seed: int = 7) -> list[tuple[int, Document]]:
    """Return items of four themes, each with words of its theme and common filler, ids in theme blocks."""
    rng = random.Random(seed)
    items: list[tuple[int, Document]] = []
    for theme, k, title, text in themed_texts(rng, per_theme):
        items.append((len(items), Document(title=f"{theme} {k}: {title}", text=text)))
    return items


def theme_of(item_id: int, per_theme: int = 12) -> str:
    return list(THEMES)[item_id // per_theme]


@pytest.fixture
def items() -> list[tuple[int, Document]]:
    return make_items()


def top_themes(model: TopicModel, n: int = 10) -> list[str]:
    return [theme_of(r.item_id) for r in model.rank(limit=n)]


def test_decisions_change_the_order(items: list[tuple[int, Document]]) -> None:
    corpus = Corpus.build(items)
    model = TopicModel(corpus, Topic(name="Things we follow"))
    before = [r.item_id for r in model.rank()]
    model.record([Decision(0, True), Decision(1, True), Decision(12, False), Decision(24, False)])
    after = [r.item_id for r in model.rank()]
    assert after != before
    # Every remaining harbour item now comes before every other item.
    assert top_themes(model, 10) == ["harbour"] * 10
    # Turning the decisions around turns the order around.
    flipped = TopicModel.rebuild(
        corpus,
        Topic(name="Things we follow"),
        [Decision(0, False), Decision(1, False), Decision(12, True), Decision(24, False)],
    )
    assert top_themes(flipped, 10) == ["budget"] * 10


def test_rebuild_gives_the_same_order_and_figures(items: list[tuple[int, Document]]) -> None:
    topic = Topic(name="Harbours", include=("dockers",))
    rules = rule_scores(topic, items)
    decisions = [Decision(i, theme_of(i) == "harbour") for i in (3, 30, 5, 14, 40, 7, 26, 2, 19, 9)]
    live = TopicModel(Corpus.build(items), topic, rules)
    for decision in decisions:  # one at a time, as curators decide
        live.record([decision])
        live.rank(limit=5)
    rebuilt = TopicModel.rebuild(Corpus.build(items), topic, decisions, rules)  # a restart
    assert [r.item_id for r in live.rank()] == [r.item_id for r in rebuilt.rank()]
    assert [r.likelihood for r in live.rank()] == [r.likelihood for r in rebuilt.rank()]
    assert [r.item_id for r in live.rank(order="uncertain")] == [
        r.item_id for r in rebuilt.rank(order="uncertain")
    ]
    assert live.report() == rebuilt.report()
    # The order does not depend on the order of the decisions either, only on what they say.
    shuffled = TopicModel.rebuild(Corpus.build(items), topic, decisions[::-1], rules)
    assert [r.item_id for r in shuffled.rank()] == [r.item_id for r in rebuilt.rank()]


def test_rules_order_the_queue_before_any_decision(items: list[tuple[int, Document]]) -> None:
    topic = Topic(name="Allotments", include=("compost", "allotment"), exclude=("hedge",))
    rules = rule_scores(topic, items)
    assert rules
    assert all(theme_of(i) == "garden" for i in rules)
    model = TopicModel(Corpus.build(items), topic, rules)
    ranked = model.rank()
    matched = [r.item_id for r in ranked if r.item_id in rules]
    # Items the rules match come first, best rules score first; an excluded word scores nothing.
    assert [r.item_id for r in ranked[: len(matched)]] == matched
    assert [rules[i] for i in matched] == sorted((rules[i] for i in matched), reverse=True)
    hedged = [i for i, doc in items if "hedge" in doc.text or "hedge" in doc.title]
    assert hedged
    assert not set(hedged) & set(rules)
    assert model.report().decisions == 0


def test_rules_give_way_to_decisions(items: list[tuple[int, Document]]) -> None:
    # The rules say "garden", the curator approves harbour items and rejects garden ones.
    topic = Topic(name="Allotments", include=("compost", "allotment"))
    rules = rule_scores(topic, items)
    decisions = [Decision(i, True) for i in range(8)] + [Decision(i, False) for i in range(36, 44)]
    decisions += [Decision(i, False) for i in (24, 25, 26, 12, 13)]
    before = TopicModel(Corpus.build(items), topic, rules)
    assert top_themes(before, len(rules)) == ["garden"] * len(rules)
    model = TopicModel.rebuild(Corpus.build(items), topic, decisions, rules)
    # The four harbour items left are now near the top, though they match no term.
    assert top_themes(model, 5).count("harbour") == 4
    ignored = TopicModel.rebuild(Corpus.build(items), topic, decisions, rules, Settings(rules_weight=0.0))
    assert model.report().rules_weight < Settings().rules_weight
    assert ignored.report().rules_weight == 0.0


def test_explanations_name_the_terms(items: list[tuple[int, Document]]) -> None:
    model = TopicModel.rebuild(
        Corpus.build(items),
        Topic(name="Harbours"),
        [Decision(0, True), Decision(1, True), Decision(2, True), Decision(12, False), Decision(13, False)],
    )
    harbour_item = next(r.item_id for r in model.rank() if theme_of(r.item_id) == "harbour")
    why = model.explain(harbour_item, dict(items)[harbour_item])
    harbour_words = set(THEMES["harbour"].split())
    raised = [term for term, _ in why.raised]
    assert raised
    assert any(set(term.split()) & harbour_words for term in raised)
    assert all(weight > 0 for _, weight in why.raised)
    budget_item = next(r.item_id for r in model.rank() if theme_of(r.item_id) == "budget")
    lowered = [term for term, _ in model.explain(budget_item, dict(items)[budget_item]).lowered]
    assert any(set(term.split()) & set(THEMES["budget"].split()) for term in lowered)


def test_likelihoods_and_report(items: list[tuple[int, Document]]) -> None:
    decided = (36, 37, 38, 39, 40, 41, 42, 0, 12, 24, 25, 1, 13, 2, 14, 26, 3, 15, 27, 4)
    decisions = [Decision(i, theme_of(i) == "assembly") for i in decided]
    model = TopicModel.rebuild(Corpus.build(items), Topic(name="Citizens assemblies"), decisions)
    ranked = model.rank()
    p = np.array([r.likelihood for r in ranked])
    assert ((p >= 0) & (p <= 1)).all()
    assert list(p) == sorted(p, reverse=True)
    assert theme_of(ranked[0].item_id) == "assembly"
    assert p[0] > 0.5 > p[-1]
    report = model.report()
    assert report.calibrated
    assert (report.decisions, report.relevant, report.irrelevant) == (20, 7, 13)
    assert report.queue == len(items) - 20
    assert report.estimated_recall is not None
    assert 0 < report.estimated_recall < 1
    assert 0 < report.worth_reading < 1
    # Least certain first starts nearer even odds than most likely first does.
    uncertain = model.rank(order="uncertain")
    assert abs(uncertain[0].likelihood - 0.5) < abs(ranked[0].likelihood - 0.5)
    assert abs(uncertain[0].likelihood - 0.5) <= min(abs(x - 0.5) for x in p) + 1e-12


def test_new_items_join_the_corpus(items: list[tuple[int, Document]]) -> None:
    corpus = Corpus.build(items[:-6])
    model = TopicModel.rebuild(corpus, Topic(name="Assemblies"), [Decision(36, True), Decision(0, False)])
    model.rank()
    corpus.add(items[-6:])  # the last six assembly items arrive with a crawl
    ranked = model.rank(limit=11)  # 5 undecided assembly items before the crawl, 6 after
    assert {r.item_id for r in ranked} >= {i for i, _ in items[-6:]}
    assert all(theme_of(r.item_id) == "assembly" for r in ranked)


def test_queue_over_all_topics_takes_each_items_best_topic(items: list[tuple[int, Document]]) -> None:
    corpus = Corpus.build(items)
    decided = (0, 1, 2, 3, 12, 13, 24, 25, 36, 37, 38, 39, 14, 26)
    harbours = TopicModel.rebuild(corpus, Topic(name="Harbours"), [Decision(i, i < 12) for i in decided])
    assemblies = TopicModel.rebuild(
        corpus, Topic(name="Assemblies"), [Decision(i, 36 <= i < 48) for i in decided]
    )
    queue = [i for i, _ in items if i not in decided]
    ranked = rank_over_topics([harbours, assemblies], queue)
    assert sorted(r.item_id for r, _ in ranked) == queue
    likelihoods = [r.likelihood for r, _ in ranked]
    assert likelihoods == sorted(likelihoods, reverse=True)
    top = ranked[:16]
    assert {theme_of(r.item_id) for r, _ in top} == {"harbour", "assembly"}
    assert all((theme_of(r.item_id), topic) in {("harbour", 0), ("assembly", 1)} for r, topic in top)


def test_a_model_kept_up_to_date_agrees_with_a_rebuild(items: list[tuple[int, Document]]) -> None:
    """New items and changed terms taken in place give the model a restart would build from the store."""
    topic = Topic(name="Harbours", include=("dockers",))
    decisions = [Decision(i, theme_of(i) == "harbour") for i in (3, 30, 5, 14, 40, 7, 26, 2, 19, 9)]
    corpus = Corpus.build(items[:-8])
    live = TopicModel(corpus, topic, rule_scores(topic, items[:-8]))
    for decision in decisions:
        live.record([decision])
        live.rank(limit=5)
    corpus.add(items[-8:])  # a crawl brings items; then a curator changes the topic's terms
    changed = Topic(name="Harbours", include=("dockers", "cargo"))
    live.set_rules(changed, rule_scores(changed, items))
    rebuilt = TopicModel.rebuild(Corpus.build(items), changed, decisions, rule_scores(changed, items))
    assert [(r.item_id, r.likelihood) for r in live.rank()] == [
        (r.item_id, r.likelihood) for r in rebuilt.rank()
    ]
    assert live.report() == rebuilt.report()


def test_term_columns_name_the_columns_the_vectorizer_fills() -> None:
    document = Document(title="Harbour dockers strike", summary="Cargo vessels wait", text="at the pier")
    named = term_columns(document)
    assert set(named) == set(term_frequencies([document]).indices.tolist())
    assert "harbour dockers" in named.values()
