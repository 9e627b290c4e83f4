"""CLI: reviewing items, and exporting the curated entries."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.table import Table

from aggregator.cli.app import (
    _atomic,
    _State,
    _stdout,
    echo_json,
    main,
    pass_state,
)
from aggregator.enums import ItemStatus
from aggregator.models import ITEM_STATUSES
from aggregator.publish.formats import FORMATS
from aggregator.services.items import ItemView
from aggregator.services.queue import LEARNED, SORTS
from aggregator.services.review import EDITABLE_KINDS

# --- items -------------------------------------------------------------------------------------


@main.group()
def items() -> None:
    """List and review harvested items."""


@items.command("list")
@click.option("--status", type=click.Choice(ITEM_STATUSES), help="Only items with this status.")
@click.option("--source", help="Only items from this source.")
@click.option("--topic", help="Only items relevant to (or assigned to) this topic.")
@click.option("--sort", type=click.Choice(SORTS), default="newest", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with the extracted text).")
@pass_state
def items_list(
    state: _State,
    status: str | None,
    source: str | None,
    topic: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List items, newest first, or: relevance (a topic's rules or a search), likely (learned from the
    decisions, most likely first; with a topic, every item, matched or not), uncertain (least certain
    first, to teach the model fastest); these two list new items unless --status says otherwise.
    Syndicated copies are left out."""
    if status is None and sort in LEARNED:
        status = ItemStatus.NEW
    rows = state.core().items.query(
        status=status, source=source, topic=topic, sort=sort, limit=limit, offset=offset
    )
    if as_json:
        echo_json([i.as_dict(with_folds=True) for i in rows])
        return
    learned = any(i.why for i in rows)
    last_column = "likely, why" if learned else "topics"
    table = Table("id", "status", "kind", "published", "source", "title", last_column)
    for i in rows:
        also = f" (also in {', '.join(c.source_name for c in i.copies)})" if i.copies else ""
        if i.why is not None:
            why = f"{i.why.percent} {i.why.topic}; + {', '.join(i.why.raised) or '-'}"
            last = why + (f"; - {', '.join(i.why.lowered)}" if i.why.lowered else "")
        else:
            last = ", ".join(f"{s.slug} {s.score:.2f}" for s in i.scores)
        table.add_row(
            str(i.id),
            i.status,
            i.kind,
            i.published_at.strftime("%Y-%m-%d") if i.published_at else "-",
            i.source_name,
            i.title + also,
            last,
        )
    _stdout.print(table)


@items.command("show")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def items_show(state: _State, item_id: int, as_json: bool) -> None:
    """Show one item, its text and its audit trail."""
    item = state.core().items.get(item_id)
    if as_json:
        data = item.as_dict(with_folds=True)
        data["events"] = [
            {"actor": e.actor, "action": e.action, "detail": e.detail, "at": e.at.isoformat()}
            for e in item.events
        ]
        echo_json(data)
        return
    _print_item(item)


def _print_item(item: ItemView) -> None:
    click.echo(f"#{item.id} [{item.status}] {item.title}")
    click.echo(f"  {item.source_name} · {item.published_at or 'undated'} · {item.author or 'no author'}")
    click.echo(f"  {item.url}")
    if item.original:
        click.echo(f"  copy of #{item.original.id} ({item.original.source_name}): {item.original.title}")
        click.echo(f"  (`aggregator items unfold {item.id}` if it is another story)")
    for copy in item.copies:
        click.echo(f"  also in #{copy.id} ({copy.source_name}): {copy.url}")
    if item.pair:
        other = item.pair
        click.echo(
            f"  {other.language or 'other-language'} version #{other.id} ({other.status}): {other.url}"
        )
    if item.excerpt:
        click.echo(f"  excerpt: {item.excerpt}")
    if item.topics:
        click.echo(f"  topics: {', '.join(item.topics)}")
    if item.publisher or item.entry_word:
        click.echo(f"  heading: {item.publisher or '(publisher by the rule)'} {item.entry_word or item.kind}")
    if item.issue_intro:
        click.echo(f"  intro: {item.issue_intro}")
    for n, bullet in enumerate(item.bullets, start=1):
        hidden = " (hidden)" if bullet.get("hidden") else ""
        click.echo(
            f"  {n}.{hidden} {bullet.get('title', '')} | {bullet.get('text', '')} -> {bullet.get('url', '')}"
        )
    click.echo(f"\n{item.text or item.summary}\n")
    for event in item.events:
        click.echo(f"  {event.at:%Y-%m-%d %H:%M} {event.actor} {event.action} {json.dumps(event.detail)}")


@items.command("approve")
@click.argument("item_id", type=int)
@click.option("--excerpt", help="The excerpt to publish with it.")
@click.option("--topic", "topics", multiple=True, help="Assign to this topic (repeatable).")
@pass_state
def items_approve(state: _State, item_id: int, excerpt: str | None, topics: tuple[str, ...]) -> None:
    """Approve an item for publication."""
    item = state.core().items.approve(item_id, actor=state.user, excerpt=excerpt, topics=topics)
    click.echo(f"approved #{item.id}: {item.title}")
    other = item.pair
    if other is not None and other.status == "new":
        # Approving one version offers the other: it is the same piece for readers of the other language.
        click.echo(
            f"its {other.language or 'other-language'} version #{other.id} is still new: {other.title}\n"
            f"  approve it too: aggregator items approve {other.id}"
        )


