"""CLI: topics (their terms in each language, their pages' order, their learned models)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import TextIO

import click

from aggregator.cli.app import _State, echo_json, main, pass_state
from aggregator.services.topics import ENTRY_ORDERS


@main.group()
def topics() -> None:
    """Create and list topics."""


@topics.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The topic's title, as the page shows it.")
@click.option("--intro", default="", help="The text that opens the topic page.")
@click.option("--include", multiple=True, help="A term that makes an item relevant (repeatable, or commas).")
@click.option("--exclude", multiple=True, help="A term that rules an item out (repeatable, or commas).")
@click.option(
    "--include-in",
    "include_in",
    multiple=True,
    type=(str, str),
    metavar="LANG TERMS",
    help="Include terms for items in language LANG, e.g. --include-in cy 'cynulliad dinasyddion'.",
)
@click.option("--exclude-in", "exclude_in", multiple=True, type=(str, str), metavar="LANG TERMS")
@pass_state
def topics_add(
    state: _State,
    slug: str,
    name: str,
    intro: str,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    include_in: tuple[tuple[str, str], ...],
    exclude_in: tuple[tuple[str, str], ...],
) -> None:
    """Create a topic; items in a language given its own terms are scored by those."""
    core = state.core()
    languages = _language_terms(include_in, exclude_in)
    topic = core.topics.add(
        slug, name=name, intro=intro, include=include, exclude=exclude, language_terms=languages
    )
    matched = core.topics.matching(topic.slug)
    click.echo(f"added topic {topic.slug!r}: {topic.name}; {matched} unreviewed items match it")


@topics.command("edit")
@click.argument("slug")
@click.option("--name", help="The topic's title, as the page shows it.")
@click.option("--intro", help="The text that opens the page (small Markdown: links, emphasis, paragraphs).")
@click.option(
    "--intro-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the intro from this file ('-' for standard input).",
)
@click.option("--include", multiple=True, help="Replace the terms that make an item relevant.")
@click.option("--exclude", multiple=True, help="Replace the terms that rule an item out.")
@click.option("--order", type=click.Choice(ENTRY_ORDERS), help="How the page runs its entries.")
@pass_state
def topics_edit(
    state: _State,
    slug: str,
    name: str | None,
    intro: str | None,
    intro_file: TextIO | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    order: str | None,
) -> None:
    """Change a topic's name, intro, terms or entry order."""
    if intro is not None and intro_file is not None:
        raise click.UsageError("give --intro or --intro-file, not both")
    topic = state.core().topics.update(
        slug,
        name=name,
        intro=intro_file.read() if intro_file is not None else intro,
        include=include or None,
        exclude=exclude or None,
        order=order,
    )
    click.echo(
        f"edited topic {topic.slug!r}: {topic.name} (entries {topic.entry_order} first)"
        if topic.entry_order != "manual"
        else f"edited topic {topic.slug!r}: {topic.name}"
    )


@topics.command("move")
@click.argument("slug")
@click.argument("item_id", type=int)
@click.option("--up", "direction", flag_value=-1, help="Earlier on the page.")
@click.option("--down", "direction", flag_value=1, help="Later on the page.")
@click.option("--by", "places", type=click.IntRange(min=1), default=1, show_default=True)
@pass_state
def topics_move(state: _State, slug: str, item_id: int, direction: int | None, places: int) -> None:
    """Move an entry up or down its topic's page; the page is then in the curators' own order."""
    if direction is None:
        raise click.UsageError("say --up or --down")
    ordered = state.core().topics.move_entry(slug, item_id, direction * places)
    click.echo(f"{slug}: " + " ".join(f"#{i}" for i in ordered))


@topics.command("terms")
@click.argument("slug")
@click.argument("language")
@click.option("--include", multiple=True, help="Include terms for LANGUAGE (repeatable, or commas).")
@click.option("--exclude", multiple=True, help="Exclude terms for LANGUAGE (repeatable, or commas).")
@pass_state
def topics_terms(
    state: _State, slug: str, language: str, include: tuple[str, ...], exclude: tuple[str, ...]
) -> None:
    """Set a topic's term list for one LANGUAGE (e.g. cy); with no terms, remove it."""
    core = state.core()
    topic = core.topics.get(slug)
    lists: dict[str, dict[str, Sequence[str]]] = {
        code: {"include": inc, "exclude": exc} for code, (inc, exc) in topic.language_terms.items()
    }
    lists[language.strip().lower()] = {"include": include, "exclude": exclude}
    topic = core.topics.update(slug, language_terms=lists)
    own = topic.language_terms.get(language.strip().lower())
    shown = ", ".join(own[0]) if own else "none (the main list applies)"
    click.echo(f"topic {topic.slug!r}, {language} include terms: {shown}; unreviewed items scored again")


def _language_terms(
    include_in: Sequence[tuple[str, str]], exclude_in: Sequence[tuple[str, str]]
) -> dict[str, dict[str, list[str]]]:
    lists: dict[str, dict[str, list[str]]] = {}
    for key, pairs in (("include", include_in), ("exclude", exclude_in)):
        for language, terms in pairs:
            lists.setdefault(language, {"include": [], "exclude": []})[key].append(terms)
    return lists


@topics.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def topics_list(state: _State, as_json: bool) -> None:
    """List topics."""
    rows = state.core().topics.all()
    if as_json:
        echo_json([t.as_dict() for t in rows])
        return
    for t in rows:
        line = f"{t.slug}\t{t.name}\tinclude: {', '.join(t.include_terms) or '-'}"
        for code, (include, _) in t.language_terms.items():
            line += f"\t{code}: {', '.join(include) or '-'}"
        click.echo(line)


@topics.command("model")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def topics_model(state: _State, slug: str, as_json: bool) -> None:
    """Report a topic's learned model: decisions so far, estimated recall, the queue worth reading."""
    report = state.core().items.model_report(slug)
    if as_json:
        click.echo(json.dumps({"topic": slug, **dataclasses.asdict(report)}, indent=2))
        return
    recall = "-" if report.estimated_recall is None else f"{report.estimated_recall:.0%}"
    click.echo(
        f"{slug}: {report.decisions} decisions ({report.relevant} approved into it, {report.irrelevant} "
        f"rejected); estimated recall {recall}; worth reading {report.worth_reading:.0%} of the "
        f"{report.queue} waiting{'' if report.calibrated else ' (likelihoods not calibrated yet)'}"
    )
