"""Per-host politeness across crawl workers: a host's concurrency and delay held in Redis.

Scrapy's own limits (``CONCURRENT_REQUESTS_PER_DOMAIN``, ``DOWNLOAD_DELAY``) hold inside one process;
three workers that each respect them give a host three times its limit. Here every download first
takes one of the host's slots in Redis (a sorted set scored by expiry, so a slot held by a killed
worker frees itself) and reserves its start time, in one Lua script, so two workers can never both
take the last slot. The clock is Redis's own, so workers on machines whose clocks differ still agree.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Self, cast
from urllib.parse import urlsplit

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from aggregator.crawl.distributed.keys import Keys

SLOT_META = "aggregator_host_slot"
# Returns 0 when a slot was taken; otherwise how many milliseconds to wait (-1: all slots in use).
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return nxt - now end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]))
end
return 0
"""
_BUSY_POLL = 0.02


class SharedHostLimitMiddleware:
    """Takes a host slot in Redis before each download and gives it back when the answer is in."""

    def __init__(
        self,
        client: redis.Redis,
        keys: Keys,
        *,
        concurrency: int,
        delay: float,
        lease: float,
        slots: dict[str, dict[str, Any]],
    ) -> None:
        self.redis = client
        self.keys = keys
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self.lease_ms = int(lease * 1000)
        self.slots = slots
        self._take = client.register_script(_TAKE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        url = settings.get("AGGREGATOR_REDIS_URL")
        if not url:
            raise NotConfigured("per-host limits across workers need AGGREGATOR_REDIS_URL")
        # A slot held by a killed worker frees itself once no download of its could still be running.
        lease = settings.getfloat("DOWNLOAD_TIMEOUT") + 30
        return cls(
            redis.Redis.from_url(url, decode_responses=True),
            Keys(settings.get("AGGREGATOR_REDIS_PREFIX") or "aggregator"),
            concurrency=settings.getint("AGGREGATOR_HOST_CONCURRENCY", 2),
            delay=settings.getfloat("AGGREGATOR_HOST_DELAY", 1.0),
            lease=lease,
            slots=dict(settings.getdict("DOWNLOAD_SLOTS")),
        )

    def limits(self, request: Request) -> tuple[str, int, float]:
        """Return the slot a request counts against (its host, or a named slot) and that slot's limits."""
        named = request.meta.get("download_slot")
        if isinstance(named, str):
            conf = self.slots.get(named, {})
            concurrency = int(conf.get("concurrency", self.concurrency))
            return named, concurrency, float(conf.get("delay", self.delay))
        return urlsplit(request.url).netloc.lower(), self.concurrency, self.delay

    async def process_request(self, request: Request) -> None:
        slot, concurrency, delay = self.limits(request)
        token = uuid.uuid4().hex
        keys = [self.keys.host(slot), self.keys.host_next(slot)]
        args: list[str | int] = [token, concurrency, int(delay * 1000), self.lease_ms]
        while True:
            wait = int(cast(Any, self._take(keys=keys, args=args)))
            if wait == 0:
                break
            await asyncio.sleep(_BUSY_POLL if wait < 0 else min(wait / 1000, 5.0))
        request.meta[SLOT_META] = (slot, token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request)

    def _give_back(self, request: Request) -> None:
        held = request.meta.pop(SLOT_META, None)
        if held is not None:
            slot, token = held
            self.redis.zrem(self.keys.host(slot), token)
