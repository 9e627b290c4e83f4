"""`aggregator publish wordpress`: a topic's page written to the knowledge base's WordPress."""

from __future__ import annotations

import click

from aggregator.cli.app import _State, main, pass_state


@main.group()
def publish() -> None:
    """Publish topic pages to where the knowledge base lives."""


@publish.command("wordpress")
@click.option("--topic", "slug", required=True, help="The topic's slug.")
@click.option(
    "--publish", "live", is_flag=True, help="Make the page live (default: a draft, or a draft revision)."
)
@click.option("--overwrite", is_flag=True, help="Replace the page even if it was edited in WordPress since.")
@pass_state
def publish_wordpress(state: _State, slug: str, live: bool, overwrite: bool) -> None:
    """Create or update the topic's WordPress page (one page per topic, never a second).

    Refuses, showing what changed, when the page was edited in WordPress since the last publish.
    """
    # Imported here: httpx and the templates stay out of every other command's start.
    from aggregator.publish.wordpress import publish_topic

    done = publish_topic(state.core(), slug, publish=live, overwrite=overwrite, actor=state.user)
    if done.as_revision:
        what = "saved as a draft revision of the live page (preview and publish it in WordPress)"
    else:
        what = ("created" if done.created else "updated") + f" ({done.status})"
    click.echo(f"topic {slug!r}: WordPress page {done.page_id} {what}: {done.link}")
