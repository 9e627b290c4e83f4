"""Recrawl: the generated site crawled a second time, unchanged, as a fraction of the first crawl's time.

    .venv/bin/python bench/recrawl.py [--pages 5000] [--concurrency 64]

Both crawls are ``aggregator crawl`` in a subprocess, timed from process start to exit. The second
should send conditional requests for every source's own document (feeds, sitemap), get 304s and
fetch no article page; the site's own counters show what it answered. Target: under 5%.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where bench/queue.py would shadow the
# standard library's queue: the project root takes its place.
sys.path[0] = str(ROOT)

from bench.support.crawl_run import prepare_product, product_crawl, served_site  # noqa: E402
from bench.support.site import FEED_SECTIONS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64, help="the product's requests per host")
    args = parser.parse_args()
    with served_site(args.pages) as served, tempfile.TemporaryDirectory(prefix="bench-recrawl-") as tmp:
        work = Path(tmp)
        db_url = prepare_product(work, served.base, args.pages)
        first = product_crawl(served, work, db_url, args.concurrency)
        second = product_crawl(served, work, db_url, args.concurrency)
    sources = len(FEED_SECTIONS) + 1
    not_modified = second.answers.get("feed 304", 0) + second.answers.get("sitemap 304", 0)
    pages = sum(n for kind, n in second.answers.items() if kind.startswith("article"))
    print(f"site: {args.pages} article pages, {sources} sources (8 feeds, 1 sitemap)")
    print(f"first crawl:  {first.wall:7.2f}s  {first.cpu:6.1f} CPU-s  answers {first.answers}")
    print(f"second crawl: {second.wall:7.2f}s  {second.cpu:6.1f} CPU-s  answers {second.answers}")
    print(f"second crawl: {not_modified} of {sources} sources answered 304; {pages} article pages fetched")
    print(f"recrawl / first crawl: {second.wall / first.wall:.1%}   (target < 5%)")
    if not_modified != sources or pages:
        sys.exit("the second crawl was not fully conditional")


if __name__ == "__main__":
    main()
