"""The learned queue order at scale: the next `sort=likely` page after a decision, 20,000 items, SQLite.

    .venv/bin/python bench/learned_queue.py [--items 20000] [--decisions 60] [--limit 50]

Fills a SQLite file with `--items` unreviewed newswires of `../shared/corpora/reuters-21578` (its 18,257,
then repeated with a marked title) by bulk inserts, with the rules' scores of a topic `crude` (name and
one include term `crude`, as in bench/screening_model.py) stored as a crawl stores them. Then, in the
app in-process (ASGI, an API token), one decision after another: the first item of the page is
approved into the topic when its label says crude, rejected otherwise, through the API, and the next
page (`GET /api/items?status=new&topic=crude&sort=likely&limit=50`, every new item ranked, each with its
why) is timed. Prints the first page (which builds the corpus: hashing every text) and the median, p95
and maximum of the pages after a decision, against the target of 300 ms. The times include the
in-process HTTP client, so the server alone is a little faster than printed; the process's CPU time
per page is printed too, as it depends less on what else the machine is running than the wall time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Python puts this script's folder first on the path, where bench/review_queue.py's neighbours could hide
# standard library modules: take the folder off before anything imports it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from aggregator.config import Config  # noqa: E402
from aggregator.core import Aggregator  # noqa: E402
from aggregator.curate.relevance import score_topic  # noqa: E402
from aggregator.models import Item, ItemTopic  # noqa: E402
from aggregator.web import create_app  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "reuters-21578" / "reuters.jsonl"
TARGET_MS = 300.0
TOPIC = "crude"


def fill(core: Aggregator, count: int) -> dict[int, bool]:
    """Store ``count`` new newswires and the topic's rule scores; return each item's label by id."""
    with CORPUS.open(encoding="utf-8") as lines:
        docs = [json.loads(line) for line in lines]
    source = core.sources.add("https://wires.example/feed", name="Wires").id
    topic = core.topics.add(TOPIC, name=TOPIC, include=[TOPIC]).id
    start = dt.datetime(1987, 1, 1, tzinfo=dt.UTC)
    labels: dict[int, bool] = {}
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for n in range(count):
        doc = docs[n % len(docs)]
        title = str(doc["title"]) if n < len(docs) else f"{doc['title']} (repeat {n // len(docs)})"
        text = str(doc["text"])
        published = start + dt.timedelta(minutes=n)
        rows.append(
            {
                "id": n + 1,
                "source_id": source,
                "url": f"https://wires.example/{n}",
                "canonical_url": f"https://wires.example/{n}",
                "title": title,
                "published_at": published,
                "first_seen_at": published,
                "language": "en",
                "text": text,
                "summary": text[:280],
                "status": "new",
                "excerpt_candidates": [],
                "updated_at": published,
            }
        )
        labels[n + 1] = TOPIC in doc["topics"]
        scored = score_topic(title, text[:280], text, (TOPIC,), ())
        if scored.score:
            links.append(
                {"item_id": n + 1, "topic_id": topic, "score": scored.score, "matched_terms": [TOPIC]}
            )
    with core.db.write() as session:
        for first in range(0, len(rows), 2000):
            session.execute(insert(Item), rows[first : first + 2000])
        session.execute(insert(ItemTopic), links)
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--decisions", type=int, default=60)
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    core = Aggregator(Config(database_url=f"sqlite:///{folder.name}/learned.db"))
    core.init_db()
    began = time.perf_counter()
    labels = fill(core, args.items)
    print(f"filled {args.items:,} items in {time.perf_counter() - began:.0f} s")
    core.users.add("bench", role="curator", password="bench-password")  # noqa: S106 (throwaway database)
    _, token = core.tokens.issue("bench")
    client = TestClient(create_app(core), headers={"Authorization": f"Bearer {token}"})
    url = f"/api/items?status=new&topic={TOPIC}&sort=likely&limit={args.limit}"
    began = time.perf_counter()
    page = client.get(url).json()["items"]
    print(f"first page (builds the corpus and the model): {(time.perf_counter() - began) * 1000:,.0f} ms")
    times: list[float] = []
    cpu_times: list[float] = []
    for _ in range(args.decisions):
        first = page[0]["id"]
        if labels[first]:
            answer = client.post(f"/api/items/{first}/approve", json={"topics": [TOPIC]})
        else:
            answer = client.post(f"/api/items/{first}/reject", json={})
        assert answer.status_code == 200, answer.text
        began, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, response.text
        page = response.json()["items"]
        assert all("why" in i for i in page)
    times.sort()
    cpu_times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    cpu_p95 = cpu_times[min(len(cpu_times) - 1, round(0.95 * (len(cpu_times) - 1)))]
    report = client.get(f"/api/topics/{TOPIC}/model").json()
    print(
        f"next page of {args.limit} after a decision, {args.decisions} decisions "
        f"({report['relevant']} approved, {report['irrelevant']} rejected), {args.items:,} items: "
        f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms "
        f"(target {TARGET_MS:.0f} ms: {'met' if p95 < TARGET_MS else 'NOT met'} at p95); CPU time of the "
        f"process per page: median {statistics.median(cpu_times):.0f} ms, p95 {cpu_p95:.0f} ms"
    )
    client.close()
    core.close()
    folder.cleanup()


if __name__ == "__main__":
    main()
