"""CLI: checking that published entries' links still work, and what curators do about those that do not."""

from __future__ import annotations

import click

from aggregator.cli.app import _State, echo_json, main, pass_state
from aggregator.services.links import FLAGGED, STATES, LinkView


@main.group()
def links() -> None:
    """Check published links; list moved and gone ones; fix, replace or archive them."""


@links.command("check")
@click.option("--due", is_flag=True, help="Only links not checked within AGGREGATOR_LINK_CHECK_DAYS.")
@pass_state
def links_check(state: _State, due: bool) -> None:
    """Ask every published entry's link politely and record what it answered (nothing is unpublished)."""
    from aggregator.crawl.linkcheck import check_links

    core = state.core()
    summary = check_links(core, due_only=due)
    counts = ", ".join(f"{name} {count}" for name, count in summary.states.items()) or "nothing to check"
    click.echo(f"checked {summary.checked} published links: {counts}")
    for view in core.links.list(FLAGGED):
        click.echo(_line(view))


@links.command("list")
@click.option("--state", "states", multiple=True, type=click.Choice(STATES), help="Default: moved and gone.")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def links_list(state: _State, states: tuple[str, ...], as_json: bool) -> None:
    """List published entries whose link moved or is gone (or is in the given states)."""
    views = state.core().links.list(states or FLAGGED)
    if as_json:
        echo_json([v.as_dict() for v in views])
        return
    for view in views:
        click.echo(_line(view))


@links.command("fix")
@click.argument("item_id", type=int)
@pass_state
def links_fix(state: _State, item_id: int) -> None:
    """Make a moved entry link the address it now redirects to."""
    view = state.core().links.use_new_address(item_id, actor=state.user)
    click.echo(f"#{view.item_id} now links {view.url}")


@links.command("replace")
@click.argument("item_id", type=int)
@click.argument("url")
@pass_state
def links_replace(state: _State, item_id: int, url: str) -> None:
    """Make the entry link URL instead (another copy of the article, say)."""
    view = state.core().links.replace(item_id, url, actor=state.user)
    click.echo(f"#{view.item_id} now links {view.url}")


@links.command("archive")
@click.argument("item_id", type=int)
@click.argument("url", required=False)
@pass_state
def links_archive(state: _State, item_id: int, url: str | None) -> None:
    """Record URL as an archived copy of the entry's page; published entries then link it (none: forget)."""
    view = state.core().links.archive(item_id, url, actor=state.user)
    click.echo(f"#{view.item_id} archived copy: {view.archived_url or 'none'}")


def _line(view: LinkView) -> str:
    answer = f"HTTP {view.http_status}" if view.http_status else (view.error or "no answer")
    where = f" -> {view.final_url}" if view.state == "moved" else ""
    archived = f" (archived copy: {view.archived_url})" if view.archived_url else ""
    return f"{view.state}\t#{view.item_id}\t{answer}\t{view.url}{where}{archived}\t{view.title}"
