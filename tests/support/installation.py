"""One installation for the distributed tests: its environment, the generated site's sources."""

from __future__ import annotations

import json

from tests.support.cli import crawl_env, run_cli
from tests.support.redis_queue import REDIS_URL
from tests.support.workers import SiteProcess


def distributed_env(db_url: str, prefix: str, **extra: str) -> dict[str, str]:
    """Return the environment of every process of one installation: its database, its Redis keys."""
    return crawl_env(
        db_url,
        AGGREGATOR_REDIS_URL=REDIS_URL,
        AGGREGATOR_REDIS_PREFIX=prefix,
        AGGREGATOR_EXTRACT_WORKERS="1",
        **extra,
    )


def add_site_sources(env: dict[str, str], site: SiteProcess, pages: int) -> None:
    """Run `aggregator sources add` for every source of the generated site."""
    from tests.support.site import Site

    for source in Site(pages, site.base).sources():
        settings = [f"--set={key}={json.dumps(value)}" for key, value in source["settings"].items()]
        args = ["sources", "add", source["url"], "--name", source["name"], "--kind", source["kind"]]
        done = run_cli(*args, *settings, env=env)
        assert done.returncode == 0, done.stderr


def install_site(env: dict[str, str], site: SiteProcess, pages: int) -> None:
    """Run `aggregator init`, then add every source of the generated site."""
    done = run_cli("init", env=env)
    assert done.returncode == 0, done.stderr
    add_site_sources(env, site, pages)
