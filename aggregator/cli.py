"""The command line: click commands over the services; errors become one line and a non-zero exit here."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.errors import AggregatorError
from aggregator.export import WRITERS
from aggregator.items import ItemView
from aggregator.models import ITEM_STATUSES
from aggregator.runs import RunView
from aggregator.sources import SOURCE_KINDS, SourceView

# Piped output (CI logs, `| less`) gets a wide table instead of rich's 80-column default.
_stdout = Console(width=None if sys.stdout.isatty() else 160)
_stderr = Console(stderr=True, soft_wrap=True)


class _Group(click.Group):
    """Turns the errors users can cause into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own usage errors and exits speak for themselves
        except AggregatorError as exc:
            _fail(str(exc))
        except SQLAlchemyError as exc:
            _fail(f"database error: {str(exc.orig if hasattr(exc, 'orig') else exc).splitlines()[0]}")
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
        except Exception as exc:
            # A bug still deserves one readable line; the traceback is one variable away.
            if os.environ.get("AGGREGATOR_DEBUG"):
                raise
            _fail(f"unexpected {type(exc).__name__}: {exc} (set AGGREGATOR_DEBUG=1 for the traceback)")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


class _State:
    """The per-invocation context: config now, the core on first use."""

    def __init__(self, config: Config, user: str) -> None:
        self.config = config
        self.user = user
        self._core: Aggregator | None = None

    def core(self, *, require_schema: bool = True) -> Aggregator:
        if self._core is None:
            self._core = Aggregator(self.config)
        if require_schema:
            self._core.db.require_schema()
        return self._core

    def close(self) -> None:
        if self._core is not None:
            self._core.close()


pass_state = click.make_pass_decorator(_State)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--user", "user", help="Who is acting, for the audit trail (default: your login name).")
@click.version_option(package_name="aggregator")
@click.pass_context
def main(ctx: click.Context, user: str | None) -> None:
    """Harvest articles from trusted sources, review them, publish the curated feed."""
    config = Config.from_env()
    ctx.obj = _State(config, user or os.environ.get("AGGREGATOR_USER") or _login_name())
    ctx.call_on_close(ctx.obj.close)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


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
    from aggregator.defaults import add_defaults

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
        added = add_defaults(core)
        click.echo(f"added {', '.join(added)}" if added else "the defaults are there already")


# --- sources -----------------------------------------------------------------------------------


@main.group()
def sources() -> None:
    """Add, list, remove, import and export sources."""


@sources.command("add")
@click.argument("url")
@click.option("--name", help="A short name (default: the site's host).")
@click.option(
    "--kind",
    type=click.Choice(SOURCE_KINDS),
    default="feed",
    show_default=True,
    help="feed (RSS/Atom/JSON Feed), guardian (Content API), wordpress, listing, sitemap, newsletter.",
)
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A setting of the source (repeatable), e.g. --set links='h3 a' --set max_pages=2.",
)
@pass_state
def sources_add(state: _State, url: str, name: str | None, kind: str, pairs: tuple[str, ...]) -> None:
    """Add a source by URL."""
    source = state.core().sources.add(url, name=name, kind=kind, settings=_settings(pairs))
    click.echo(f"added source {source.name!r} ({source.kind}) {source.url}")


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_state
def sources_list(state: _State, as_json: bool) -> None:
    """List sources with their health."""
    rows = state.core().sources.all()
    if as_json:
        click.echo(json.dumps([s.as_dict() for s in rows], indent=2, ensure_ascii=False))
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
        "name", "kind", "health", "items", "last success", "next check", "errors", "last error", "url"
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
            (s.last_error or "")[:80],
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


# --- crawl -------------------------------------------------------------------------------------


