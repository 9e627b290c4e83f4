"""Export benchmark: `aggregator export --format atom` of 10,000 and 100,000 approved entries.

Fills SQLite files with approved items in bulk (not through the crawler), then runs the real CLI in
a subprocess per size and reports wall time and the subprocess's peak memory (ru_maxrss from
wait4) against the targets: under 10 s for 100,000 entries, and memory that does not grow with the
number of entries (streamed, not built in memory).

    .venv/bin/python bench/export.py [--sizes 10000 100000] [--format atom] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree
from sqlalchemy import insert, select

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.models import Item, ItemTopic, Source, Topic

TARGET_SECONDS = 10.0
TARGET_SIZE = 100_000
WORDS = (  # noqa: SIM905 (one string reads better than 19 quoted words)
    "citizens assembly democracy climate deliberation council members recommendations evidence "
    "participation government policy community wales involve guardian report public voice"
).split()
_CHUNK = 5_000


def fill(path: Path, count: int, seed: int = 7) -> None:
    """Create a SQLite file at ``path`` holding ``count`` approved items on one topic."""
    rng = random.Random(seed)
    core = Aggregator(Config(database_url=f"sqlite:///{path}"))
    core.init_db()
    with core.db.write() as session:
        session.add(
            Source(name="Bench source", url="https://bench.example/feed", settings={"label": "Bench"})
        )
        session.add(Topic(slug="bench", name="Bench", intro="Generated entries.", position=1))
    with core.db.read() as session:
        source_id = session.scalar(select(Source.id))
        topic_id = session.scalar(select(Topic.id))
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    for offset in range(0, count, _CHUNK):
        items, links = [], []
        for n in range(offset, min(offset + _CHUNK, count)):
            words = rng.choices(WORDS, k=450)  # about 3,500 characters, a short article
            when = start + dt.timedelta(minutes=37 * n)
            items.append(
                {
                    "id": n + 1,
                    "source_id": source_id,
                    "url": f"https://bench.example/{when:%Y/%m}/article-{n}",
                    "canonical_url": f"https://bench.example/{when:%Y/%m}/article-{n}",
                    "title": " ".join(rng.choices(WORDS, k=9)).capitalize(),
                    "author": rng.choice(("Ann Jones", "Bryn Evans", None)),
                    "published_at": when,
                    "first_seen_at": when,
                    "fetched_at": when,
                    "updated_at": when,
                    "reviewed_at": when,
                    "reviewed_by": "bench",
                    "language": "en",
                    "text": " ".join(words),
                    "summary": " ".join(words[:35]),
                    "excerpt": "“" + " ".join(words[35:70]) + "”",
                    "status": "approved",
                    "kind": "article",
                    "content_origin": "article",
                    "excerpt_candidates": [],
                }
            )
            links.append({"item_id": n + 1, "topic_id": topic_id, "score": 1.0, "assigned": True})
        with core.db.write() as session:
            session.execute(insert(Item), items)
            session.execute(insert(ItemTopic), links)
    core.close()


def run_export(path: Path, fmt: str, output: Path) -> tuple[float, float, int]:
    """Run the CLI export; return wall seconds, CPU seconds (user + system) and peak RSS in KiB."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env["AGGREGATOR_DATABASE_URL"] = f"sqlite:///{path}"
    argv = [sys.executable, "-m", "aggregator", "export", "--format", fmt, "--output", str(output)]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export failed: {stderr.strip()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def count_entries(output: Path) -> int:
    """Return how many entries the written Atom or RSS document holds, reading it as a stream."""
    tags = ("{http://www.w3.org/2005/Atom}entry", "item")
    count = 0
    for _, element in etree.iterparse(str(output), events=("end",), tag=tags):
        count += 1
        element.clear()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, TARGET_SIZE])
    parser.add_argument("--format", default="atom", choices=["atom", "rss"])
    parser.add_argument("--keep", type=Path, help="keep the databases and outputs in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in args.sizes:
            db = folder / f"export-{size}.db"
            if not db.exists():
                started = time.perf_counter()
                fill(db, size)
                print(f"filled {size:,} approved items in {time.perf_counter() - started:.1f} s ({db})")
            output = folder / f"export-{size}.{args.format}.xml"
            seconds, cpu, peak_kib = run_export(db, args.format, output)
            written = count_entries(output)
            if written != size:
                raise SystemExit(f"the export holds {written:,} entries, not {size:,}")
            results.append((size, seconds, cpu, peak_kib))
            print(
                f"export --format {args.format}: {size:>7,} entries  wall {seconds:6.2f} s  "
                f"CPU {cpu:6.2f} s  {size / seconds:8,.0f} entries/s  peak RSS {peak_kib / 1024:6.1f} MiB  "
                f"output {output.stat().st_size / 2**20:6.1f} MiB"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    by_size = {size: (seconds, cpu) for size, seconds, cpu, _ in results}
    if TARGET_SIZE in by_size:
        seconds, cpu = by_size[TARGET_SIZE]
        verdict = "meets" if seconds < TARGET_SECONDS else "MISSES"
        print(
            f"target: {TARGET_SIZE:,} entries in under {TARGET_SECONDS:.0f} s: "
            f"wall {seconds:.2f} s, {verdict} it (CPU {cpu:.2f} s; on a busy machine wall time "
            "exceeds CPU time: compare the two)"
        )
    if len(results) >= 2:
        (small, _, _, small_peak), (large, _, _, large_peak) = results[0], results[-1]
        print(
            f"memory: {large / small:.0f}x the entries took {large_peak / small_peak:.2f}x the peak RSS "
            f"({small_peak / 1024:.1f} MiB -> {large_peak / 1024:.1f} MiB)"
        )


if __name__ == "__main__":
    main()
