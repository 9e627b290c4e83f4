"""Newsletters by mail: `aggregator newsletters import` for a saved message or an exported mailbox."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aggregator.cli.app import _State, main, pass_state
from aggregator.reader.mail import messages_in
from aggregator.services.kinds import setting_of
from aggregator.services.newsletters import Result


@main.group()
def newsletters() -> None:
    """Newsletter issues that came by email."""


@newsletters.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--source", "source_name", required=True, help="The source the issues belong to (its name).")
@pass_state
def newsletters_import(state: _State, files: tuple[Path, ...], source_name: str) -> None:
    """Store each message of FILE.eml or FILE.mbox as a newsletter issue split into its stories.

    Messages that are too large, malformed or no newsletter are reported and skipped (exit status 1
    once the rest are stored); importing a file again stores nothing new.
    """
    core = state.core()
    source = core.sources.get(source_name)
    max_bytes = int(setting_of(source.kind, source.settings, "max_bytes")) if source.kind == "mailbox" else 0
    topics = core.topics.all()
    skipped = 0
    for path in files:
        report = core.newsletters.import_messages(
            source.id, messages_in(path), topics, max_bytes=max_bytes or core.config.max_page_bytes
        )
        for line in report.results:
            if line.result is Result.SKIPPED:
                skipped += 1
                click.echo(f"skipped: {path.name}: {line.message_id or 'a message'}: {line.reason}", err=True)
            else:
                word = "stored" if line.result is Result.STORED else "known already"
                click.echo(f"{word}: {line.title} ({line.new_stories} new stories) {line.url}")
        click.echo(
            f"{path.name}: {report.count(Result.STORED)} new issues, {report.count(Result.KNOWN)} known, "
            f"{report.count(Result.SKIPPED)} skipped"
        )
    if skipped:
        sys.exit(1)


__all__ = ["newsletters", "newsletters_import"]
