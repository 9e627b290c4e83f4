from __future__ import annotations

import pytest

from aggregator.curate.relevance import TopicScore, compile_terms, score_topic

BODY = (
    "Forty residents chosen by lottery met over three weekends to decide how the council should spend "
    "its climate budget. Members heard from engineers, farmers and youth workers before agreeing eleven "
    "recommendations, including more frequent buses between the valley villages and the railway station."
)
TOPIC = ("citizens' assembly", "deliberative democracy", "co-production")


def test_no_matching_term_scores_zero() -> None:
    assert score_topic("Bus timetable changes", "New times from May.", BODY, TOPIC) == TopicScore(0.0, ())


def test_a_title_hit_beats_a_body_hit() -> None:
    in_title = score_topic("Town holds its first citizens' assembly", "", BODY, TOPIC)
    in_body = score_topic("Town decides climate spending", "", BODY + " It was a citizens' assembly.", TOPIC)
    assert in_title.matched == in_body.matched == ("citizens' assembly",)
    assert in_title.score > in_body.score > 0.0


def test_a_summary_hit_sits_between_title_and_body() -> None:
    title = score_topic("A citizens' assembly", "", BODY, TOPIC).score
    summary = score_topic("Climate spending", "A citizens' assembly met.", BODY, TOPIC).score
    body = score_topic("Climate spending", "", "A citizens' assembly met.", TOPIC).score
    assert title > summary > body > 0.0


def test_body_occurrences_add_less_each_time() -> None:
    def body_score(times: int) -> float:
        return score_topic("Climate spending", "", "The citizens' assembly met. " * times, TOPIC).score

    one, two, three, many = body_score(1), body_score(2), body_score(3), body_score(200)
    assert one < two < three < many
    assert two - one > three - two
    # However often the body repeats a term, it never outweighs the same term in the title.
    assert many < score_topic("A citizens' assembly", "", "", TOPIC).score


def test_any_exclude_term_anywhere_zeroes_the_score() -> None:
    title = "Citizens' assembly on co-production of care"
    assert score_topic(title, "", BODY, TOPIC).score > 0.5
    for where in ("title", "summary", "text"):
        fields = {"title": title, "summary": "", "text": BODY}
        fields[where] += " Tickets for the Welsh Assembly football match are on sale."
        result = score_topic(fields["title"], fields["summary"], fields["text"], TOPIC, exclude=("football",))
        assert result == TopicScore(0.0, ())


@pytest.mark.parametrize(
    "title",
    [
        "Citizens’ assemblies spread across Wales",
        "Citizens Assembly meets in Newport",
        "The citizens' assembly's verdict",
        "CITIZENS'  ASSEMBLY\nREPORTS",
        "A citizens assembly’s first weekend",
    ],
)
def test_plural_possessive_apostrophe_and_spacing_variants_match(title: str) -> None:
    assert score_topic(title, "", "", ("citizens' assembly",)).matched == ("citizens' assembly",)


@pytest.mark.parametrize("text", ["Co-production in practice", "Coproduction in practice", "co‑production"])
def test_a_hyphen_in_a_term_is_optional(text: str) -> None:
    assert score_topic(text, "", "", ("co-production",)).matched == ("co-production",)


@pytest.mark.parametrize(
    "text",
    [
        "The former assemblyman spoke",
        "Reassembly of the panel",
        "A citizens assemblage",
        "Assemblymember Jones",
    ],
)
def test_terms_match_whole_words_only(text: str) -> None:
    assert score_topic(text, "", "", ("citizens' assembly", "assembly")).score == 0.0


def test_more_distinct_terms_score_higher() -> None:
    one = score_topic("Citizens' assembly meets", "", BODY, TOPIC)
    two = score_topic("Citizens' assembly and deliberative democracy", "", BODY, TOPIC)
    three = score_topic("Citizens' assembly, deliberative democracy and co-production", "", BODY, TOPIC)
    assert len(one.matched) < len(two.matched) < len(three.matched)
    assert one.score < two.score < three.score


def test_matched_terms_follow_the_topics_order() -> None:
    result = score_topic("Co-production and a citizens' assembly", "", "", TOPIC)
    assert result.matched == ("citizens' assembly", "co-production")


def test_scores_stay_within_zero_and_one() -> None:
    heavy = " ".join(TOPIC) + ". "
    result = score_topic(heavy * 5, heavy * 5, heavy * 500, TOPIC)
    assert 0.99 < result.score <= 1.0
    light = score_topic("", "", "Once, a deliberative democracy.", TOPIC)
    assert 0.0 < light.score < 0.2


def test_compile_terms_gives_one_pattern_per_term_and_reuses_them() -> None:
    patterns = compile_terms(TOPIC)
    assert len(patterns) == 3
    assert patterns[0].search("the Citizens’ Assemblies")
    assert not patterns[2].search("production")
    assert compile_terms(list(TOPIC))[1] is patterns[1]
    assert not compile_terms(("",))[0].search("anything")


def test_an_item_is_scored_by_the_terms_of_its_own_language() -> None:
    from aggregator.curate.relevance import TopicTerms, score_item

    terms = TopicTerms(
        include=("citizens' assembly",),
        exclude=("football",),
        by_language={"cy": (("cynulliad dinasyddion",), ("pêl-droed",))},
    )
    welsh = "Cynulliad dinasyddion cyntaf Cymru"
    assert score_item(welsh, "", "", "cy", terms).matched == ("cynulliad dinasyddion",)
    # English terms do not score a Welsh item when the topic has Welsh ones, nor Welsh terms an English one.
    assert score_item("A citizens' assembly", "", "", "cy", terms).score == 0.0
    assert score_item(welsh, "", "", "en", terms).score == 0.0
    assert score_item("A citizens' assembly", "", "", "en", terms).matched == ("citizens' assembly",)
    # A region tag counts as its language; a language without a list of its own uses the main list.
    assert score_item(welsh, "", "", "cy-GB", terms).score > 0
    assert score_item("A citizens' assembly", "", "", "fr", terms).score > 0
    # The language's own exclude terms apply to it.
    assert score_item(welsh, "Pêl-droed", "", "cy", terms).score == 0.0
    # Unknown language: every list is tried, every exclude list applies.
    assert score_item(welsh, "", "", None, terms).matched == ("cynulliad dinasyddion",)
    assert score_item("A citizens' assembly", "", "", None, terms).matched == ("citizens' assembly",)
    assert score_item(welsh, "", "football", None, terms).score == 0.0
