"""CLI: reports on what the knowledge base gathers: coverage per source, topic and month."""

from __future__ import annotations

from pathlib import Path

import click

from aggregator.cli.app import _State, main, pass_state


@main.group()
def report() -> None:
    """Reports: coverage."""


@report.command("coverage")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "csv"]), default="markdown", show_default=True
)
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=12,
    show_default=True,
    help="Months back, this one included.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (default: stdout)."
)
@pass_state
def report_coverage(state: _State, fmt: str, months: int, output: Path | None) -> None:
    """Per source and topic, per month: harvested, approved, rejected, still new; quiet sources flagged."""
    from aggregator.publish.coverage import coverage_csv, coverage_markdown

    data = state.core().coverage.report(months=months)
    text = coverage_csv(data) if fmt == "csv" else coverage_markdown(data)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    for source in data.sources:
        if source.quiet:
            click.echo(
                f"warning: {source.name} went quiet: nothing since {source.last_item_at:%Y-%m-%d}", err=True
            )
