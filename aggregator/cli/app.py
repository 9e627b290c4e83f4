"""The CLI's shared parts: the group, per-invocation state, error handling at the boundary, output."""

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
from aggregator.services.runs import OUTCOMES, RunView

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


def bounded_option(flag: str, low: int, high: int, default: int, help: str = "") -> Callable[[Any], Any]:
    """Return a ``click`` option for a whole number from ``low`` to ``high`` (a port, a concurrency)."""
    return click.option(flag, type=click.IntRange(low, high), default=default, show_default=True, help=help)


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


def _exit_on_source_errors(run: RunView) -> None:
    for line in run.sources:
        if line.warning:
            # Read leniently, but read: a warning is said, and is no failure of the crawl.
            click.echo(f"warning: {line.source}: {line.warning}", err=True)
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
                description=f"{name}: {tally.entries} entries, {tally.new} new, "
                f"{tally.fetched} fetched, {tally.errors} errors",
            )

        yield hook


def _print_run(run: RunView) -> None:
    table = Table(
        "source",
        "status",
        "entries",
        *OUTCOMES,
        "fetched",
        "errors",
        "warnings",
        title=f"crawl {run.id}: entries = {' + '.join(OUTCOMES)}",
    )
    for line in run.sources:
        table.add_row(
            line.source,
            line.status,
            str(line.entries),
            *(str(getattr(line, name)) for name in OUTCOMES),
            str(line.fetched),
            str(line.errors),
            str(line.warnings),
        )
    _stdout.print(table)


def echo_json(value: Any) -> None:
    """Print ``value`` as the CLI's --json output: indented, non-ASCII as it is."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _report_nothing_crawled(*, as_json: bool, due: bool, names: tuple[str, ...], busy: list[str]) -> None:
    """Say that no crawl ran; exit 1 when a source asked for by name was busy in another crawl."""
    if as_json:
        click.echo(json.dumps({"run": None, "sources": [], "busy": busy}))
    else:
        click.echo("nothing to crawl: no source is due" if due else "nothing to crawl")
    if names and busy:
        sys.exit(1)


def _report_run(run: RunView, *, as_json: bool, busy: list[str]) -> None:
    """Print a finished run: its summary, or as JSON with the sources another crawl held."""
    if as_json:
        echo_json({**_run_dict(run), "busy": busy})
    else:
        _print_run(run)


def _run_dict(run: RunView) -> dict[str, Any]:
    return {
        "run": run.id,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "sources": [line.as_dict() for line in run.sources],
    }


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