@main.command()
@click.option("--source", "names", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--due", is_flag=True, help="Crawl only the sources whose next check has come (for cron).")
@click.option("--trigger", default="cli", hidden=True, help="Who started the crawl, for the run record.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_state
def crawl(state: _State, names: tuple[str, ...], due: bool, trigger: str, as_json: bool) -> None:
    """Crawl sources and store what is new; exits 1 if any source reported an error."""
    from aggregator.crawl import crawl as run_crawl

    if due and names:
        raise click.UsageError("--due and --source do not go together")
    core = state.core()
    with _progress(enabled=not as_json) as hook:
        outcome = run_crawl(core, names=names, due_only=due, trigger=trigger, progress=hook)
    for name in outcome.busy:
        click.echo(f"warning: {name}: skipped, another crawl is running it", err=True)
    run = outcome.run
    if run is None:
        if as_json:
            click.echo(json.dumps({"run": None, "sources": [], "busy": outcome.busy}))
        else:
            click.echo("nothing to crawl: no source is due" if due else "nothing to crawl")
        if names and outcome.busy:
            sys.exit(1)
        return
    if as_json:
        click.echo(json.dumps({**_run_dict(run), "busy": outcome.busy}, indent=2, ensure_ascii=False))
    else:
        _print_run(run)
    _exit_on_source_errors(run)


@main.command()
@click.option(
    "--tick", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds between checks."
)
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds a running round is given to stop on SIGTERM before it is killed.",
)
@pass_state
def schedule(state: _State, tick: float, grace: float) -> None:
    """Run forever, crawling every source when it is due; SIGTERM or Ctrl-C stops it cleanly."""
    from aggregator.scheduler import Scheduler

    scheduler = Scheduler(state.core(), tick=tick, grace=grace, echo=lambda line: click.echo(line, err=True))
    scheduler.install_signal_handlers()
    sys.exit(scheduler.run())


def _exit_on_source_errors(run: RunView) -> None:
    for line in run.failed_sources:
        click.echo(f"error: {line.source}: {line.error}", err=True)
    if run.failed_sources:
        sys.exit(1)


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[str, Any], None] | None]:
    if not enabled or not _stderr.is_terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=_stderr, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def hook(name: str, tally: Any) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=None)
            bar.update(
                tasks[name],
                description=f"{name}: {tally.fetched} fetched, {tally.new} new, "
                f"{tally.duplicates} duplicates, {tally.errors} errors",
            )

        yield hook


def _print_run(run: RunView) -> None:
    table = Table(
        "source", "status", "entries", "fetched", "new", "duplicates", "errors", title=f"crawl {run.id}"
    )
    for line in run.sources:
        table.add_row(
            line.source,
            line.status,
            str(line.entries),
            str(line.fetched),
            str(line.new),
            str(line.duplicates),
            str(line.errors),
        )
    _stdout.print(table)


def _run_dict(run: RunView) -> dict[str, Any]:
    return {
        "run": run.id,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "sources": [line.as_dict() for line in run.sources],
    }


# --- items -------------------------------------------------------------------------------------


@main.group()
def items() -> None:
    """List and review harvested items."""


@items.command("list")
@click.option("--status", type=click.Choice(ITEM_STATUSES), help="Only items with this status.")
@click.option("--source", help="Only items from this source.")
@click.option("--topic", help="Only items relevant to (or assigned to) this topic.")
@click.option("--sort", type=click.Choice(["newest", "relevance"]), default="newest", show_default=True)
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
    """List items, newest (or, for a topic, most relevant) first; syndicated copies are left out."""
    rows = state.core().items.query(
        status=status, source=source, topic=topic, sort=sort, limit=limit, offset=offset
    )
    if as_json:
        click.echo(json.dumps([i.as_dict() for i in rows], indent=2, ensure_ascii=False))
        return
    table = Table("id", "status", "kind", "published", "source", "title", "topics")
    for i in rows:
        table.add_row(
            str(i.id),
            i.status,
            i.kind,
            i.published_at.strftime("%Y-%m-%d") if i.published_at else "-",
            i.source_name,
            i.title,
            ", ".join(f"{s.slug} {s.score:.2f}" for s in i.scores),
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
        data = item.as_dict()
        data["events"] = [
            {"actor": e.actor, "action": e.action, "detail": e.detail, "at": e.at.isoformat()}
            for e in item.events
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _print_item(item)


def _print_item(item: ItemView) -> None:
    click.echo(f"#{item.id} [{item.status}] {item.title}")
    click.echo(f"  {item.source_name} · {item.published_at or 'undated'} · {item.author or 'no author'}")
    click.echo(f"  {item.url}")
    if item.excerpt:
        click.echo(f"  excerpt: {item.excerpt}")
    if item.topics:
        click.echo(f"  topics: {', '.join(item.topics)}")
    click.echo(f"\n{item.summary}\n")
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


@items.command("reject")
@click.argument("item_id", type=int)
@click.option("--reason", help="Why, for the audit trail.")
@pass_state
def items_reject(state: _State, item_id: int, reason: str | None) -> None:
    """Reject an item; it is never proposed again."""
    item = state.core().items.reject(item_id, actor=state.user, reason=reason)
    click.echo(f"rejected #{item.id}: {item.title}")


@items.command("edit")
@click.argument("item_id", type=int)
@click.option("--title")
@click.option("--excerpt")
@click.option("--note", help="The curator's note.")
@pass_state
def items_edit(state: _State, item_id: int, title: str | None, excerpt: str | None, note: str | None) -> None:
    """Edit an item's title, excerpt or note."""
    item = state.core().items.edit(item_id, actor=state.user, title=title, excerpt=excerpt, note=note)
    click.echo(f"edited #{item.id}: {item.title}")


# --- topics ------------------------------------------------------------------------------------


@main.group()
def topics() -> None:
    """Create and list topics."""


@topics.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="The topic's title, as the page shows it.")
@click.option("--intro", default="", help="The text that opens the topic page.")
@click.option("--include", multiple=True, help="A term that makes an item relevant (repeatable, or commas).")
@click.option("--exclude", multiple=True, help="A term that rules an item out (repeatable, or commas).")
@pass_state
def topics_add(
    state: _State, slug: str, name: str, intro: str, include: tuple[str, ...], exclude: tuple[str, ...]
) -> None:
    """Create a topic."""
    core = state.core()
    topic = core.topics.add(slug, name=name, intro=intro, include=include, exclude=exclude)
    matched = core.topics.rescore(topic.slug)
    click.echo(f"added topic {topic.slug!r}: {topic.name}; {matched} unreviewed items match it")


@topics.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def topics_list(state: _State, as_json: bool) -> None:
    """List topics."""
    rows = state.core().topics.all()
    if as_json:
        click.echo(json.dumps([t.as_dict() for t in rows], indent=2, ensure_ascii=False))
        return
    for t in rows:
        click.echo(f"{t.slug}\t{t.name}\tinclude: {', '.join(t.include_terms) or '-'}")


# --- export ------------------------------------------------------------------------------------


@main.command()
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), default="atom", show_default=True)
@click.option("--topic", help="Only entries of this topic.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)."
)
@pass_state
def export(state: _State, fmt: str, topic: str | None, output: Path | None) -> None:
    """Export the approved entries."""
    from aggregator.publish import export as run_export

    core = state.core()
    if output is None:
        count = run_export(core, fmt, sys.stdout.buffer, topic=topic)
        sys.stdout.buffer.flush()
    else:
        with _atomic(output) as out:
            count = run_export(core, fmt, out, topic=topic)
        click.echo(f"wrote {count} entries to {output}", err=True)


