"""The crawl worker's run loop: one Scrapy process over the shared queue, until it is told to stop.

The first SIGTERM or SIGINT drains the worker: it takes nothing more from the queue, finishes the
requests and items it holds, and exits. A second one stops it at once (what it held is found again by
the next round). SIGKILL loses what it held in the same way, and nothing else.
"""

from __future__ import annotations

import gc
import signal
from collections.abc import Callable
from types import FrameType

from scrapy.crawler import CrawlerProcess

from aggregator.core import Aggregator
from aggregator.crawl.distributed.connection import connect
from aggregator.crawl.distributed.harvest import DistributedHarvest
from aggregator.crawl.distributed.keys import Keys
from aggregator.crawl.distributed.rounds import Rounds
from aggregator.crawl.distributed.settings import worker_settings


def run_worker(core: Aggregator, *, concurrency: int, echo: Callable[[str], None] = print) -> int:
    """Crawl from the shared queue until stopped; return the exit status."""
    core.db.require_schema()
    client = connect(core.config)
    rounds = Rounds(core, client, Keys(core.config.redis_prefix))
    harvest = DistributedHarvest(core, rounds)
    process = CrawlerProcess(
        {**worker_settings(core.config, concurrency=concurrency), "LOG_INSTALL_ROOT_HANDLER": False}
    )
    process.crawl("worker", harvest=harvest)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if harvest.draining:
            echo(f"received {name} again: stopping now")
            from twisted.internet import reactor

            reactor.callFromThread(process.stop)
            return
        echo(f"received {name}: finishing the work in hand, taking no more")
        harvest.draining = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    where = f"queue {rounds.keys.requests} on {_safe(core.config.redis_url)}, database {core.db.safe_url}"
    echo(f"worker {harvest.holdings.worker} started: {where}")
    # As in aggregator.crawl.run: what lives as long as the worker is kept out of the collector's scans.
    gc.freeze()
    try:
        process.start(install_signal_handlers=False)
    finally:
        harvest.close()
    echo(f"worker stopped after {harvest.responses} responses")
    return 0


def _safe(url: str) -> str:
    """Return a Redis URL without its password."""
    head, sep, tail = url.rpartition("@")
    if not sep:
        return url
    scheme, _, _ = head.partition("://")
    return f"{scheme}://***@{tail}"
