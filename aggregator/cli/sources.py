"""CLI: the database and the sources."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from aggregator.cli.app import (
    _State,
    _stdout,
    _write_bytes,
    echo_json,
    main,
    pass_state,
)
from aggregator.services.kinds import COMMON_SETTINGS, DEFAULT_KIND, KINDS
from aggregator.services.sources import AUTO_KIND
from aggregator.services.views import SourceView


@main.command()
@click.option(
    "--defaults/--no-defaults",
    default=None,
    help="Add the Guardian, IWA and Involve sources and a 'Citizens assemblies' topic "
    "(asked when interactive).",
)
@pass_state
def init(state: _State, defaults: bool | None) -> None:
    """Create the database, or migrate it to the current schema. Safe to run again."""
    from aggregator.services.defaults import add_defaults

    core = state.core(require_schema=False)
    before, after = core.init_db()
    where = core.db.safe_url
    if before == after:
        click.echo(f"database at {where} is up to date (schema {after})")
    elif before is None:
        click.echo(f"created database at {where} (schema {after})")
    else:
        click.echo(f"migrated database at {where} from schema {before} to {after}")
    if defaults is None and sys.stdin.isatty() and not core.sources.all():
        defaults = click.confirm(
            "Add the default sources (the Guardian, IWA, Involve) and a 'Citizens assemblies' topic?",
            default=True,
        )
    if defaults:
        added = add_defaults(core.sources, core.topics)
        click.echo(f"added {', '.join(added)}" if added else "the defaults are there already")


# --- sources -----------------------------------------------------------------------------------


_SET = click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A setting of the source (repeatable), e.g. --set links='h3 a' --set max_pages=2.",
)


@main.group()
def sources() -> None:
    """Add, list, remove, import and export sources."""


@sources.command("add")
@click.argument("url")
@click.option("--name", help="A short name (default: the site's host).")
@click.option(
    "--kind",
    type=click.Choice([*KINDS, AUTO_KIND]),
    default=DEFAULT_KIND,
    show_default=True,
    help="What the URL is (`aggregator sources kinds` lists them); auto: fetch it and use the feed "
    "a page announces.",
)
@_SET
@pass_state
def sources_add(state: _State, url: str, name: str | None, kind: str, pairs: tuple[str, ...]) -> None:
    """Add a source by URL."""
    source = state.core().sources.add(url, name=name, kind=kind, settings=_settings(pairs))
    click.echo(f"added source {source.name!r} ({source.kind}) {source.url}")


@sources.command("configure")
@click.argument("name")
@click.option("--kind", type=click.Choice(list(KINDS)), help="A new kind (its settings are checked anew).")
@_SET
@click.option("--unset", "unset", multiple=True, metavar="KEY", help="Remove a setting (repeatable).")
@pass_state
def sources_configure(
    state: _State, name: str, kind: str | None, pairs: tuple[str, ...], unset: tuple[str, ...]
) -> None:
    """Change a source's kind or settings; it is crawled again at the next round."""
    sources = state.core().sources
    settings = {**sources.get(name).settings, **_settings(pairs)}
    for key in unset:
        settings.pop(key, None)
    source = sources.save(name, kind=kind, settings=settings)
    shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in source.settings.items())
    click.echo(f"source {source.name!r} ({source.kind}): {shown or 'no settings'}")


@sources.command("kinds")
def sources_kinds() -> None:
    """List the kinds of source and the settings of each."""
    for kind in KINDS.values():
        click.echo(f"{kind.name}: {kind.description}")
        for setting in kind.settings:
            default = f" (default {setting.default})" if setting.default is not None else ""
            click.echo(f"    {setting.name} ({setting.type.value}): {setting.help}{default}")
    click.echo("every kind: " + ", ".join(f"{s.name} ({s.help})" for s in COMMON_SETTINGS))


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def sources_list(state: _State, as_json: bool) -> None:
    """List sources with their health."""
    rows = state.core().sources.all()
    if as_json:
        echo_json([s.as_dict() for s in rows])
        return
    if not rows:
        click.echo("no sources yet: add one with `aggregator sources add URL`")
        return
    _stdout.print(_sources_table(rows))


def _settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--set")
        try:
            settings[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            settings[key.strip()] = value
    return settings


def _sources_table(rows: list[SourceView]) -> Table:
    table = Table(
        "name",
        "kind",
        "health",
        "items",
        "last success",
        "next check",
        "errors",
        "last error or warning",
        "url",
    )
    for s in rows:
        table.add_row(
            s.name,
            s.kind,
            s.health,
            str(s.item_count),
            s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "-",
            s.next_check_at.strftime("%Y-%m-%d %H:%M") if s.next_check_at else "now",
            str(s.error_count),
            (s.last_error or s.last_warning or "")[:80],  # the error, else what was read leniently
            s.url,
        )
    return table


@sources.command("remove")
@click.argument("name")
@pass_state
def sources_remove(state: _State, name: str) -> None:
    """Remove a source (one with reviewed items is retired, keeping them)."""
    outcome = state.core().sources.remove(name)
    detail = " (its reviewed items are kept)" if outcome == "retired" else ""
    click.echo(f"{outcome} source {name!r}{detail}")


@sources.command("enable")
@click.argument("name")
@pass_state
def sources_enable(state: _State, name: str) -> None:
    """Enable a source (a parked one too) and make it due now."""
    source = state.core().sources.set_enabled(name, True)
    click.echo(f"enabled source {source.name!r}")


@sources.command("disable")
@click.argument("name")
@pass_state
def sources_disable(state: _State, name: str) -> None:
    """Stop crawling a source, keeping it and its items."""
    source = state.core().sources.set_enabled(name, False)
    click.echo(f"disabled source {source.name!r}")


@sources.command("interval")
@click.argument("name")
@click.argument("minutes", type=click.IntRange(min=1), required=False)
@pass_state
def sources_interval(state: _State, name: str, minutes: int | None) -> None:
    """Set how often a source is crawled, in minutes (none: its kind's default)."""
    source = state.core().sources.set_interval(name, minutes * 60 if minutes else None)
    every = f"every {minutes} minutes" if minutes else "at its kind's default interval"
    click.echo(f"source {source.name!r} is crawled {every}, starting now")


@sources.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def sources_import(state: _State, path: Path) -> None:
    """Add every feed listed in an OPML file."""
    report = state.core().sources.import_opml(path.read_bytes())
    click.echo(
        f"imported {len(report.added)} sources, skipped {len(report.skipped)} already present or invalid"
    )


@sources.command("export")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@pass_state
def sources_export(state: _State, output: Path | None) -> None:
    """Write the sources as OPML 2.0."""
    data = state.core().sources.export_opml(title=f"{state.config.site_title}: sources")
    _write_bytes(data, output)
