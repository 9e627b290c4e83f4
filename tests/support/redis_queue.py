"""Redis for tests: skip without it (fail in CI), and a key prefix of one's own, removed afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from tests.support.databases import missing

REDIS_URL = os.environ.get("AGGREGATOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_redis() -> None:
    """Skip the test when Redis is missing, except in CI, where that is a failure."""
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        missing("Redis", f"Redis at {REDIS_URL} is not available: {exc}")


@contextmanager
def redis_prefix() -> Iterator[str]:
    """Yield a key prefix no other test uses; every key under it is deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        doomed = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if doomed:
            client.delete(*doomed)
        client.close()
