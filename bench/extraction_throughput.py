"""Extraction throughput: the product's extraction stage on every core against plain trafilatura on one.

    .venv/bin/python bench/extraction_throughput.py [--corpus DIR] [--rounds 2] [--workers 2]

The product side is what a crawl runs: aggregator.extract.pool.ExtractorPool (spawned worker processes,
a time limit per page, pages sent as bytes), fed from asyncio with up to --in-flight pages outstanding,
each page extracted fully (metadata, two trafilatura passes, language, near-duplicate sketch). The peer
is ``trafilatura.extract(page, include_comments=False)`` in this single process. Both run on the same
pages in the same run; the peer is timed before and after the product and the two rates averaged, so
that load from other processes on the machine weighs on both sides alike. Pools are warmed up untimed.
A last line gives CPU time per page of both sides in one process, and the ratio that cost allows on
idle cores (no pool overhead counted): on a busy machine it is the steadier of the two figures.
Pages: the extraction corpus beside the project when present, else the project's recorded pages.
Target: a ratio of at least 1.8.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where bench/queue.py would shadow the
# standard library's queue (which multiprocessing and urllib3 import): the project root goes there.
sys.path[0] = str(ROOT)

import trafilatura  # noqa: E402

from aggregator.config import Config  # noqa: E402
from aggregator.errors import ExtractionError  # noqa: E402
from aggregator.extract.page import extract  # noqa: E402
from aggregator.extract.pool import ExtractorPool  # noqa: E402
from bench.corpus import find_corpus  # noqa: E402


def pages_from(corpus: Path | None) -> list[bytes]:
    """Return the pages to extract: the corpus's when given, else the project's recorded pages."""
    if corpus is not None:
        paths = sorted((corpus / "html").glob("*.html"))
    else:
        paths = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
        paths += sorted((ROOT / "aggregator" / "demo" / "snapshot").rglob("*.html"))
    return [p.read_bytes() for p in paths]


def plain_rate(pages: list[bytes]) -> float:
    """Return pages per second of single-process trafilatura with comments off."""
    started = time.perf_counter()
    for page in pages:
        trafilatura.extract(page, include_comments=False)
    return len(pages) / (time.perf_counter() - started)


async def product_rate(pages: list[bytes], *, workers: int, in_flight: int) -> tuple[float, int, float]:
    """Return pages per second through the product's extraction pool, how many pages failed, and the
    CPU milliseconds per page that feeding the pool cost this (the crawl's) process."""
    config = Config()
    pool = ExtractorPool(
        workers=workers, time_limit=config.extract_time_limit, max_bytes=config.max_page_bytes
    )
    slots = asyncio.Semaphore(in_flight)
    failures = 0

    async def one(page: bytes) -> None:
        nonlocal failures
        async with slots:
            try:
                await pool.extract(page, "https://example.org/article")
            except ExtractionError:
                failures += 1

    try:
        # Start every worker (spawn imports trafilatura in each) before the clock starts. The pool
        # starts a worker only when the others hold four pages each: enough pages at once for all.
        await asyncio.gather(*(one(page) for page in pages[: workers * 8]))
        started, cpu_started = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(page) for page in pages))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        pool.close()
    return len(pages) / elapsed, failures, cpu / len(pages) * 1000


def cpu_per_page(pages: list[bytes]) -> tuple[float, float]:
    """Return CPU milliseconds per page of the product's extract() and of plain trafilatura, in this
    process: a figure that load from other processes distorts far less than wall time."""
    started = time.process_time()
    for page in pages:
        extract(page, "https://example.org/article")
    product = time.process_time() - started
    started = time.process_time()
    for page in pages:
        trafilatura.extract(page, include_comments=False)
    plain = time.process_time() - started
    return product / len(pages) * 1000, plain / len(pages) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=find_corpus())
    parser.add_argument("--rounds", type=int, default=2, help="passes over the pages on each side")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--in-flight", type=int, default=32)
    args = parser.parse_args()
    pages = pages_from(args.corpus) * args.rounds
    trafilatura.extract(pages[0], include_comments=False)  # warm-up: imports and caches

    before = plain_rate(pages)
    product, failures, feeding_ms = asyncio.run(
        product_rate(pages, workers=args.workers, in_flight=args.in_flight)
    )
    after = plain_rate(pages)
    plain = (before + after) / 2

    product_ms, plain_ms = cpu_per_page(pages[: len(pages) // args.rounds])

    source = args.corpus.name if args.corpus else "project recorded pages"
    print(f"pages: {len(pages)} ({source}, {args.rounds} rounds); cores: {os.cpu_count()}")
    print(f"plain trafilatura, 1 process     {plain:8.1f} pages/s  (before {before:.1f}, after {after:.1f})")
    print(f"product pool, {args.workers} workers          {product:8.1f} pages/s  ({failures} pages failed)")
    print(f"ratio                            {product / plain:8.2f}x  (target >= 1.8x)")
    print(
        f"CPU per page, one process: product {product_ms:.1f} ms, plain trafilatura {plain_ms:.1f} ms;"
        f" ceiling on {args.workers} idle cores: {args.workers * plain_ms / product_ms:.2f}x"
    )
    with_feeding = args.workers * plain_ms / (product_ms + feeding_ms)
    print(
        f"feeding the pool cost the crawl's process {feeding_ms:.1f} ms CPU per page;"
        f" ceiling counting it: {with_feeding:.2f}x"
    )


if __name__ == "__main__":
    main()
