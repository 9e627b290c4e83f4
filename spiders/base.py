"""The base of every source spider: loads its sources through the service layer and keeps the tallies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from twisted.python.failure import Failure

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.harvest import Harvest
from aggregator.runs import SourceTally
from aggregator.sources import SourceView
from spiders.failures import describe


class SourceSpider(scrapy.Spider):
    """Crawls every enabled source of its ``kind`` (or those whose ids it is given).

    The CLI hands it a shared Harvest; run as ``scrapy crawl <kind> [-a source=NAME]`` it builds its
    own from the AGGREGATOR_* environment and closes that run itself.
    """

    kind: ClassVar[str]

    def __init__(
        self,
        *args: Any,
        harvest: Harvest | None = None,
        source_ids: Iterable[int] = (),
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._given_harvest = harvest
        self.source_ids = list(source_ids)
        self.source_names = [n.strip() for n in source.split(",")] if source else []
        self.owns_harvest = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._callback_failed, signal=signals.spider_error)
        crawler.signals.connect(spider._item_failed, signal=signals.item_error)
        return spider

    @property
    def harvest(self) -> Harvest:
        """Return the crawl this spider writes into, starting its own on first use if none was given."""
        if self._given_harvest is None:
            core = Aggregator(Config.from_env())
            core.db.require_schema()
            self._given_harvest = Harvest.start(core, trigger=f"scrapy:{self.name}")
            self.owns_harvest = True
        return self._given_harvest

    @property
    def timeout(self) -> float:
        """Return the download timeout in seconds, for error messages."""
        return float(self.settings.getfloat("DOWNLOAD_TIMEOUT"))

    def sources(self) -> list[SourceView]:
        """Return the sources this spider is to crawl."""
        chosen = self.harvest.core.sources.to_crawl(kind=self.kind, names=self.source_names)
        if self.source_ids:
            wanted = set(self.source_ids)
            chosen = [s for s in chosen if s.id in wanted]
        return chosen

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources():
            self.harvest.begin_source(source.id, source.name)
            for request in self.requests_for(source):
                yield request

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        """Return the first requests for one source."""
        raise NotImplementedError

    def tally(self, source_id: int) -> SourceTally:
        """Return the running counts of one source."""
        return self.harvest.tally(source_id)

    def fail(self, source_id: int, message: str, *, source_level: bool = False) -> None:
        """Count an error against a source; a source-level one also goes to its health record."""
        self.tally(source_id).fail(message)
        if source_level:
            self.harvest.core.sources.record_failure(source_id, message)
        self.harvest.changed(source_id)

    def failure_text(self, failure: Failure) -> str:
        """Return a failed request's reason in a few words."""
        return describe(failure, self.timeout)

    def _callback_failed(self, failure: Failure, response: Any, spider: scrapy.Spider) -> None:
        # A bug or a storage error inside a callback must show in the summary, not only in a log.
        kwargs = getattr(getattr(response, "request", None), "cb_kwargs", {}) or {}
        holder = kwargs.get("source") or kwargs.get("item")
        source_id = getattr(holder, "id", None) or getattr(holder, "source_id", None)
        if spider is self and isinstance(source_id, int) and source_id in self.harvest.tallies:
            self.fail(source_id, f"{response.url}: {type(failure.value).__name__}: {failure.value}")

    def _item_failed(self, item: Any, response: Any, spider: scrapy.Spider, failure: Failure) -> None:
        source_id = getattr(item, "source_id", None)
        if spider is self and isinstance(source_id, int) and source_id in self.harvest.tallies:
            link = getattr(item, "link", None) or getattr(item, "url", "")
            self.fail(source_id, f"storing {link}: {type(failure.value).__name__}: {failure.value}")

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is not self or self._given_harvest is None:
            return
        if reason != "finished":
            self.harvest.interrupted = reason
        for source_id in list(self.harvest.tallies):
            self.harvest.source_done(source_id)
        if self.owns_harvest:
            self.harvest.finish(status="finished" if reason == "finished" else "failed")
            self.harvest.core.close()
