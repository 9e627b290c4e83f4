"""Scrapy settings of a crawl worker: the product's own, over scrapy-redis's shared queue."""

from __future__ import annotations

from typing import Any

from aggregator.config import Config
from aggregator.crawl.distributed.keys import Keys
from aggregator.crawl.settings import scrapy_settings


def worker_settings(config: Config, *, concurrency: int) -> dict[str, Any]:
    """Return the Scrapy settings of a worker taking ``concurrency`` downloads at a time."""
    base = scrapy_settings(config)
    keys = Keys(config.redis_prefix)
    return {
        **base,
        "SCHEDULER": "aggregator.crawl.distributed.shared_queue.DrainableScheduler",
        "DUPEFILTER_CLASS": "aggregator.crawl.distributed.shared_queue.RoundDupeFilter",
        # The queue belongs to every worker: one stopping must neither clear it nor its fingerprints.
        "SCHEDULER_PERSIST": True,
        # A sorted set, scored by priority: what a dead worker held goes back in with its score.
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "REDIS_URL": config.redis_url,
        "REDIS_START_URLS_KEY": keys.jobs,
        "CONCURRENT_REQUESTS": concurrency,
        # A host's delay and concurrency are held across workers in Redis (aggregator.crawl.politeness);
        # a local delay on top would only slow each worker down without making anyone more polite.
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {
            **base["DOWNLOADER_MIDDLEWARES"],
            # Last before the download itself, so a request robots.txt forbids never takes a slot.
            "aggregator.crawl.politeness.SharedHostLimitMiddleware": 950,
        },
        "AGGREGATOR_REDIS_URL": config.redis_url,
        "AGGREGATOR_REDIS_PREFIX": config.redis_prefix,
        "AGGREGATOR_ROUND_LEASE": config.round_lease,
        "AGGREGATOR_HOST_CONCURRENCY": config.concurrent_requests_per_host,
        "AGGREGATOR_HOST_DELAY": config.download_delay,
    }
