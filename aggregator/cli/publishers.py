"""CLI: the publishers table, which names who wrote an item apart from the source it came through."""

from __future__ import annotations

import click

from aggregator.cli.app import _State, echo_json, main, pass_state


@main.group()
def publishers() -> None:
    """List and add the publishers entry headings name ("Institute of Welsh Affairs")."""


@publishers.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def publishers_list(state: _State, as_json: bool) -> None:
    """List publishers by host."""
    rows = state.core().publishers.all()
    if as_json:
        echo_json([p.as_dict() for p in rows])
        return
    for p in rows:
        click.echo(f"{p.host}\t{p.name}" + (f"\t{p.suffix}" if p.suffix else ""))


@publishers.command("add")
@click.argument("host")
@click.option("--name", required=True, help="How headings name it.")
@click.option("--suffix", default="", help='Printed after the entry\'s kind: "(Click on Wales)".')
@pass_state
def publishers_add(state: _State, host: str, name: str, suffix: str) -> None:
    """Say who publishes the pages of HOST (a host name or any URL on it); changes it if known."""
    found = state.core().publishers.put(host, name=name, suffix=suffix)
    click.echo(f"{found.host}: {found.name}" + (f" {found.suffix}" if found.suffix else ""))


@publishers.command("remove")
@click.argument("host")
@pass_state
def publishers_remove(state: _State, host: str) -> None:
    """Forget the publisher of HOST."""
    state.core().publishers.remove(host)
    click.echo(f"removed {host}")
