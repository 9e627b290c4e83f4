"""Syndicated copies for the near-duplicate benchmark: what republishing a story does to its text.

Each transformation takes a story's text (paragraphs separated by blank lines), its title and a seeded
random generator, and returns the text a second site would publish. They copy what republishing sites
were seen to do: a credit line above or below the story, the site's own lines around it (sharing
buttons, newsletter box, copyright), typographic quotes and different line breaks, a paragraph cut for
length or an editor's paragraph added, the title and byline repeated inside the text, only the opening
kept as a teaser with a link to the rest, and light sub-editing (spelling, "said" to "says", a sentence
dropped). ``republished`` does several at once, as a real republication usually does.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

SITES = (
    "Click on Wales",
    "Nation.Cymru",
    "The Conversation",
    "WalesOnline",
    "Involve",
    "Reuters",
    "the Guardian",
    "OpenDemocracy",
)
NAMES = ("Sian Jones", "Gareth Williams", "Ffion Davies", "Rhys Evans", "Megan Thomas", "Owain Roberts")
CREDITS = (
    "This article first appeared on {site} and is republished here with permission.",
    "This story was originally published by {site}. Read the original article.",
    "Republished from {site} under a Creative Commons licence.",
    "{name} writes for {site}. This piece was first published there.",
    "(Reporting by {name}; editing by {other})",
    "A version of this article appeared on {site} on Tuesday.",
)
SITE_TOP = (
    "Share this article",
    "Share on Facebook Share on X Share by email",
    "Listen to this article",
    "Support independent journalism in Wales: become a member today.",
)
SITE_BOTTOM = (
    "Sign up to our weekly newsletter to get the latest stories in your inbox.",
    "© {year} {site}. All rights reserved.",
    "Related: more stories about this from our archive",
    "Comments are closed.",
    "Our journalism is free to read and always will be. If you value it, please consider a donation.",
    "Follow us on Facebook, Instagram and X for the latest news.",
)
EDITORS_NOTES = (
    "Update: this article was amended on {day} to correct a figure in the {nth} paragraph.",
    "Editor's note: {site} asked the organisations named above for comment before publication; "
    "their replies, where they came, are included.",
    "The views expressed here are the author's own and do not necessarily reflect those of {site}, "
    "which welcomes replies from readers on the issues raised.",
)
# British spellings and the sub-editor's habits, applied both ways (a site's house style).
EDITS = (
    ("organisation", "organization"),
    ("centre", "center"),
    ("per cent", "%"),
    ("programme", "program"),
    ("said", "says"),
    ("colour", "color"),
    ("labour", "labor"),
    ("however", "but"),
    ("percent", "per cent"),
    ("will not", "won't"),
    ("do not", "don't"),
    ("Government", "government"),
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def paragraphs(text: str) -> list[str]:
    """Return the text's paragraphs (blank-line separated), each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def join(parts: list[str]) -> str:
    """Return paragraphs as one text, blank lines between."""
    return "\n\n".join(parts)


def _fill(template: str, rng: random.Random) -> str:
    name, other = rng.sample(NAMES, 2)
    return template.format(
        site=rng.choice(SITES),
        name=name,
        other=other,
        year=rng.randint(2019, 2025),
        day=rng.choice(DAYS),
        nth=rng.choice(("second", "third", "fourth")),
    )


def credit(text: str, title: str, rng: random.Random) -> str:
    """A credit line above or below the story."""
    line = _fill(rng.choice(CREDITS), rng)
    parts = paragraphs(text)
    return join([line, *parts] if rng.random() < 0.5 else [*parts, line])


def boilerplate(text: str, title: str, rng: random.Random) -> str:
    """The republishing site's lines: one or two above the story, two to four below."""
    top = [_fill(t, rng) for t in rng.sample(SITE_TOP, rng.randint(1, 2))]
    bottom = [_fill(t, rng) for t in rng.sample(SITE_BOTTOM, rng.randint(2, 4))]
    return join([*top, *paragraphs(text), *bottom])


def typography(text: str, title: str, rng: random.Random) -> str:
    """Curly quotes and apostrophes, dashes, and the text re-wrapped at another width."""
    out = re.sub(r'"([^"]*)"', "“\\1”", text).replace("'", "’").replace(" - ", " – ")
    width = rng.randint(50, 90)
    wrapped = []
    for para in paragraphs(out):
        lines, line = [], ""
        for word in para.split():
            if len(line) + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line}  {word}" if line and rng.random() < 0.1 else f"{line} {word}".strip()
        wrapped.append("\n".join([*lines, line]))
    return join(wrapped)


def cut_paragraph(text: str, title: str, rng: random.Random) -> str:
    """One paragraph other than the first dropped for length (a one-paragraph story loses a sentence)."""
    parts = paragraphs(text)
    if len(parts) >= 3:
        del parts[rng.randrange(1, len(parts))]
        return join(parts)
    return _drop_sentence(text, rng)


def add_paragraph(text: str, title: str, rng: random.Random) -> str:
    """An editor's note or update paragraph, placed after the story or among its paragraphs."""
    parts = paragraphs(text)
    note = _fill(rng.choice(EDITORS_NOTES), rng)
    parts.insert(rng.randint(1, len(parts)), note)
    return join(parts)


def title_line(text: str, title: str, rng: random.Random) -> str:
    """The title, a byline and a date repeated at the top of the text."""
    byline = f"By {rng.choice(NAMES)} | {rng.randint(1, 28)} March {rng.randint(2019, 2025)}"
    return join([title, byline, *paragraphs(text)])


def teaser(text: str, title: str, rng: random.Random) -> str:
    """Only the opening kept (40-60% of the words, whole sentences), with a link to the rest."""
    words = text.split()
    keep = max(60, int(len(words) * rng.uniform(0.4, 0.6)))
    head = " ".join(words[:keep])
    end = head.rfind(". ")
    head = head[: end + 1] if end > len(head) // 2 else head
    return join([head, f"Continue reading on {rng.choice(SITES)}."])


def light_edit(text: str, title: str, rng: random.Random) -> str:
    """House style and sub-editing: spellings and words swapped where they occur, one sentence dropped."""
    out = text
    for old, new in rng.sample(EDITS, 6):
        if rng.random() < 0.5:
            old, new = new, old
        out = re.sub(rf"\b{re.escape(old)}\b", new, out)
    return _drop_sentence(out, rng)


def republished(text: str, title: str, rng: random.Random) -> str:
    """What a republishing site usually does at once: title, typography, site lines, a credit."""
    out = title_line(text, title, rng)
    out = typography(out, title, rng)
    out = boilerplate(out, title, rng)
    return credit(out, title, rng)


def _drop_sentence(text: str, rng: random.Random) -> str:
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if len(sentences) > 3:
        del sentences[rng.randrange(1, len(sentences))]
    return " ".join(sentences)


Transformation = Callable[[str, str, random.Random], str]
TRANSFORMATIONS: dict[str, Transformation] = {
    "credit line": credit,
    "site boilerplate": boilerplate,
    "quotes and whitespace": typography,
    "paragraph cut": cut_paragraph,
    "paragraph added": add_paragraph,
    "title prepended": title_line,
    "teaser (40-60%)": teaser,
    "light editing": light_edit,
    "republished (several)": republished,
}
