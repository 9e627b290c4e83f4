"""CLI: the curator app (``aggregator serve``) and its accounts (``aggregator users``)."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from aggregator.cli.app import _State, _stdout, bounded_option, main, pass_state
from aggregator.services.users import ROLES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@bounded_option("--port", 1, 65535, DEFAULT_PORT)
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


@users.command("sessions")
@click.argument("name", required=False)
@pass_state
def users_sessions(state: _State, name: str | None) -> None:
    """List the live login sessions (of one user), newest first."""
    table = Table("session", "user", "started", "last seen", "expires", "address", "browser")
    for s in state.core().sessions.all(user=name):
        table.add_row(
            s.id,
            s.user,
            s.created_at.strftime("%Y-%m-%d %H:%M"),
            s.last_seen_at.strftime("%Y-%m-%d %H:%M"),
            s.expires_at.strftime("%Y-%m-%d %H:%M"),
            s.address,
            s.user_agent[:40],
        )
    _stdout.print(table)


@users.command("revoke")
@click.argument("session", required=False)
@click.option("--all-of", "user", help="End every session of this user instead.")
@pass_state
def users_revoke(state: _State, session: str | None, user: str | None) -> None:
    """End a login session (by the start of its id, as `users sessions` shows it), or all of a user's."""
    core = state.core()
    if (session is None) == (user is None):
        raise click.UsageError("give a session id or --all-of NAME")
    if user is not None:
        found = next((u for u in core.users.all() if u.name == user), None)
        if found is None:
            raise click.UsageError(f"no user {user!r}")
        click.echo(f"ended {core.sessions.end_all(found.id)} sessions of {user}")
        return
    ended = core.sessions.revoke(str(session))
    click.echo(f"ended session {ended.id} of {ended.user}")


@users.command("token")
@click.argument("name")
@click.option("--note", default="", help="What the token is for (shown when tokens are listed).")
@pass_state
def users_token(state: _State, name: str, note: str) -> None:
    """Make an API token for a user and print it (only this once): scripts send it as
    `Authorization: Bearer <token>` and act with the user's role, on the API only."""
    made, value = state.core().tokens.issue(name, note=note)
    click.echo(value)
    click.echo(f"token {made.id} of {made.user}: keep it now, it is not shown again", err=True)


@users.command("tokens")
@click.argument("name", required=False)
@pass_state
def users_tokens(state: _State, name: str | None) -> None:
    """List the API tokens (of one user), newest first, without their values."""
    table = Table("token", "user", "note", "made", "last used", "revoked")
    for t in state.core().tokens.all(user=name):
        table.add_row(
            str(t.id),
            t.user,
            t.note,
            t.created_at.strftime("%Y-%m-%d %H:%M"),
            t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "-",
            t.revoked_at.strftime("%Y-%m-%d %H:%M") if t.revoked_at else "-",
        )
    _stdout.print(table)


@users.command("revoke-token")
@click.argument("token_id", type=int)
@pass_state
def users_revoke_token(state: _State, token_id: int) -> None:
    """Revoke an API token (by the number `users tokens` shows): it is refused from now on."""
    revoked = state.core().tokens.revoke(token_id)
    click.echo(f"revoked token {revoked.id} of {revoked.user}")
