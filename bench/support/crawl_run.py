"""The pieces the crawl benchmarks share: the site in its own process, the product's crawl, the peers."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.support.site import Site

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass
class Served:
    """The site's process and address; ``stats()`` asks it what it answered and its CPU time."""

    process: subprocess.Popen[str]
    base: str

    def stats(self) -> dict[str, Any]:
        """Return the server's counters (CPU seconds, answers by status and kind)."""
        with urllib.request.urlopen(self.base + "/__stats", timeout=10) as answer:  # noqa: S310 (local)
            data: dict[str, Any] = json.loads(answer.read())
            return data


@contextmanager
def served_site(pages: int) -> Iterator[Served]:
    """Run bench/site.py in a process of its own (its CPU is measured apart) and stop it after."""
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "bench" / "site.py"), "--pages", str(pages)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if len(line) != 2 or line[0] != "ready":
            raise RuntimeError(f"the site did not start: {line}")
        yield Served(process, line[1])
    finally:
        process.terminate()
        process.wait(10)


@dataclass(frozen=True)
class Phase:
    """One timed phase: wall seconds, and the server's CPU seconds and answers during it."""

    wall: float
    server_cpu: float
    answers: dict[str, int]
    output: str
    # CPU seconds of the command and every process it started and waited for (extraction workers).
    cpu: float = 0.0

    def server_share(self) -> str:
        """Return the server's CPU as a share of one core and of the machine, during the phase."""
        cores = os.cpu_count() or 1
        one = self.server_cpu / self.wall if self.wall else 0.0
        return (
            f"server CPU {self.server_cpu:.2f}s = {one:.0%} of one core, {one / cores:.0%} of {cores} cores"
        )


def _delta(before: dict[str, Any], after: dict[str, Any]) -> tuple[float, dict[str, int]]:
    kinds = {k: v - before["kind"].get(k, 0) for k, v in after["kind"].items()}
    return after["cpu_seconds"] - before["cpu_seconds"], {k: v for k, v in kinds.items() if v}


def timed(served: Served, argv: list[str], *, env: dict[str, str], cwd: Path) -> Phase:
    """Run ``argv`` to completion and return its phase; raise if it fails outright."""
    before = served.stats()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu, answers = _delta(before, served.stats())
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    return Phase(wall, server_cpu, answers, done.stdout, cpu)


def product_env(database_url: str, concurrency: int) -> dict[str, str]:
    """Return the environment of a bulk crawl of one local site: no delay, many requests at once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env.update(
        {
            "AGGREGATOR_DATABASE_URL": database_url,
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
            "AGGREGATOR_DOWNLOAD_DELAY": "0",
            "AGGREGATOR_CONCURRENT_REQUESTS_PER_HOST": str(concurrency),
            "AGGREGATOR_OBEY_ROBOTS_TXT": "1",
            "AGGREGATOR_USER": "bench",
            "PYTHONWARNINGS": "ignore",
        }
    )
    return env


def prepare_product(work: Path, site_base: str, pages: int) -> str:
    """Create a database in ``work`` with the site's feeds and its sitemap as sources; return its URL."""
    from aggregator.config import Config
    from aggregator.core import Aggregator

    url = f"sqlite:///{work / 'bench.db'}"
    subprocess.run(
        [str(BIN / "aggregator"), "init"], env=product_env(url, 1), cwd=work, check=True, capture_output=True
    )
    core = Aggregator(Config(database_url=url))
    try:
        site = Site(0, site_base)  # only for the addresses; no pages are built
        for section_url in [f"{site_base}/{s}/rss" for s in _feed_sections()]:
            core.sources.add(section_url, name=section_url.rsplit("/", 2)[-2], kind="feed")
        core.sources.add(
            site.sitemap_url,
            name="older",
            kind="sitemap",
            settings={"since_days": 0, "max_urls": max(pages, 1)},
        )
    finally:
        core.close()
    return url


def _feed_sections() -> tuple[str, ...]:
    from bench.support.site import FEED_SECTIONS

    return FEED_SECTIONS


def product_crawl(served: Served, work: Path, database_url: str, concurrency: int) -> Phase:
    """Run ``aggregator crawl --json`` once against the site and return its phase."""
    argv = [str(BIN / "aggregator"), "crawl", "--json"]
    return timed(served, argv, env=product_env(database_url, concurrency), cwd=work)


def stored_articles(database_url: str) -> tuple[int, int]:
    """Return (items stored, items stored from their extracted article page)."""
    from sqlalchemy import func, select

    from aggregator.db import Database
    from aggregator.models import Item

    db = Database(database_url)
    try:
        with db.read() as session:
            total = session.scalar(select(func.count()).select_from(Item)) or 0
            pages = session.scalar(
                select(func.count()).select_from(Item).where(Item.content_origin == "article")
            )
            return int(total), int(pages or 0)
    finally:
        db.dispose()


def trafilatura_cli(served: Served, urls: list[str], parallel: int) -> tuple[Phase, int]:
    """Run trafilatura's own command line over ``urls``; return its phase and the files it wrote.

    Its per-host politeness (SLEEP_TIME, 5 s between two fetches of one host by default) is set to
    0 through its own config file, as the product's delay is, so both crawl flat out; its SSRF
    protection is turned off there too, as AGGREGATOR_ALLOW_PRIVATE_NETWORKS does for the product.
    """
    with tempfile.TemporaryDirectory(prefix="bench-trafilatura-") as tmp:
        folder = Path(tmp)
        (folder / "urls.txt").write_text("\n".join(urls) + "\n")
        config = folder / "settings.cfg"
        import trafilatura.settings

        defaults = Path(trafilatura.settings.__file__).with_name("settings.cfg").read_text()
        changed = defaults.replace("SLEEP_TIME = 5.0", "SLEEP_TIME = 0")
        config.write_text(changed.replace("SSRF_PROTECTION = on", "SSRF_PROTECTION = off"))
        argv = [
            str(BIN / "trafilatura"),
            "-i",
            str(folder / "urls.txt"),
            "-o",
            str(folder / "out"),
            "--no-comments",
            "--parallel",
            str(parallel),
            "--config-file",
            str(config),
        ]
        phase = timed(served, argv, env=dict(os.environ), cwd=folder)
        written = sum(1 for p in (folder / "out").rglob("*") if p.is_file())
        return phase, written


def plain_trafilatura_rate(site: Site, sample: int) -> float:
    """Return plain single-process trafilatura's pages per second (comments off) on the site's pages."""
    import trafilatura

    pages = [
        (site.base + a.path, site.resources[a.path].body.decode("utf-8")) for a in site.articles[:sample]
    ]
    trafilatura.extract(pages[0][1], url=pages[0][0], include_comments=False)  # warm-up: imports, caches
    # Wall time, like the crawls it is compared with: on a shared machine both suffer alike.
    start = time.perf_counter()
    for url, html in pages:
        trafilatura.extract(html, url=url, include_comments=False)
    return len(pages) / (time.perf_counter() - start)