@items.command("reject")
@click.argument("item_id", type=int)
@click.option("--reason", help="Why, for the audit trail.")
@pass_state
def items_reject(state: _State, item_id: int, reason: str | None) -> None:
    """Reject an item; it is never proposed again."""
    item = state.core().items.reject(item_id, actor=state.user, reason=reason)
    click.echo(f"rejected #{item.id}: {item.title}")


@items.command("unfold")
@click.argument("item_id", type=int)
@pass_state
def items_unfold(state: _State, item_id: int) -> None:
    """Make a syndicated copy an item of its own, back in the queue (it was another story)."""
    before = state.core().items.get(item_id)
    item = state.core().items.unfold(item_id, actor=state.user)
    click.echo(f"unfolded #{item.id} from #{before.duplicate_of_id}: {item.title}")


@items.command("pair")
@click.argument("item_id", type=int)
@click.argument("other_id", type=int)
@pass_state
def items_pair(state: _State, item_id: int, other_id: int) -> None:
    """Link ITEM_ID and OTHER_ID as one piece in two languages (an English item and its Welsh version)."""
    item = state.core().items.pair(item_id, other_id, actor=state.user)
    other = item.pair.language if item.pair else None
    click.echo(f"paired #{item.id} ({item.language or '?'}) with #{other_id} ({other or '?'})")


@items.command("unpair")
@click.argument("item_id", type=int)
@pass_state
def items_unpair(state: _State, item_id: int) -> None:
    """Undo the pair of ITEM_ID with its other-language version."""
    before = state.core().items.get(item_id)
    item = state.core().items.unpair(item_id, actor=state.user)
    click.echo(f"unpaired #{item.id} from #{before.pair_id}")


@items.command("edit")
@click.argument("item_id", type=int)
@click.option("--title")
@click.option("--excerpt")
@click.option("--note", help="The curator's note (small Markdown: links, emphasis, paragraphs).")
@click.option("--publisher", help='Who wrote it, as headings name it ("" gives it back to the rule).')
@click.option("--kind", type=click.Choice(EDITABLE_KINDS), help="What its heading calls it.")
@pass_state
def items_edit(
    state: _State,
    item_id: int,
    title: str | None,
    excerpt: str | None,
    note: str | None,
    publisher: str | None,
    kind: str | None,
) -> None:
    """Edit an item's title, excerpt, note, publisher or kind."""
    item = state.core().items.edit(
        item_id,
        actor=state.user,
        title=title,
        excerpt=excerpt,
        note=note,
        publisher=publisher,
        kind=kind,
    )
    click.echo(f"edited #{item.id}: {item.title}")


@items.command("bullets")
@click.argument("issue_id", type=int)
@click.option("--hide", "hide", type=int, multiple=True, help="Hide the bullet at this place (from 1).")
@click.option("--show", "show", type=int, multiple=True, help="Show a hidden bullet again.")
@pass_state
def items_bullets(state: _State, issue_id: int, hide: tuple[int, ...], show: tuple[int, ...]) -> None:
    """List a newsletter issue's bullets; hide or show some on its published entry."""
    core = state.core()
    for position in hide:
        core.items.hide_bullet(issue_id, position, actor=state.user, hidden=True)
    for position in show:
        core.items.hide_bullet(issue_id, position, actor=state.user, hidden=False)
    for n, bullet in enumerate(core.items.get(issue_id).bullets, start=1):
        mark = "hidden" if bullet.get("hidden") else "shown"
        click.echo(f"{n}\t{mark}\t{bullet.get('title') or bullet.get('text', '')}")


# --- export ------------------------------------------------------------------------------------


@main.command()
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="atom", show_default=True)
@click.option("--topic", help="Only entries of this topic (required for wxr).")
@click.option("--status", type=click.Choice(ITEM_STATUSES), help="csv / jsonl: only items with this status.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    help="Only entries published (or, undated, first seen) on or after this UTC date.",
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="File (default: stdout); a folder for site."
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="site: a folder of templates replacing the default ones (or AGGREGATOR_TEMPLATES_DIR).",
)
@pass_state
def export(
    state: _State,
    fmt: str,
    topic: str | None,
    status: str | None,
    since: dt.datetime | None,
    output: Path | None,
    templates: Path | None,
) -> None:
    """Export the approved entries (csv / jsonl: every item), the sources (opml), or the site."""
    from aggregator.publish import service as publish

    core = state.core()
    if fmt == "site":
        if output is None:
            raise click.UsageError("the site export needs --output DIR")
        if topic or status or since:
            raise click.UsageError(
                "the site export writes every topic: --topic, --status, --since do not apply"
            )
        files = publish.export_site(core, output, templates=templates)
        click.echo(f"wrote {len(files)} files to {output}", err=True)
        return
    if templates is not None:
        raise click.UsageError("--templates applies to the site export only")
    when = since.replace(tzinfo=dt.UTC) if since else None
    if output is None:
        count = publish.export(core, fmt, sys.stdout.buffer, topic=topic, status=status, since=when)
        sys.stdout.buffer.flush()
        return
    if output.is_dir():
        raise click.UsageError(f"{output} is a folder; --output takes a file for {fmt}")
    with _atomic(output) as out:
        count = publish.export(core, fmt, out, topic=topic, status=status, since=when)
    noun = "sources" if fmt == "opml" else "entries"
    click.echo(f"wrote {count} {noun} to {output}", err=True)
