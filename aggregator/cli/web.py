"""CLI: the curator app (``aggregator serve``) and its accounts (``aggregator users``)."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from aggregator.cli.app import _State, _stdout, main, pass_state
from aggregator.services.users import ROLES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True)
@pass_state
def serve(state: _State, host: str, port: int) -> None:
    """Run the curator app (review queue, item pages, topics, sources, JSON API)."""
    # Imported here: uvicorn and the app are this command's alone, not every command's start-up.
    from aggregator.web.server import ensure_free, run_app

    core = state.core()
    if not core.users.all():
        click.echo("warning: no users yet: add one with `aggregator users add NAME --role admin`", err=True)
    ensure_free(host, port)
    click.echo(f"curator app at http://{host}:{port}/ (Ctrl-C to stop)")
    run_app(core, host, port)


@main.group()
def users() -> None:
    """Accounts of the curator app: admin (everything), curator (review, topics), viewer (read)."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@pass_state
def users_add(state: _State, name: str, role: str, password_stdin: bool) -> None:
    """Add a user; the password is asked for (twice), or read from stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    user = state.core().users.add(name, role=role, password=password)
    click.echo(f"added {user.name} ({user.role})")


@users.command("list")
@pass_state
def users_list(state: _State) -> None:
    """List the users and their roles."""
    table = Table("name", "role", "created")
    for user in state.core().users.all():
        table.add_row(user.name, user.role, user.created_at.strftime("%Y-%m-%d %H:%M"))
    _stdout.print(table)


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@pass_state
def users_role(state: _State, name: str, role: str) -> None:
    """Change a user's role."""
    user = state.core().users.set_role(name, role)
    click.echo(f"{user.name} is now {user.role}")


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of stdin.")
@pass_state
def users_password(state: _State, name: str, password_stdin: bool) -> None:
    """Set a user's password."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("new password", hide_input=True, confirmation_prompt=True)
    state.core().users.set_password(name, password)
    click.echo(f"password of {name} changed")
