"""Different stories on one template, for the near-duplicate benchmark: the fold's hard negatives.

Three constructions, each documented where it is built:

- ``swap_specifics``: a real text kept as the template, its specifics (numbers, and capitalised words
  inside sentences: names of people, places, firms, drugs) replaced by others. Two such versions of one
  text are two stories told in one house style, like Reuters' weekly figures or a council's notices.
- ``press_releases``: two different short stories from one issuer, each followed by the issuer's same
  closing boilerplate (about the company, forward-looking statements, media contact).
- ``trial_abstracts``: structured abstracts of two randomised trials in one field, two drugs, written
  from one template whose sentences have two or three wordings each (the issue's false fold).
"""

from __future__ import annotations

import random
import re

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# A capitalised word that does not open a sentence: most often a name.
_NAME = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")


def specifics(text: str) -> int:
    """Return how many numbers and in-sentence capitalised words ``text`` holds."""
    return len(_NUMBER.findall(text)) + len(_NAME.findall(text))


def swap_specifics(text: str, names: list[str], rng: random.Random) -> str:
    """Return ``text`` with every number and in-sentence capitalised word replaced by another."""
    mapping: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        digits = match.group()
        if digits not in mapping:
            mapping[digits] = "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in digits)
        return mapping[digits]

    def name(match: re.Match[str]) -> str:
        word = match.group()
        if word not in mapping:
            mapping[word] = rng.choice(names)
        return mapping[word]

    return _NAME.sub(name, _NUMBER.sub(number, text))


BOILERPLATE = (
    "About {company}: {company} is a leading provider of {trade} services to customers in more than "
    "{n} countries. Founded in {year}, the company employs around {staff} people and is listed on the "
    "London Stock Exchange. For more information visit the company's website.",
    "Forward-looking statements: this announcement contains certain forward-looking statements with "
    "respect to the financial condition, results of operations and business of {company}. These "
    "statements involve risk and uncertainty because they relate to events and depend on circumstances "
    "that will occur in the future. There are a number of factors that could cause actual results and "
    "developments to differ materially from those expressed or implied by these statements.",
    "Media contact: {company} press office. Notes to editors: high-resolution images are available on "
    "request. {company} will report its full-year results in {month}.",
)
TRADES = ("engineering", "logistics", "software", "energy", "packaging", "insurance")
FIRMS = ("Acorn Holdings", "Brecon Group", "Dyfed Systems", "Taff Industries", "Severn plc", "Menai Ltd")
MONTHS = ("January", "March", "May", "July", "September", "November")


def press_release(story: str, closing: list[str]) -> str:
    """Return ``story`` followed by the issuer's closing boilerplate (the same for all its releases)."""
    return "\n\n".join([story, *closing])


def closing_for(company: str, rng: random.Random) -> list[str]:
    """Return one issuer's closing boilerplate paragraphs."""
    values = {
        "company": company,
        "trade": rng.choice(TRADES),
        "n": rng.randint(8, 60),
        "year": rng.randint(1950, 2010),
        "staff": rng.randint(2, 40) * 100,
        "month": rng.choice(MONTHS),
    }
    return [block.format(**values) for block in BOILERPLATE]


