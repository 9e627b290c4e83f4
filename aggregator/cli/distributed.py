"""CLI: crawl workers, and seeding a round into the shared queue (``crawl --distributed``)."""

from __future__ import annotations

import json
import sys
import time

import click

from aggregator.cli.app import (
    _exit_on_source_errors,
    _report_nothing_crawled,
    _report_run,
    _State,
    bounded_option,
    main,
    pass_state,
)
from aggregator.enums import RunStatus

WAIT_POLL_SECONDS = 0.5


@main.command()
@bounded_option(
    "--concurrency", 1, 512, 16, "Downloads this worker runs at once (each host's limit holds for all)."
)
@pass_state
def worker(state: _State, concurrency: int) -> None:
    """Crawl from the shared Redis queue into the database until SIGTERM or Ctrl-C (run any number)."""
    from aggregator.crawl.distributed.worker import run_worker

    sys.exit(run_worker(state.core(), concurrency=concurrency, echo=lambda line: click.echo(line, err=True)))


def seed(
    state: _State, *, names: tuple[str, ...], due: bool, trigger: str, as_json: bool, wait: bool
) -> None:
    """Seed a round of the chosen sources into the shared queue; with ``wait``, print its summary."""
    from aggregator.crawl.distributed.rounds import rounds_for

    core = state.core()
    rounds = rounds_for(core)
    outcome = rounds.seed(names=names, due_only=due, trigger=trigger)
    for name in outcome.busy:
        click.echo(f"warning: {name}: skipped, another crawl or round is running it", err=True)
    if outcome.run_id is None:
        _report_nothing_crawled(as_json=as_json, due=due, names=names, busy=outcome.busy)
        return
    if not wait:
        if as_json:
            click.echo(json.dumps({"run": outcome.run_id, "seeded": outcome.seeded, "busy": outcome.busy}))
        else:
            click.echo(f"round {outcome.run_id}: seeded {len(outcome.seeded)} sources for the workers")
        return
    while rounds.is_open(outcome.run_id):
        # A round that lost work (a killed worker) never completes: it ends failed when its lease does.
        rounds.close_lapsed()
        time.sleep(WAIT_POLL_SECONDS)
    run = core.runs.get(outcome.run_id)
    _report_run(run, as_json=as_json, busy=outcome.busy)
    _exit_on_source_errors(run)
    if run.status != RunStatus.FINISHED:
        click.echo(f"error: round {run.id} did not complete before its lease ran out", err=True)
        sys.exit(1)
