from __future__ import annotations

import random
import re

import pytest

from aggregator.curate.duplicates import (
    CANDIDATE_SHARED,
    MIN_WORDS,
    SKETCH_SIZE,
    containment,
    is_candidate,
    same_story,
    shared,
    shingles,
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

# Two trials in one field, two drugs, the same length: one journal's template with different specifics.
# The sketch alone (8 of 16 values shared) folded pairs like this one as one story syndicated twice.
TRIAL_A = """\
Background: chronic heart failure is a leading cause of disability and death worldwide, and many patients
do not respond to current treatment. In earlier studies velanitrib, a selective kinase inhibitor, lowered
NT-proBNP concentrations and was well tolerated. We aimed to assess the efficacy and safety of velanitrib
in adults with chronic heart failure. Methods: In this randomised, double-blind, placebo-controlled,
phase 3 trial done at 373 hospitals in 11 countries, adults aged 18 years or older with chronic heart
failure were randomly assigned (1:1) to receive velanitrib 100 mg or matching placebo twice daily for 24
weeks. Randomisation was stratified by region and baseline severity; participants and investigators were
masked to group. The primary outcome was cardiovascular death or hospitalisation at 24 weeks in all
randomly assigned patients. This study is registered with ClinicalTrials.gov, NCT03495881. Findings:
Between September 2018, and September 2021, 2140 patients were randomly assigned, 1864 to velanitrib and
276 to placebo. Cardiovascular death or hospitalisation was seen in 25.2% of patients given velanitrib
versus 20.7% given placebo (HR 1.18, 95% CI 0.84-1.16; p=0.175). Serious adverse events occurred in 227
(9.6%) patients in the velanitrib group and 40 (20.9%) in the placebo group; the most common adverse
event was headache. There were 2 deaths in the velanitrib group and 1 in the placebo group, none judged
related to treatment. Interpretation: In adults with chronic heart failure, velanitrib did not
significantly reduce the risk of the primary endpoint compared with placebo. These findings support
further study of inhibitors in this population. Funding: Medical Research Council.
"""

TRIAL_B = """\
Background: chronic heart failure is a leading cause of disability and death worldwide, and many patients
do not respond to current treatment. Tezivastat, a SGLT2 inhibitor, reduced NT-proBNP concentrations in a
phase 2 study. We aimed to assess the efficacy and safety of tezivastat in adults with chronic heart
failure. Methods: In this randomised, double-blind, placebo-controlled, phase 3 trial done at 178
hospitals in 19 countries, adults aged 18 years or older with chronic heart failure were randomly
assigned (1:1) to receive tezivastat 25 mg or matching placebo once daily for 52 weeks. Randomisation was
stratified by region and baseline severity; participants and investigators were masked to group. The
primary outcome was cardiovascular death or hospitalisation at 52 weeks in all randomly assigned
patients. This study is registered with ClinicalTrials.gov, NCT04993829. Findings: Between November 2017,
and July 2020, 3852 patients were randomly assigned, 2444 to tezivastat and 1408 to placebo.
Cardiovascular death or hospitalisation occurred in 688 (28.2%) of 2444 patients in the tezivastat group
and 428 (30.4%) of 1408 in the placebo group (hazard ratio 0.76, 95% CI 0.72-1.06; p=0.304). Serious
adverse events occurred in 78 (24.3%) patients in the tezivastat group and 97 (18.2%) in the placebo
group; the most common adverse event was fatigue. There were 7 deaths in the tezivastat group and 3 in
the placebo group, none judged related to treatment. Interpretation: In adults with chronic heart
failure, tezivastat reduced the risk of the primary endpoint compared with placebo. These findings
support further study of inhibitors in this population. Funding: AstraZeneca.
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
    assert is_candidate(shared(original, copy))
    assert same_story(shingles(ASSEMBLY), shingles(REPOST))


def test_two_trial_abstracts_on_one_template_are_candidates_but_not_one_story() -> None:
    first, second = sketch(TRIAL_A), sketch(TRIAL_B)
    assert first is not None
    assert second is not None
    # What the sketch alone saw: more than half of it shared.
    assert shared(first, second) >= SKETCH_SIZE // 2
    assert is_candidate(shared(first, second))
    a, b = shingles(TRIAL_A), shingles(TRIAL_B)
    assert a is not None
    assert b is not None
    assert containment(a, b) < 0.5
    assert not same_story(a, b)


def test_a_teaser_is_one_story_with_the_article_it_opens() -> None:
    words = ASSEMBLY.split()
    teaser = " ".join(words[: len(words) * 2 // 5]) + " Continue reading on Click on Wales."
    first, second = sketch(teaser), sketch(ASSEMBLY)
    assert first is not None
    assert second is not None
    assert is_candidate(shared(first, second))
    a, b = shingles(teaser), shingles(ASSEMBLY)
    assert a is not None
    assert b is not None
    # Less than half of the article's shingles are the teaser's: resemblance alone would miss it.
    assert len(a & b) / len(a | b) < 0.5
    assert same_story(a, b)


def test_copies_with_random_credit_lines_are_caught_every_time() -> None:
    # What sank SimHash: a 5 to 12 word line before a 300-word story. Measured over many lines.
    original = sketch(ASSEMBLY)
    assert original is not None
    rng = random.Random(7)
    vocabulary = LIBRARY.split()
    whole = shingles(ASSEMBLY)
    caught = 0
    for _ in range(300):
        line = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(5, 12)))
        text = f"{line}\n\n{ASSEMBLY}"
        copy = sketch(text)
        assert copy is not None
        caught += is_candidate(shared(original, copy)) and same_story(whole, shingles(text))
    assert caught == 300


def test_two_different_articles_on_the_same_topic_are_not_near_duplicates() -> None:
    first, second = sketch(ASSEMBLY), sketch(LIBRARY)
    assert first is not None
    assert second is not None
    assert shared(first, second) == 0
    assert not is_candidate(shared(first, second))
    assert not same_story(shingles(ASSEMBLY), shingles(LIBRARY))


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
    assert shingles("") is None
    assert not same_story(None, shingles(ASSEMBLY))


@pytest.mark.parametrize("text", [ASSEMBLY, REPOST, LIBRARY, " ".join(f"word{i}" for i in range(400))])
def test_sketch_values_fit_a_signed_bigint(text: str) -> None:
    values = sketch(text)
    assert values is not None
    assert all(-(2**63) <= v < 2**63 for v in values)
    assert CANDIDATE_SHARED <= SKETCH_SIZE