# One field's structured abstract; each sentence in two or three wordings, chosen per abstract.
_ABSTRACT = (
    (
        "Background: {condition} is a leading cause of disability and death worldwide, and many patients "
        "do not respond to current treatment.",
        "Background: Treatment options for patients with {condition} remain limited, and outcomes are poor.",
    ),
    (
        "{drug}, a {mechanism}, reduced {marker} in a phase 2 study.",
        "In earlier studies {drug}, a {mechanism}, lowered {marker} and was well tolerated.",
    ),
    (
        "We aimed to assess the efficacy and safety of {drug} in adults with {condition}.",
        "We assessed whether {drug} improved outcomes in adults with {condition}.",
    ),
    (
        "Methods: In this randomised, double-blind, placebo-controlled, phase 3 trial done at {sites} "
        "hospitals in {countries} countries, adults aged 18 years or older with {condition} were randomly "
        "assigned (1:1) to receive {drug} {dose} or matching placebo {schedule} for {weeks} weeks.",
        "Methods: This multicentre, randomised, double-blind, placebo-controlled, phase 3 trial enrolled "
        "adults with {condition} at {sites} sites in {countries} countries, who were randomly assigned "
        "(1:1) to {drug} {dose} or placebo {schedule} for {weeks} weeks.",
    ),
    (
        "Randomisation was done centrally with an interactive web response system, stratified by {strata}. "
        "Patients, investigators and the sponsor were masked to treatment allocation.",
        "Randomisation was stratified by {strata}; participants and investigators were masked to group.",
    ),
    (
        "The primary endpoint was {endpoint} at week {weeks}, analysed in the intention-to-treat population.",
        "The primary outcome was {endpoint} at {weeks} weeks in all randomly assigned patients.",
    ),
    (
        "Safety was assessed in all patients who received at least one dose of study drug. This trial is "
        "registered with ClinicalTrials.gov, {nct}, and is complete.",
        "This study is registered with ClinicalTrials.gov, {nct}.",
    ),
    (
        "Findings: Between {month1} {year}, and {month2} {year2}, {n} patients were randomly assigned, "
        "{n1} to {drug} and {n2} to placebo.",
        "Findings: {n} patients were enrolled between {month1} {year} and {month2} {year2} ({n1} {drug}, "
        "{n2} placebo).",
    ),
    (
        "{endpoint_cap} occurred in {x1} ({p1}%) of {n1} patients in the {drug} group and {x2} ({p2}%) of "
        "{n2} in the placebo group (hazard ratio {hr}, 95% CI {lo}-{hi}; p={p}).",
        "{endpoint_cap} was seen in {p1}% of patients given {drug} versus {p2}% given placebo (HR {hr}, "
        "95% CI {lo}-{hi}; p={p}).",
    ),
    (
        "Serious adverse events occurred in {s1} ({sp1}%) patients in the {drug} group and {s2} ({sp2}%) "
        "in the placebo group; the most common adverse event was {ae}.",
        "The most frequent adverse event with {drug} was {ae}; serious adverse events were reported in "
        "{sp1}% and {sp2}% of patients.",
    ),
    (
        "There were {d1} deaths in the {drug} group and {d2} in the placebo group, none judged related to "
        "treatment.",
        "No treatment-related deaths occurred.",
    ),
    (
        "Interpretation: In adults with {condition}, {drug} {result} compared with placebo. These findings "
        "support further study of {mechanism_short} in this population.",
        "Interpretation: {drug} {result} in patients with {condition} and had an acceptable safety profile.",
    ),
    ("Funding: {sponsor}.",),
)
FIELDS = (
    ("chronic heart failure", "NT-proBNP concentrations", "cardiovascular death or hospitalisation"),
    ("moderate-to-severe asthma", "blood eosinophil counts", "annualised rate of severe exacerbations"),
    ("rheumatoid arthritis", "C-reactive protein", "ACR20 response"),
    ("type 2 diabetes", "HbA1c", "change in HbA1c from baseline"),
    ("major depressive disorder", "depressive symptoms", "change in MADRS total score"),
    ("chronic kidney disease", "albuminuria", "sustained decline in eGFR of at least 40%"),
)
DRUGS = (
    ("velanitrib", "selective kinase inhibitor"),
    ("doracumab", "monoclonal antibody against interleukin 5"),
    ("semparin", "once-weekly GLP-1 receptor agonist"),
    ("lorafenam", "oral anti-inflammatory agent"),
    ("tezivastat", "SGLT2 inhibitor"),
    ("mirogliptin", "dipeptidyl peptidase-4 inhibitor"),
    ("cardoxamab", "anti-fibrotic antibody"),
    ("bremelasone", "mineralocorticoid receptor antagonist"),
)
SPONSORS = ("AstraZeneca", "Novartis", "GlaxoSmithKline", "Pfizer", "Medical Research Council", "Roche")
EVENTS = ("headache", "nausea", "nasopharyngitis", "dizziness", "diarrhoea", "fatigue")
RESULTS = (
    "reduced the risk of the primary endpoint",
    "did not significantly reduce the risk of the primary endpoint",
    "improved the primary outcome",
)


def trial_abstract(field: tuple[str, str, str], drug: tuple[str, str], rng: random.Random) -> str:
    """Return a structured abstract of a phase 3 trial of ``drug`` in ``field``, specifics drawn at random."""
    condition, marker, endpoint = field
    n1, n2 = rng.randint(150, 2500), rng.randint(150, 2500)
    x1, x2 = rng.randint(10, n1 // 3), rng.randint(10, n2 // 3)
    lo = round(rng.uniform(0.5, 0.95), 2)
    values = {
        "condition": condition,
        "marker": marker,
        "endpoint": endpoint,
        "endpoint_cap": endpoint[0].upper() + endpoint[1:],
        "drug": drug[0],
        "mechanism": drug[1],
        "mechanism_short": drug[1].split()[-1] + "s",
        "dose": f"{rng.choice((5, 10, 25, 50, 100, 200))} mg",
        "schedule": rng.choice(("once daily", "twice daily", "every 4 weeks", "once weekly")),
        "weeks": rng.choice((12, 24, 26, 52)),
        "sites": rng.randint(40, 400),
        "countries": rng.randint(5, 30),
        "strata": rng.choice(("region and baseline severity", "country and previous treatment")),
        "nct": f"NCT0{rng.randint(1000000, 4999999)}",
        "month1": rng.choice(MONTHS),
        "month2": rng.choice(MONTHS),
        "year": rng.randint(2014, 2019),
        "year2": rng.randint(2019, 2022),
        "n": n1 + n2,
        "n1": n1,
        "n2": n2,
        "x1": x1,
        "x2": x2,
        "p1": round(100 * x1 / n1, 1),
        "p2": round(100 * x2 / n2, 1),
        "hr": round(rng.uniform(lo, 1.2), 2),
        "lo": lo,
        "hi": round(rng.uniform(1.0, 1.4), 2),
        "p": round(rng.uniform(0.001, 0.6), 3),
        "s1": rng.randint(10, n1 // 5),
        "s2": rng.randint(10, n2 // 5),
        "sp1": round(rng.uniform(5, 25), 1),
        "sp2": round(rng.uniform(5, 25), 1),
        "ae": rng.choice(EVENTS),
        "d1": rng.randint(0, 12),
        "d2": rng.randint(0, 12),
        "result": rng.choice(RESULTS),
        "sponsor": rng.choice(SPONSORS),
    }
    sentences = [rng.choice(wordings).format(**values) for wordings in _ABSTRACT]
    return " ".join(sentences)


def trial_pair(rng: random.Random) -> tuple[str, str]:
    """Return two abstracts of one field, two different drugs."""
    field = rng.choice(FIELDS)
    first, second = rng.sample(DRUGS, 2)
    return trial_abstract(field, first, rng), trial_abstract(field, second, rng)
