"""CLI: crawling, the scheduler and the offline demo."""

from __future__ import annotations

import sys

import click

from aggregator.cli.app import (
    _exit_on_source_errors,
    _print_run,
    _progress,
    _report_nothing_crawled,
    _report_run,
    _State,
    bounded_option,
    main,
    pass_state,
)
from aggregator.errors import AggregatorError

# --- crawl -------------------------------------------------------------------------------------


@main.command()
@click.option("--source", "names", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--due", is_flag=True, help="Crawl only the sources whose next check has come (for cron).")
@click.option("--trigger", default="cli", hidden=True, help="Who started the crawl, for the run record.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--distributed",
    is_flag=True,
    help="Seed the sources into the shared Redis queue for `aggregator worker`.",
)
@click.option("--wait", is_flag=True, help="With --distributed: wait for the round and print its summary.")
@pass_state
def crawl(
    state: _State,
    names: tuple[str, ...],
    due: bool,
    trigger: str,
    as_json: bool,
    distributed: bool,
    wait: bool,
) -> None:
    """Crawl sources and store what is new; exits 1 if any source reported an error."""
    from aggregator.crawl.run import crawl as run_crawl

    if due and names:
        raise click.UsageError("--due and --source do not go together")
    if wait and not distributed:
        raise click.UsageError("--wait goes with --distributed")
    if distributed:
        from aggregator.cli.distributed import seed

        seed(state, names=names, due=due, trigger=trigger, as_json=as_json, wait=wait)
        return
    core = state.core()
    with _progress(enabled=not as_json) as hook:
        outcome = run_crawl(core, names=names, due_only=due, trigger=trigger, progress=hook)
    for name in outcome.busy:
        click.echo(f"warning: {name}: skipped, another crawl is running it", err=True)
    run = outcome.run
    if run is None:
        _report_nothing_crawled(as_json=as_json, due=due, names=names, busy=outcome.busy)
        return
    _report_run(run, as_json=as_json, busy=outcome.busy)
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
    from aggregator.crawl.scheduler import Scheduler

    scheduler = Scheduler(state.core(), tick=tick, grace=grace, echo=lambda line: click.echo(line, err=True))
    scheduler.install_signal_handlers()
    sys.exit(scheduler.run())


# --- demo --------------------------------------------------------------------------------------


@main.command()
@bounded_option(
    "--port",
    1,
    65535,
    8765,
    "Port for the recorded sources on 127.0.0.1 (fixed, so a re-run recognises what it stored).",
)
@click.option("--serve-only", is_flag=True, help="Serve the recorded sources until interrupted; no crawl.")
@click.option("--no-serve", is_flag=True, help="End after the crawl instead of starting the curator app.")
@bounded_option("--app-port", 1, 65535, 8000, "Port of the curator app.")
@pass_state
def demo(state: _State, port: int, serve_only: bool, no_serve: bool, app_port: int) -> None:
    """Crawl recorded pages of the default sources on 127.0.0.1, then open the curator app on them."""
    from aggregator.crawl.run import crawl as run_crawl
    from aggregator.demo.replay import ReplayServer
    from aggregator.demo.run import DEMO_GUARDIAN_KEY, add_demo_sources
    from aggregator.services.defaults import add_example_topic

    # The recorded sites live on 127.0.0.1, which the address guard refuses unless told otherwise.
    state.config = state.config.with_overrides(
        allow_private_networks=True,
        download_delay=0.0,
        guardian_api_key=state.config.guardian_api_key or DEMO_GUARDIAN_KEY,
        guardian_api_delay=min(state.config.guardian_api_delay, 0.2),
    )
    # --serve-only serves pages for a browser (links rewritten to the server); the demo's own crawl
    # asks for the real URLs through it and reads the pages as the sites wrote them.
    server = ReplayServer(port=port, rewrite_links=serve_only).start()
    state.config = state.config.with_overrides(replay_url=server.base)
    core = state.core(require_schema=False)
    core.init_db()
    add_example_topic(core.topics)
    try:
        names = add_demo_sources(core)
        click.echo(f"serving recorded pages of {', '.join(server.hosts)} at {server.base}/")
        if serve_only:
            click.echo(
                f"crawl them at their real URLs with AGGREGATOR_REPLAY_URL={server.base} aggregator crawl; "
                "press Ctrl-C to stop"
            )
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
        "  (the commands below are in .venv/bin: run `. .venv/bin/activate` first, or type the path)\n"
        "  list them:        .venv/bin/aggregator items list\n"
        "  read one:         .venv/bin/aggregator items show ID\n"
        "  approve one:      .venv/bin/aggregator items approve ID --excerpt '...'\n"
        "  publish as Atom:  .venv/bin/aggregator export --format atom --output curated.atom\n"
        "  a topic's page:   .venv/bin/aggregator export --format text --topic citizens-assemblies"
    )
    if not no_serve:
        from aggregator.demo.run import demo_login
        from aggregator.web.server import ensure_free, run_app

        ensure_free("127.0.0.1", app_port)
        name, password = demo_login(core)
        click.echo(
            f"\nCurator app: http://127.0.0.1:{app_port}/  log in as {name} / {password}\n"
            "  (a new password on every run; keys: j/k move, a approve, r reject, ? all keys; Ctrl-C stops)"
        )
        run_app(core, "127.0.0.1", app_port)
    _exit_on_source_errors(run)
