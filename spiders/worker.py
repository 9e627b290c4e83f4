"""The crawl worker's spider: reads source jobs from Redis and runs each through its kind's spider.

One scrapy-redis spider serves every kind of source. It keeps one instance of each kind's spider and
lets it do all the kind-specific work (first requests, parsing, following); requests it makes are
re-pointed at ``route`` / ``route_error`` with the kind and method named in their meta, because the
shared queue pickles a request's callback by name and any worker may be the one that answers it.
Everything a request or item leads to is registered as open in its round before the request itself
is settled (see aggregator.crawl.distributed.rounds).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.misc import load_object
from scrapy_redis.spiders import RedisMixin
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from aggregator.crawl.candidate import Candidate
from aggregator.crawl.distributed.harvest import DistributedHarvest
from aggregator.crawl.distributed.rounds import JOB_MARKER, Job
from aggregator.crawl.distributed.shared_queue import (
    CALLBACK,
    ERRBACK,
    KIND,
    MARKER,
    ROUND,
    DrainableScheduler,
)
from aggregator.errors import AggregatorError, NotFound
from aggregator.services.kinds import KINDS
from aggregator.services.views import SourceView
from spiders.base import SourceSpider

log = logging.getLogger(__name__)

# How often an idle worker looks at the shared queue; Scrapy's default heartbeat is 5 s, which would
# leave a worker idle that long after another one filled the queue.
IDLE_POLL_SECONDS = 0.5


class WorkerSpider(RedisMixin, SourceSpider):  # type: ignore[misc]
    """Crawls whatever the shared queue holds, for every kind of source, until told to stop."""

    name = "worker"
    kind: ClassVar[str] = "worker"
    # Jobs are cheap to turn into requests (which go back to the shared queue), so take a few at once.
    redis_batch_size = 8
    max_idle_time = 0

    def __init__(self, *args: Any, harvest: DistributedHarvest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, harvest=harvest, **kwargs)
        self.delegates: dict[str, SourceSpider] = {}
        self._item_rounds: dict[int, tuple[int, str]] = {}
        self.shared_scheduler: DrainableScheduler | None = None
        self._loops: list[LoopingCall] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not isinstance(spider._given_harvest, DistributedHarvest):
            raise TypeError("the worker spider runs under `aggregator worker`, which gives it its harvest")
        for kind in KINDS.values():
            kind_spider: type[SourceSpider] = load_object(kind.spider)
            spider.delegates[kind.name] = kind_spider.from_crawler(crawler, harvest=spider.harvest)
        spider.setup_redis(crawler)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._stopped, signal=signals.spider_closed)
        crawler.signals.connect(spider._item_done, signal=signals.item_scraped)
        crawler.signals.connect(spider._item_done, signal=signals.item_dropped)
        crawler.signals.connect(spider._item_done, signal=signals.item_error)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider._response_received, signal=signals.response_received)
        return spider

    @property
    def shared(self) -> DistributedHarvest:
        """Return the worker's harvest."""
        harvest = self.harvest
        assert isinstance(harvest, DistributedHarvest)
        return harvest

    @property
    def draining(self) -> bool:
        """Return True once the worker was asked to stop: it finishes its work in hand, takes no more."""
        return self.shared.draining

    async def start(self) -> AsyncIterator[Any]:
        for request in self.next_requests():
            yield request

    def spider_idle(self) -> None:
        if self.draining:
            return  # let Scrapy close the spider: nothing is in hand any more
        super().spider_idle()

    def next_requests(self) -> Iterator[scrapy.Request]:
        if self.draining:
            return iter(())
        return super().next_requests()  # type: ignore[no-any-return]

    # --- jobs ------------------------------------------------------------------------------------

    def make_request_from_data(self, data: bytes | str) -> list[scrapy.Request]:
        """Return the first requests of a source job, each registered as open in the job's round."""
        try:
            job = Job.decode(data)
        except AggregatorError as exc:
            log.warning("skipping a malformed job: %s", exc)
            return []
        harvest = self.shared
        job_marker = f"job:{job.run_id}:{job.source_id}"
        harvest.holdings.hold_job(job_marker, data)
        source = self._source(job.source_id)
        if source is None or not source.enabled:
            # Removed or disabled since it was seeded: nothing to do, but the round must learn that.
            harvest.rounds.settle(job.run_id, job.source_id, JOB_MARKER)
            harvest.holdings.release(job_marker)
            return []
        harvest.enter(source.id, job.run_id)
        delegate = self.delegates[source.kind]
        requests: list[scrapy.Request] = []
        try:
            for request in delegate.requests_for(source):
                requests.append(self.adopt(request, job.run_id, source.id))
        except AggregatorError as exc:
            self.fail(source.id, str(exc), source_level=True)
        harvest.rounds.settle(job.run_id, source.id, JOB_MARKER)
        # Its requests are in the scheduler's hands now, on their way to the shared queue.
        harvest.holdings.release(job_marker)
        return requests

    def _source(self, source_id: int) -> SourceView | None:
        """Return the source with this id, or None if it was removed since it was seeded."""
        sources = self.shared.core.sources
        try:
            found = sources.get(str(source_id))
        except NotFound:
            found = None
        if found is not None and found.id == source_id:
            return found
        # Another source is *named* like this id: look it up among all of them instead.
        return next((s for s in sources.to_crawl() if s.id == source_id), None)

    # --- routing answers to the kind spiders -------------------------------------------------------

    def adopt(self, output: Any, run_id: int, source_id: int, parent: scrapy.Request | None = None) -> Any:
        """Register a kind spider's request or item as open in the round; route requests through here."""
        harvest = self.shared
        if isinstance(output, Candidate):
            marker = f"i:{output.link}"
            harvest.rounds.register(run_id, output.source_id, [marker])
            self._item_rounds[id(output)] = (run_id, marker)
            if parent is not None:
                # Until it is stored, the item is held as the request it came from: if this worker
                # dies, another fetches the page again (and storage stores it once).
                self._hold(marker, parent)
            return output
        if not isinstance(output, scrapy.Request):
            return output
        owner = getattr(output.callback, "__self__", None)
        if not isinstance(owner, SourceSpider) or owner.kind not in self.delegates:
            raise TypeError(f"a kind spider's request must call back into it: {output!r}")
        marker = f"r:{output.url}"
        harvest.rounds.register(run_id, source_id, [marker])
        meta = {
            **output.meta,
            ROUND: run_id,
            KIND: owner.kind,
            CALLBACK: output.callback.__name__,  # type: ignore[union-attr]
            ERRBACK: getattr(output.errback, "__name__", None),
            MARKER: marker,
        }
        return output.replace(callback=self.route, errback=self.route_error, meta=meta)

    def route(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Hand an answer to its kind spider's callback; settle the request once all it led to is open."""
        meta = response.meta
        run_id, source_id = int(meta[ROUND]), _source_id(kwargs)
        self.shared.enter(source_id, run_id)
        callback = getattr(self.delegates[meta[KIND]], meta[CALLBACK])
        yield from self._adopt_all(callback(response, **kwargs), run_id, source_id, response.request)
        self.shared.rounds.settle(run_id, source_id, meta[MARKER])
        self.shared.holdings.release(meta[MARKER])

    def route_error(self, failure: Failure) -> Iterator[Any]:
        """Hand a failed request to its kind spider's errback; settle it the same way."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        run_id, source_id = int(meta[ROUND]), _source_id(request.cb_kwargs)
        self.shared.enter(source_id, run_id)
        if meta.get(ERRBACK):
            errback = getattr(self.delegates[meta[KIND]], meta[ERRBACK])
            yield from self._adopt_all(errback(failure), run_id, source_id, request)
        self.shared.rounds.settle(run_id, source_id, meta[MARKER])
        self.shared.holdings.release(meta[MARKER])

    def _adopt_all(
        self, outputs: Iterable[Any] | None, run_id: int, source_id: int, parent: scrapy.Request | None
    ) -> Iterator[Any]:
        for output in outputs or ():
            yield self.adopt(output, run_id, source_id, parent)

    # --- what this worker holds ------------------------------------------------------------------

    def took(self, request: scrapy.Request) -> None:
        """Hold a request just taken from the shared queue (the scheduler calls this)."""
        if MARKER in request.meta:
            self._hold(request.meta[MARKER], request)

    def _hold(self, marker: str, request: scrapy.Request) -> None:
        if self.shared_scheduler is not None and request.meta.get(MARKER):
            encoded, score = self.shared_scheduler.encode(request)
            self.shared.holdings.hold_request(marker, encoded, score)

    # --- settling items and dropped requests --------------------------------------------------------

    def _item_done(self, item: Any, spider: scrapy.Spider, **kwargs: Any) -> None:
        held = self._item_rounds.pop(id(item), None)
        if spider is not self or held is None or not isinstance(item, Candidate):
            return
        run_id, marker = held
        # Counts first, so a round that completes here has every count in its line.
        self.shared.flush(item.source_id)
        self.shared.rounds.settle(run_id, item.source_id, marker)
        self.shared.holdings.release(marker)

    def _request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        # Filtered as seen this round (another source's link): nothing more will come of it.
        if spider is self and MARKER in request.meta:
            run_id, source_id = int(request.meta[ROUND]), _source_id(request.cb_kwargs)
            self.shared.rounds.settle(run_id, source_id, request.meta[MARKER])
            self.shared.holdings.release(request.meta[MARKER])

    def _response_received(self, spider: scrapy.Spider, **kwargs: Any) -> None:
        if spider is self:
            self.shared.responses += 1

    def _opened(self, spider: scrapy.Spider) -> None:
        if spider is not self:
            return
        if self.crawler.engine is not None:
            self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL_SECONDS
        holdings = self.shared.holdings
        # Renewed well within the timeout, so a busy moment never looks like death; dead workers'
        # work is looked for at half the timeout, so it is back within one and a half of it.
        for call, every in ((holdings.beat, holdings.timeout / 4), (holdings.reap, holdings.timeout / 2)):
            loop = LoopingCall(call)
            loop.start(max(every, 0.5), now=True)
            self._loops.append(loop)

    def _stopped(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is not self:
            return
        for loop in self._loops:
            if loop.running:
                loop.stop()
        # A clean stop holds nothing; after a forced one, what it held goes back at once.
        self.shared.holdings.leave()


def _source_id(cb_kwargs: dict[str, Any]) -> int:
    source = cb_kwargs.get("source")
    if source is not None:
        return int(source.id)
    item = cb_kwargs.get("item")
    if isinstance(item, Candidate):
        return item.source_id
    raise ValueError(f"a request that names no source: {sorted(cb_kwargs)}")
