from __future__ import annotations

import random
import re

import pytest

from aggregator.curate.duplicates import (
    MATCH_THRESHOLD,
    MIN_WORDS,
    SKETCH_SIZE,
    same_story,
    shared,
    sketch,
)

ASSEMBLY = """\
Residents of a small valley town have spent three weekends deciding how their council should spend
the money it has set aside for tackling the climate emergency. The citizens' assembly, the first of its
kind in the county, brought together forty people chosen by lottery to reflect the age, gender and
background of the local population. Members heard from engineers, farmers, bus drivers and youth workers
before debating a long list of proposals in small groups around the tables of the community centre.

By the final Sunday they had agreed eleven recommendations. The most popular asked the council to
double the number of buses that run between the villages at the top of the valley and the railway
station, and to make those buses free for anyone under twenty-five. Another called for every new school
building to be heated without gas, while a third asked for a fund that would help tenants and small
landlords insulate older terraced houses before next winter.

The council's leader said the cabinet would respond to each recommendation in public within three
months, and that any it rejected would come with a written explanation. Several members of the assembly
told us they had arrived sceptical and left convinced that ordinary people could weigh hard trade-offs
when they were given time, good information and a fair hearing. One retired nurse said the experience
had changed how she thought about local politics, because for once she had been asked what she thought
rather than told what had already been decided.

Organisers now hope that neighbouring authorities will run their own assemblies on housing and on the
future of the high street. They admit the process is not cheap, costing roughly the same as a single
public consultation exercise, but argue that the recommendations carry far more weight because they come
from people with no stake in the outcome other than living in the town.
"""

REPOST = "This article first appeared on Click on Wales.\n\n" + re.sub(
    r"\s+", "  ", ASSEMBLY.upper()
).replace(",", " ,").replace("'", "’").replace(".", " . ")

LIBRARY = """\
A coastal county is asking a panel of randomly selected residents to decide whether its mobile library
service should survive the next round of budget cuts. Officials say the vans, which visit more than sixty
villages every fortnight, cost more per loan than any other part of the library network, but campaigners
argue that they are the only regular public service many older people in remote areas still see.

The panel of thirty will meet online and in person over the spring, hearing evidence from librarians,
drivers, borrowers and the finance department. Its members will be paid for their time and offered help
with childcare and travel, a choice the authority says is essential if the panel is to include younger
parents and people on low incomes who rarely take part in consultations.

Unlike a traditional public meeting, the panel will not simply vote on a single question. Instead it will
be asked to design a service that fits a smaller budget, which could mean fewer stops, shared buildings
with health visitors or a partnership with the local bus company to carry books between branches.
Councillors have promised to adopt its conclusions unless there is a legal or financial reason they cannot,
and to publish that reasoning in full.

Critics say the process hands a difficult decision to people who will not face voters at the next
election, and some worry that the panel will be steered by whoever presents the evidence. Supporters
reply that elected members still have the final word, and that a group of residents who have studied the
figures for weeks is better placed than a petition or a packed hall to judge what the community values.
"""


def test_identical_text_gives_the_same_sketch() -> None:
    first = sketch(ASSEMBLY)
    assert first is not None
    assert len(first) == SKETCH_SIZE
    assert list(first) == sorted(first)
    assert sketch(ASSEMBLY) == first


def test_case_whitespace_and_punctuation_do_not_change_the_sketch() -> None:
    messy = re.sub(r"\s+", " \n ", ASSEMBLY.lower()).replace(".", " ... ").replace("'", "’")
    assert sketch(messy) == sketch(ASSEMBLY)


def test_a_syndicated_copy_with_a_different_first_line_is_a_near_duplicate() -> None:
    original, copy = sketch(ASSEMBLY), sketch(REPOST)
    assert original is not None
    assert copy is not None
    assert original != copy
    assert shared(original, copy) >= SKETCH_SIZE - 2
    assert same_story(shared(original, copy))


def test_copies_with_random_credit_lines_are_caught_every_time() -> None:
    # What sank SimHash: a 5 to 12 word line before a 300-word story. Measured over many lines.
    original = sketch(ASSEMBLY)
    assert original is not None
    rng = random.Random(7)
    vocabulary = LIBRARY.split()
    caught = 0
    for _ in range(300):
        line = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(5, 12)))
        copy = sketch(f"{line}\n\n{ASSEMBLY}")
        assert copy is not None
        caught += same_story(shared(original, copy))
    assert caught == 300


def test_two_different_articles_on_the_same_topic_are_not_near_duplicates() -> None:
    first, second = sketch(ASSEMBLY), sketch(LIBRARY)
    assert first is not None
    assert second is not None
    assert shared(first, second) == 0
    assert not same_story(shared(first, second))


def test_half_an_article_is_not_the_whole_one() -> None:
    whole = sketch(ASSEMBLY + "\n" + LIBRARY)
    half = sketch(LIBRARY)
    assert whole is not None
    assert half is not None
    assert shared(whole, half) < SKETCH_SIZE


def test_short_text_has_no_sketch() -> None:
    words = ASSEMBLY.split()
    assert sketch(" ".join(words[: MIN_WORDS - 1])) is None
    assert sketch(" ".join(words[:MIN_WORDS])) is not None
    assert sketch("") is None


@pytest.mark.parametrize("text", [ASSEMBLY, REPOST, LIBRARY, " ".join(f"word{i}" for i in range(400))])
def test_sketch_values_fit_a_signed_bigint(text: str) -> None:
    values = sketch(text)
    assert values is not None
    assert all(-(2**63) <= v < 2**63 for v in values)
    assert MATCH_THRESHOLD <= SKETCH_SIZE
