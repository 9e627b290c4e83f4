"""Last pipeline: items stored in small batches through the items service, counted per source.

A transaction per item cost a crawl more than its writes (opening the connection, taking SQLite's
write lock, committing), paid on every page. Items now wait here a moment, at most ``BATCH_WAIT``
seconds or until ``BATCH_SIZE`` are waiting, and are written in one transaction (item by item again
if that fails, see ``ItemsService.record_many``). Each item's ``process_item`` returns only once its
batch is committed, so Scrapy's "scraped" (and a distributed worker's acknowledgement) still means
"stored", and an item that fails still fails alone. A crash loses only the batch in hand, never
stored; the next crawl fetches it again.
"""

from __future__ import annotations

import asyncio

from scrapy.crawler import Crawler

from aggregator.crawl.candidate import Candidate
from aggregator.services.harvested import Outcome
from pipelines.base import HarvestPipeline

BATCH_SIZE = 32
BATCH_WAIT = 0.2


class StorePipeline(HarvestPipeline):
    """Records candidates; the service's upsert makes a re-run, a retry or a second worker harmless."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pending: list[tuple[Candidate, asyncio.Future[Outcome]]] = []
        self._timer: asyncio.TimerHandle | None = None

    def close_spider(self) -> None:
        # Every item awaits its batch, so nothing should be left; a batch in hand is written anyway.
        self._flush()

    async def process_item(self, item: Candidate) -> Candidate:
        loop = asyncio.get_running_loop()
        stored: asyncio.Future[Outcome] = loop.create_future()
        self._pending.append((item, stored))
        if len(self._pending) >= BATCH_SIZE:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(BATCH_WAIT, self._flush)
        outcome = await stored  # the item's own storage error is raised here, as Scrapy's item_error
        tally = self.spider.tally(item.source_id)
        if outcome is Outcome.NEW:
            tally.new += 1
        elif outcome is Outcome.COMPLETED:
            tally.updated += 1  # a stored stand-in (the feed's text) got its page at last
        elif outcome is Outcome.SYNDICATED:
            tally.duplicates += 1
        else:
            tally.unchanged += 1  # stored already, by URL or GUID
        self.harvest.changed(item.source_id)
        return item

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            results = self.harvest.core.items.record_many([item.harvested() for item, _ in batch])
        except Exception as exc:  # noqa: BLE001 (the commit failed: every item of the batch reports it)
            results = [exc] * len(batch)
        finally:
            for item, _ in batch:
                self.harvest.release(item.canonical_url)
        for (_, stored), result in zip(batch, results, strict=True):
            if stored.done():
                continue  # its crawl was cancelled while it waited
            if isinstance(result, Exception):
                stored.set_exception(result)
            else:
                stored.set_result(result)
