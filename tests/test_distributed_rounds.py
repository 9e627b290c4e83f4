"""Rounds, counts and host slots on their own, on SQLite and PostgreSQL, against a real Redis."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy import Request
from sqlalchemy import select

from aggregator.core import Aggregator
from aggregator.crawl.distributed.keys import Keys
from aggregator.crawl.distributed.rounds import JOB_MARKER, Job, Rounds
from aggregator.crawl.harvest import Validators
from aggregator.crawl.politeness import SharedHostLimitMiddleware
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import CrawlRunSource, Source
from aggregator.services.runs import SourceTally
from tests.support.cli import crawl_env, run_cli
from tests.support.redis_queue import REDIS_URL, redis_prefix, require_redis


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    require_redis()
    with redis.Redis.from_url(REDIS_URL, decode_responses=True) as connection:
        yield connection


@pytest.fixture
def rounds(core: Aggregator, client: redis.Redis) -> Iterator[Rounds]:
    with redis_prefix() as prefix:
        yield Rounds(core, client, Keys(prefix))


def _line(core: Aggregator, run_id: int, source_id: int) -> CrawlRunSource:
    with core.db.read() as session:
        line = session.scalar(
            select(CrawlRunSource).where(
                CrawlRunSource.run_id == run_id, CrawlRunSource.source_id == source_id
            )
        )
        assert line is not None
        session.expunge(line)
        return line


def test_seeding_leases_each_source_once_and_queues_one_job(rounds: Rounds, core: Aggregator) -> None:
    a = core.sources.add("https://a.example/feed", name="a")
    b = core.sources.add("https://b.example/feed", name="b")
    first = rounds.seed()
    assert first.run_id is not None
    assert sorted(first.seeded) == ["a", "b"]
    jobs = [Job.decode(raw) for raw in rounds.redis.lrange(rounds.keys.jobs, 0, -1)]
    assert jobs == [Job(first.run_id, a.id), Job(first.run_id, b.id)]
    # A second round while the first holds the leases seeds nothing and says who is busy.
    second = rounds.seed()
    assert second.run_id is None
    assert sorted(second.busy) == ["a", "b"]


def test_seeding_named_sources_leases_only_those(rounds: Rounds, core: Aggregator) -> None:
    core.sources.add("https://a.example/feed", name="a")
    core.sources.add("https://b.example/feed", name="b")
    assert rounds.seed(names=["b"]).seeded == ["b"]
    with pytest.raises(NotFound):
        rounds.seed(names=["nowhere"])
    assert rounds.redis.llen(rounds.keys.jobs) == 1


def test_a_source_completes_only_when_its_last_open_work_is_settled(rounds: Rounds, core: Aggregator) -> None:
    source = core.sources.add("https://a.example/feed", name="a")
    run_id = rounds.seed().run_id
    assert run_id is not None
    rounds.register(run_id, source.id, ["r:https://a.example/feed"])
    rounds.settle(run_id, source.id, JOB_MARKER)
    rounds.keep_validators(run_id, source.id, Validators(etag='"v1"', last_modified=None))
    rounds.register(run_id, source.id, ["r:https://a.example/1", "r:https://a.example/2"])
    rounds.settle(run_id, source.id, "r:https://a.example/feed")
    rounds.settle(run_id, source.id, "r:https://a.example/1")
    # One page is still out: no validators stored (a 304 next time would hide it), lease held.
    assert core.sources.get("a").etag is None
    assert rounds.is_open(run_id)
    rounds.settle(run_id, source.id, "r:https://a.example/1")  # settling twice changes nothing
    assert core.sources.get("a").etag is None
    rounds.settle(run_id, source.id, "r:https://a.example/2")
    done = core.sources.get("a")
    assert done.etag == '"v1"'
    assert done.health == "ok"
    assert not rounds.is_open(run_id)
    with core.db.read() as session:
        assert session.scalar(select(Source.lease_owner).where(Source.id == source.id)) is None


def test_a_lapsed_round_is_closed_as_failed_and_its_sources_seeded_again(
    core: Aggregator, client: redis.Redis
) -> None:
    core.config = core.config.with_overrides(round_lease=0)
    with redis_prefix() as prefix:
        rounds = Rounds(core, client, Keys(prefix))
        core.sources.add("https://a.example/feed", name="a")
        first = rounds.seed().run_id
        assert first is not None
        again = rounds.seed()
        assert again.run_id is not None
        assert again.seeded == ["a"]
        assert core.runs.get(first).status == "failed"


def test_counts_from_many_workers_at_once_all_arrive(rounds: Rounds, core: Aggregator) -> None:
    source = core.sources.add("https://a.example/feed", name="a")
    run_id = rounds.seed().run_id
    assert run_id is not None

    def worker() -> None:
        for _ in range(25):
            tally = SourceTally(fetched=1, new=1)
            tally.fail("page failed")
            rounds.add_counts(run_id, source.id, tally)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    line = _line(core, run_id, source.id)
    assert (line.fetched, line.new, line.errors) == (100, 100, 100)
    assert line.error is not None
    assert line.error.startswith("page failed; page failed")


def test_a_malformed_job_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Job.decode(b"http://example.org/")


def test_host_slots_are_shared_between_middlewares(client: redis.Redis) -> None:
    with redis_prefix() as prefix:
        keys = Keys(prefix)
        first, second = (
            SharedHostLimitMiddleware(client, keys, concurrency=2, delay=0.0, lease=30.0, slots={})
            for _ in range(2)
        )
        requests = [Request(f"https://host.example/{n}") for n in range(3)]

        async def scenario() -> bool:
            await first.process_request(requests[0])
            await second.process_request(requests[1])
            third = asyncio.ensure_future(first.process_request(requests[2]))
            await asyncio.sleep(0.3)
            blocked = not third.done()
            second.process_exception(requests[1], RuntimeError("gone"))
            await asyncio.wait_for(third, timeout=5)
            return blocked

        assert asyncio.run(scenario())
        assert client.zcard(keys.host("host.example")) == 2


def test_worker_and_distributed_crawl_say_they_need_redis(tmp_path: Path) -> None:
    env = crawl_env(f"sqlite:///{tmp_path / 'a.db'}")
    assert run_cli("init", env=env).returncode == 0
    assert run_cli("sources", "add", "https://a.example/feed", env=env).returncode == 0
    for args in (["worker"], ["crawl", "--distributed"]):
        done = run_cli(*args, env=env)
        assert done.returncode == 1
        assert "needs AGGREGATOR_REDIS_URL" in done.stderr
    done = run_cli("crawl", "--wait", env=env)
    assert done.returncode == 2
    assert "--wait goes with --distributed" in done.stderr
