from __future__ import annotations

import pytest

from aggregator.curate.excerpts import excerpt_candidates, split_sentences

QUOTE = (
    "“I am interested in the idea of citizens assemblies and not just for climate change,” said "
    "Cllr Siân Lewis, who chairs the scrutiny committee."
)
FINDING = (
    "The evaluation found that co-production with tenants had reduced complaints about repairs by a third."
)
ARTICLE = "\n".join(
    [
        "Members of the panel met at the community centre in Merthyr Tydfil on Saturday morning.",
        "Photograph: Huw Evans picture agency",
        "The council has spent £1.2m on the programme since 2021. It has not published a full evaluation.",
        QUOTE,
        "Sign up to our weekly newsletter for the latest news from the valleys.",
        FINDING,
        "However, officials warned that the approach took longer than expected.",
        "Read more: how other councils run their panels https://example.org/panels",
        "© 2024 Valleys Gazette. All rights reserved.",
    ]
)


def test_a_direct_quotation_ranks_first() -> None:
    best = excerpt_candidates(ARTICLE, limit=3)
    assert best[0] == QUOTE
    assert len(best) == 3


def test_topic_terms_raise_a_sentence() -> None:
    plain = excerpt_candidates(ARTICLE, limit=5)
    with_terms = excerpt_candidates(ARTICLE, terms=["co-production"], limit=5)
    assert with_terms.index(FINDING) < plain.index(FINDING)
    assert with_terms[:2] == [QUOTE, FINDING]


def test_terms_match_case_apostrophe_and_plural_variants() -> None:
    text = (
        "The weather on the coast was mild and dry for most of the week, forecasters said.\n"
        "Residents praised the Citizens’ Assemblies held in three towns over the summer months."
    )
    assert excerpt_candidates(text, terms=["citizens' assembly"], limit=1) == [
        "Residents praised the Citizens’ Assemblies held in three towns over the summer months."
    ]
    assert excerpt_candidates(text, terms=["  CITIZENS' ASSEMBLY "], limit=1)[0].startswith("Residents")


def test_boilerplate_is_never_proposed() -> None:
    everything = excerpt_candidates(ARTICLE, terms=["newsletter", "panels", "gazette"], limit=50)
    joined = "\n".join(everything)
    for noise in ("Photograph:", "Sign up", "Read more", "©", "All rights reserved", "https://"):
        assert noise not in joined
    assert len(everything) == 6


def test_a_sentence_that_leans_on_its_context_loses_a_little() -> None:
    text = (
        "However, the council said the scheme would continue for at least two more years.\n"
        "The council said the scheme would continue for at least another two years or more."
    )
    assert excerpt_candidates(text, limit=2) == [
        "The council said the scheme would continue for at least another two years or more.",
        "However, the council said the scheme would continue for at least two more years.",
    ]


def test_very_short_and_very_long_sentences_lose() -> None:
    good = "Tenants and housing officers designed the new repairs service together over six months."
    short = "Work began in May."
    long = "The report lists " + ", ".join(f"item {i}" for i in range(120)) + "."
    assert excerpt_candidates(f"{short} {long} {good}", limit=3) == [good, short, long]


def test_no_duplicates_and_fewer_than_limit_when_text_is_short() -> None:
    sentence = "Tenants and housing officers designed the new repairs service together over six months."
    text = f"{sentence}\n{sentence}\n  {sentence.upper()}  \nOk."
    assert excerpt_candidates(text, limit=5) == [sentence]
    assert excerpt_candidates("", limit=3) == []
    assert excerpt_candidates("   \n\n", limit=3) == []
    assert excerpt_candidates(ARTICLE, limit=0) == []


def test_results_are_trimmed() -> None:
    results = excerpt_candidates(
        "   Tenants and officers designed the repairs service together.   \n", limit=1
    )
    assert results == ["Tenants and officers designed the repairs service together."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dr Evans met Mr. Jones and Prof. Williams. They talked.",
            ["Dr Evans met Mr. Jones and Prof. Williams.", "They talked."],
        ),
        (
            "The report by J. R. Smith was published. It ran to 40 pages.",
            ["The report by J. R. Smith was published.", "It ran to 40 pages."],
        ),
        (
            "Inflation was 3.5 per cent in May. Rents rose faster.",
            ["Inflation was 3.5 per cent in May.", "Rents rose faster."],
        ),
        (
            "Buses, trains, ferries etc. Were all late. Nobody came.",
            ["Buses, trains, ferries etc. Were all late.", "Nobody came."],
        ),
        (
            "Services, e.g. housing and care, i.e. the basics. Nothing else.",
            ["Services, e.g. housing and care, i.e. the basics.", "Nothing else."],
        ),
        (
            "They moved to No. 10 Downing Street. She said no. Then left.",
            ["They moved to No. 10 Downing Street.", "She said no.", "Then left."],
        ),
        ("He lived on St. Mary Street. It was quiet.", ["He lived on St. Mary Street.", "It was quiet."]),
        (
            "“We must act. Now,” she said. The room fell silent.",
            ["“We must act. Now,” she said.", "The room fell silent."],
        ),
        (
            '"We must act. Now," she said. The room fell silent.',
            ['"We must act. Now," she said.', "The room fell silent."],
        ),
        (
            "‘We can’t wait. Really,’ he said. Nobody argued.",
            ["‘We can’t wait. Really,’ he said.", "Nobody argued."],
        ),
        (
            "“We must act now.” She left. Why? Because.",
            ["“We must act now.”", "She left.", "Why?", "Because."],
        ),
        ("“Stop!” she shouted. Everyone stopped.", ["“Stop!” she shouted.", "Everyone stopped."]),
        (
            "First paragraph without a stop\nSecond one. Third",
            ["First paragraph without a stop", "Second one.", "Third"],
        ),
        ("An unclosed “quote. Then a new sentence.", ["An unclosed “quote.", "Then a new sentence."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_of_empty_text_is_empty() -> None:
    assert split_sentences("") == []
    assert split_sentences("\n \n") == []


def test_email_chrome_is_never_proposed() -> None:
    text = (
        "| After COP26: deliberation online, in Welsh and in the mainstream "
        "View this email in your browser |\n"
        "Members of the assembly told us they had arrived sceptical and left convinced of the process.\n"
        "Why not forward to a friend who cares about local democracy and public services?"
    )
    assert excerpt_candidates(text) == [
        "Members of the assembly told us they had arrived sceptical and left convinced of the process."
    ]


def test_a_quotation_interrupted_by_its_attribution_is_proposed_whole() -> None:
    # The knowledge base's Guardian entry quotes it so: both halves and the attribution between them.
    whole = (
        "“I am interested in the idea of citizens assemblies and not just for climate change,” said the "
        "local MP Keir Starmer, a Labour frontbencher. “I think they might turn out to be a way to have a "
        "different kind of political dialogue to avoid the shouty tribalism of the last few years.”"
    )
    text = f"Residents of Camden have been meeting. {whole} Sceptics point out the risks of it."
    assert excerpt_candidates(text, ["citizens assembly"])[0] == whole
    assert split_sentences(f"{whole} Next.") == [whole, "Next."]
    # A quotation that ends on a full stop is complete: what follows stands alone.
    assert split_sentences("“We will act on it.” She said it twice. “Next” is a word.") == [
        "“We will act on it.”",
        "She said it twice.",
        "“Next” is a word.",
    ]
