"""scrapy-redis's shared queue as the crawl workers use it: drainable, deduplicated per round.

The request queue and its dupefilter live in Redis (``SCHEDULER_PERSIST``: they outlive any worker).
The fingerprints are kept per round and expire with it, rather than in one set for ever: a set that
never forgets would refuse next round's retry of a page that failed, and grow without end. Inside a
round it still saves a second fetch of a page two sources both link to. A source's own document is
sent with ``dont_filter`` and so is fetched every round whatever the set holds.
"""

from __future__ import annotations

from typing import Any, Self, cast

from scrapy import Request, Spider
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

# Request meta the workers add: which round a request belongs to, and how to route its answer.
ROUND = "aggregator_round"
KIND = "aggregator_kind"
CALLBACK = "aggregator_callback"
ERRBACK = "aggregator_errback"
MARKER = "aggregator_marker"


class DrainableScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler, which hands out nothing more once its worker is draining, and tells
    its worker what it took (so a worker killed outright can be made to give it back)."""

    def open(self, spider: Spider) -> Any:
        opened = super().open(spider)
        # The worker spider encodes the requests it holds as this queue does.
        setattr(spider, "shared_scheduler", self)  # noqa: B010 (the worker spider reads it)
        return opened

    def _draining(self) -> bool:
        return bool(getattr(self.spider, "draining", False))

    def next_request(self) -> Request | None:
        if self._draining():
            return None
        request = cast(Request | None, super().next_request())
        taken = getattr(self.spider, "took", None)
        if request is not None and taken is not None:
            taken(request)
        return request

    def encode(self, request: Request) -> tuple[bytes, float]:
        """Return ``request`` as the queue stores it, and the score the queue would give it."""
        return bytes(self.queue._encode_request(request)), float(-request.priority)

    def has_pending_requests(self) -> bool:
        # A draining worker is idle once its own work is done, whatever the shared queue holds.
        return not self._draining() and bool(super().has_pending_requests())


class RoundDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    """scrapy-redis's fingerprint filter, one expiring set per round."""

    def __init__(self, server: Any, key: str, debug: bool = False, ttl: int = 7200) -> None:
        super().__init__(server, key, debug)
        self.ttl = ttl

    @classmethod
    def from_spider(cls, spider: Spider) -> Self:
        settings = spider.settings
        key = str(settings.get("SCHEDULER_DUPEFILTER_KEY")) % {"spider": spider.name}
        ttl = 2 * settings.getint("AGGREGATOR_ROUND_LEASE", 3600) + 60
        return cls(get_redis_from_settings(settings), key, settings.getbool("DUPEFILTER_DEBUG"), ttl)

    def request_seen(self, request: Request) -> bool:
        key = f"{self.key}:{request.meta.get(ROUND, 'none')}"
        pipe = self.server.pipeline(transaction=True)
        pipe.sadd(key, self.request_fingerprint(request))
        pipe.expire(key, self.ttl)
        added, _ = pipe.execute()
        return int(added) == 0
