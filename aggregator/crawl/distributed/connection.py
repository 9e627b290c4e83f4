"""The Redis connection of the distributed crawl, from the product's Config."""

from __future__ import annotations

import redis

from aggregator.config import Config
from aggregator.errors import ConfigError


def connect(config: Config) -> redis.Redis:
    """Return a client for ``AGGREGATOR_REDIS_URL``; raise ConfigError when it is unset or unreachable."""
    if not config.redis_url:
        raise ConfigError("distributed crawling needs AGGREGATOR_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    try:
        client = redis.Redis.from_url(config.redis_url, decode_responses=True, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ConfigError(f"Redis at AGGREGATOR_REDIS_URL is not reachable: {exc}") from None
    return client
