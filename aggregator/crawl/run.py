"""Runs a crawl in this process: the one module of the core that knows the spiders exist.

Twisted's reactor runs once per process, so a second crawl needs a new process: the CLI is one
process per command, and tests run it as a subprocess.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.utils.misc import load_object

from aggregator.core import Aggregator
from aggregator.crawl.harvest import Harvest, ProgressHook
from aggregator.crawl.owners import is_stale, new_owner
from aggregator.crawl.settings import scrapy_settings
from aggregator.enums import RunStatus
from aggregator.errors import InvalidInput
from aggregator.services.kinds import kind_of
from aggregator.services.runs import RunView


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """A crawl's run (None when nothing was due) and the sources skipped because another crawl held them."""

    run: RunView | None
    busy: list[str]


def crawl(
    core: Aggregator,
    *,
    names: Iterable[str] = (),
    due_only: bool = False,
    trigger: str = "cli",
    progress: ProgressHook | None = None,
) -> CrawlOutcome:
    """Crawl the named sources (else all enabled ones, or only the due ones) and return the summary.

    Each source is leased for the crawl, so a scheduler, a cron job and a curator's command never
    crawl one source twice at once; the leases are given back however the crawl ends.
    """
    core.db.require_schema()
    wanted = list(names)
    if wanted:
        core.sources.to_crawl(names=wanted)  # unknown or retired names fail here, before any lease
    elif not due_only and not core.sources.to_crawl():
        raise InvalidInput("no enabled sources to crawl: add one with `aggregator sources add URL`")
    owner = new_owner()
    # A killed crawl's run would say "running" for ever: close those before starting another.
    core.runs.close_abandoned(is_stale)
    sources, busy = core.sources.claim(owner, names=wanted, due_only=due_only, is_stale=is_stale)
    try:
        if not sources:
            return CrawlOutcome(None, busy)
        by_kind: dict[str, list[int]] = defaultdict(list)
        for source in sources:
            by_kind[source.kind].append(source.id)
        spiders = {kind: load_object(kind_of(kind).spider) for kind in by_kind}
        harvest = Harvest.start(core, trigger=trigger, progress=progress, owner=owner)
        process = CrawlerProcess({**scrapy_settings(core.config), "LOG_INSTALL_ROOT_HANDLER": False})
        for kind, ids in by_kind.items():
            process.crawl(spiders[kind], harvest=harvest, source_ids=ids)
        # What is alive now (modules, settings, the sources) lives as long as the crawl: out of the
        # collector's sight, a full collection in a bulk crawl took 10 to 40 ms instead of 110 to 140,
        # each a pause of every page in flight. No collection first: it cost 70 ms, a twentieth of an
        # unchanged recrawl, to free a little garbage from the imports.
        gc.freeze()
        try:
            process.start()
        except BaseException:
            harvest.finish(status=RunStatus.FAILED)
            raise
        return CrawlOutcome(harvest.finish(), busy)
    finally:
        core.sources.release(owner)