@contextmanager
def _atomic(path: Path) -> Iterator[BinaryIO]:
    """Write to a temporary file beside ``path`` and move it into place only when complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("wb") as out:
            yield out
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        with _atomic(output) as out:
            out.write(data)


# --- demo --------------------------------------------------------------------------------------


@main.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8765,
    show_default=True,
    help="Port for the recorded sources on 127.0.0.1 (fixed, so a re-run recognises what it stored).",
)
@click.option("--serve-only", is_flag=True, help="Serve the recorded sources until interrupted; no crawl.")
@pass_state
def demo(state: _State, port: int, serve_only: bool) -> None:
    """Serve recorded pages of the default sources on 127.0.0.1 and crawl them into the database."""
    from aggregator.crawl import crawl as run_crawl
    from aggregator.defaults import add_example_topic
    from aggregator.demo.replay import ReplayServer
    from aggregator.demo.run import DEMO_GUARDIAN_KEY, point_sources_at

    # The recorded sites live on 127.0.0.1, which the address guard refuses unless told otherwise.
    state.config = state.config.with_overrides(
        allow_private_networks=True,
        download_delay=0.0,
        guardian_api_key=state.config.guardian_api_key or DEMO_GUARDIAN_KEY,
        guardian_api_delay=min(state.config.guardian_api_delay, 0.2),
    )
    core = state.core(require_schema=False)
    core.init_db()
    add_example_topic(core)
    server = ReplayServer(port=port).start()
    try:
        names = point_sources_at(core, server)
        click.echo(f"serving recorded pages of {', '.join(server.hosts)} at {server.base}/")
        if serve_only:
            click.echo("press Ctrl-C to stop")
            server.wait()
            return
        with _progress(enabled=True) as hook:
            run = run_crawl(core, names=names, trigger="demo", progress=hook).run
    finally:
        server.stop()
    if run is None:
        raise AggregatorError("another crawl is running the demo sources; try again when it ends")
    _print_run(run)
    counts = core.items.count_by_kind()
    plural = {"article": "articles", "newsletter": "newsletter issues", "story": "newsletter stories"}
    stored = ", ".join(f"{n} {plural.get(kind, kind)}" for kind, n in sorted(counts.items()))
    click.echo(
        f"\nStored in {core.db.safe_url}: {stored}.\n"
        "  list them:        aggregator items list\n"
        "  read one:         aggregator items show ID\n"
        "  approve one:      aggregator items approve ID --excerpt '...'\n"
        "  publish as Atom:  aggregator export --format atom --output curated.atom"
    )
    _exit_on_source_errors(run)
