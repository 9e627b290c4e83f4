"""Concurrent writers on one SQLite file (a crawl, the scheduler, a curator's command) never see
"database is locked": writes wait for the lock (BEGIN IMMEDIATE under busy_timeout) instead of failing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from aggregator.config import Config
from aggregator.core import Aggregator

WRITER = """
import sys
from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.services.items import Harvested

url, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
core = Aggregator(Config(database_url=url))
source = core.sources.get("s").id
for n in range(count):
    # Every worker records the same shared URLs too: the upsert must settle each once.
    for link in (f"https://ex.org/w{worker}/{n}", f"https://ex.org/shared/{n}"):
        core.items.record(Harvested(source_id=source, url=link, guid=None, title=f"T{n}", author=None,
                                    published=None, language="en", text="x " * 200, summary="x"))
    if n % 5 == 0:
        for item in core.items.query(status="new", limit=3):
            core.items.approve(item.id, actor=f"curator{worker}")
        core.sources.record_success(source, etag=str(n), last_modified=None)
print("done")
"""


def test_parallel_writers_on_sqlite_never_fail(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    core = Aggregator(Config(database_url=url))
    core.init_db()
    core.sources.add("https://ex.org/feed", name="s")
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    workers = [
        subprocess.Popen(
            [sys.executable, str(script), url, str(w), "60"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        for w in range(4)
    ]
    results = [w.communicate(timeout=180) for w in workers]
    try:
        for worker, (out, err) in zip(workers, results, strict=True):
            assert worker.returncode == 0, err
            assert "database is locked" not in err
            assert out.strip() == "done"
        assert core.items.count() == 4 * 60 + 60
        assert core.items.count(status="approved") > 0
    finally:
        core.close()
