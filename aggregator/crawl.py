"""Runs a crawl in this process: the one module of the core that knows the spiders exist.

Twisted's reactor runs once per process, so a second crawl needs a new process: the CLI is one
process per command, and tests run it as a subprocess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from scrapy.crawler import CrawlerProcess

from aggregator.core import Aggregator
from aggregator.errors import InvalidInput
from aggregator.harvest import Harvest, ProgressHook
from aggregator.runs import RunView
from aggregator.settings import scrapy_settings


def crawl(
    core: Aggregator,
    *,
    names: Iterable[str] = (),
    trigger: str = "cli",
    progress: ProgressHook | None = None,
) -> RunView:
    """Crawl the named sources (all enabled ones when none are named) and return the run's summary."""
    core.db.require_schema()
    sources = core.sources.to_crawl(names=names)
    if not sources:
        raise InvalidInput("no enabled sources to crawl: add one with `aggregator sources add URL`")
    settings = scrapy_settings(core.config)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for source in sources:
        by_kind[source.kind].append(source.id)
    harvest = Harvest.start(core, trigger=trigger, progress=progress)
    process = CrawlerProcess({**settings, "LOG_INSTALL_ROOT_HANDLER": False})
    for kind, ids in by_kind.items():
        # Spiders are named after the kind of source they read.
        process.crawl(kind, harvest=harvest, source_ids=ids)
    try:
        process.start()
    except BaseException:
        harvest.finish(status="failed")
        raise
    return harvest.finish()
