"""What each worker holds, so that a worker killed outright gives its work back within minutes.

scrapy-redis pops a request off the shared queue and nobody is told when it is done: a worker killed
with requests in hand lost them, and their round stayed open until its lease lapsed (an hour). Here
every worker keeps, in a hash of its own, what it took and has not finished: a job (to go back on the
job list), a request (to go back on the request queue, with its priority) or an item on its way to
storage (its page's request goes back, and storing it again stores nothing twice). A worker renews a
heartbeat key every few seconds; once a worker's key has expired (its visibility timeout), any
worker or the scheduler moves everything it held back onto the queues, in one atomic script.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

import redis

from aggregator.crawl.distributed.keys import Keys

# What a held entry's value starts with, to say where it goes back to.
JOB = b"job|"
# A request is held as b"<score>|<encoded request>": the score its priority queue gave it.
_SEPARATOR = b"|"

# For each worker whose heartbeat is gone: every held job back on the job list, every held request
# back in the request queue (a sorted set: the same request held twice goes back once), then forget it.
_REAP = """
local returned = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. worker .. ':alive') == 0 then
    local held = ARGV[1] .. worker .. ':held'
    local values = redis.call('HVALS', held)
    for _, value in ipairs(values) do
      local cut = string.find(value, '|', 1, true)
      local head = string.sub(value, 1, cut - 1)
      local body = string.sub(value, cut + 1)
      if head == 'job' then
        redis.call('RPUSH', KEYS[2], body)
      else
        redis.call('ZADD', KEYS[3], tonumber(head), body)
      end
      returned = returned + 1
    end
    redis.call('DEL', held)
    redis.call('SREM', KEYS[1], worker)
  end
end
return returned
"""


class Holdings:
    """One worker's record of the work in its hands, and the reaper of dead workers' records."""

    def __init__(self, client: redis.Redis, keys: Keys, *, timeout: int, worker: str | None = None) -> None:
        self.redis = client
        self.keys = keys
        self.timeout = timeout
        self.worker = worker or uuid.uuid4().hex[:12]
        self._reap = client.register_script(_REAP)

    def beat(self) -> None:
        """Say this worker is alive for another ``timeout`` seconds (and join the list of workers)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(self.keys.workers, self.worker)
        pipe.set(self.keys.worker_alive(self.worker), 1, ex=self.timeout)
        pipe.execute()

    def hold_job(self, marker: str, data: bytes | str) -> None:
        """Note a source job taken from the job list."""
        raw = data.encode() if isinstance(data, str) else data
        self.redis.hset(self.keys.worker_held(self.worker), marker, JOB + raw)

    def hold_request(self, marker: str, encoded: bytes, score: float) -> None:
        """Note a request taken from the queue (or the request an item in hand came from)."""
        value = repr(score).encode() + _SEPARATOR + encoded
        self.redis.hset(self.keys.worker_held(self.worker), marker, value)

    def release(self, marker: str) -> None:
        """Forget a piece of work: it is done, and whatever it led to is on record elsewhere."""
        self.redis.hdel(self.keys.worker_held(self.worker), marker)

    def held(self) -> int:
        """Return how many pieces of work this worker holds."""
        return int(self.redis.hlen(self.keys.worker_held(self.worker)))

    def leave(self) -> None:
        """End this worker's record after a clean stop (what it still holds goes back at once)."""
        self.redis.delete(self.keys.worker_alive(self.worker))
        self.reap()

    def reap(self) -> int:
        """Put back what workers whose heartbeat has expired held; return how many pieces."""
        keys = [self.keys.workers, self.keys.jobs, self.keys.requests]
        return int(cast(Any, self._reap(keys=keys, args=[self.keys.worker_prefix])))


def reap(client: redis.Redis, keys: Keys) -> int:
    """Put back what dead workers held (for callers that are no worker: the scheduler, a seeder)."""
    return Holdings(client, keys, timeout=1, worker="reaper").reap()
