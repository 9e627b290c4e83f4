"""Screening through the real app: a curator simulated over HTTP with an API token, on labelled newswires.

    .venv/bin/python bench/screening.py [--tasks crude ship ...] [--seeds 0 1] [--keep]

For each screening task of `../shared/corpora/reuters-21578` (its README; the same 2,000 sampled newswires
and labels as bench/screening_model.py) and each seed:

1. the task's newswires are served on 127.0.0.1 as one RSS feed and one HTML page per newswire;
2. a fresh SQLite database gets the feed as a source, `aggregator crawl` harvests it (feed, pages,
   extraction, storage, as in production), `aggregator topics add` makes the task's topic (its category
   code as name and as the one include term, as in bench/screening_model.py), `aggregator users add` a
   curator and `aggregator users token` an API token for it; `aggregator serve` runs the app;
3. through the JSON API with `Authorization: Bearer`, the curator unfolds the copies the crawl folded
   (Reuters re-sends: the task is the 2,000 newswires, each screened on its own), approves one relevant
   item into the topic and rejects one irrelevant item (the same two as the offline simulation), then
   repeatedly takes the top 10 of `GET /api/items?status=new&topic=SLUG&sort=likely&limit=10`, approves
   the relevant ones into the topic and rejects the others, until every relevant item is found and at
   least 10% of the items are read.

It prints WSS@95 and recall@10% for the product (through the app), and, in the same run, for random
order, the keyword rules alone and the ASReview re-implementation fed the same decisions
(bench/screening_model.py's, on the corpus's texts), with the app's page time seen by the client.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from html import escape
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path: the project root takes its place.
sys.path[0] = str(ROOT)

from aggregator.curate.features import Document  # noqa: E402
from bench.screening_model import (  # noqa: E402
    BATCH,
    TASKS,
    Labels,
    Ranker,
    asreview,
    fixed,
    load,
    metrics,
    print_table,
    priors,
    rules_order,
    sample,
    simulate,
)
from tests.support.feeds import Entry, rss  # noqa: E402
from tests.support.server import LocalServer, Reply  # noqa: E402

PASSWORD = secrets.token_urlsafe(16)
DAY = dt.datetime(1987, 3, 1, tzinfo=dt.UTC)


def article(doc: Document) -> bytes:
    """Return a newswire as an article page: its title and its paragraphs."""
    # Paragraphs open with an indent; the lines inside them are wrapped at about 65 characters.
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s{2,}", doc.text) if p.strip()]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{escape(doc.title)}</title></head><body><article>"
        f"<h1>{escape(doc.title)}</h1>{body}</article></body></html>"
    ).encode()


def serve_task(texts: list[Document]) -> tuple[LocalServer, str]:
    """Serve the task's newswires on 127.0.0.1; return the server and the feed's URL."""
    server = LocalServer().start()
    entries = []
    for i, doc in enumerate(texts):
        link = server.url(f"/wire/{i}")
        server.routes[f"/wire/{i}"] = Reply(article(doc))
        first = " ".join(re.split(r"\n\s{2,}", doc.text.strip())[0].split())[:300]
        entries.append(Entry(link, doc.title, DAY + dt.timedelta(minutes=i), summary=first))
    server.routes["/feed.xml"] = Reply(rss(entries, title="Reuters"), content_type="application/rss+xml")
    return server, server.url("/feed.xml")


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run an `aggregator` command; return its standard output (raise on failure)."""
    done = subprocess.run(
        [sys.executable, "-m", "aggregator", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"aggregator {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class App:
    """`aggregator serve` on a fresh database holding one task's newswires, and a token to call it."""

    def __init__(self, folder: Path, texts: list[Document], name: str) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "AGGREGATOR_DATABASE_URL": f"sqlite:///{folder}/screening.db",
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
            "AGGREGATOR_DOWNLOAD_DELAY": "0",
            "AGGREGATOR_CONCURRENT_REQUESTS_PER_HOST": "16",
            # One feed holds the whole task (the product reads the newest 1,000 entries by default).
            "AGGREGATOR_MAX_FEED_ENTRIES": "5000",
        }
        self.server, feed = serve_task(texts)
        started = time.monotonic()
        cli(self.env, "init")
        cli(self.env, "sources", "add", feed, "--name", "reuters")
        cli(self.env, "crawl")
        self.crawl_seconds = time.monotonic() - started
        cli(self.env, "topics", "add", name, "--name", name, "--include", name)
        cli(self.env, "users", "add", "screener", "--role", "curator", "--password-stdin", stdin=PASSWORD)
        token = cli(self.env, "users", "token", "screener").strip()
        port = free_port()
        self.log = (folder / "app.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "serve", "--port", str(port)],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.http = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {token}"}, timeout=120
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.http.get("/api/topics").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the app did not start: see {folder / 'app.log'}")
            time.sleep(0.3)

    def call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        """Send one API call; raise on anything but 200."""
        answer = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        if answer.status_code != 200:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer

    def close(self) -> None:
        self.http.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        self.server.stop()


def corpus_index(app: App, n: int) -> dict[int, int]:
    """Return each stored item's newswire (its index in the task), by item id; unfold folded copies."""
    found: dict[int, int] = {}
    # The newest-first order pages by cursor: walk it, folded copies included by unfolding them first.
    cursor = ""
    while True:
        page = app.call("GET", "/api/items", params={"status": "new", "limit": 500, "after": cursor}).json()
        for item in page["items"]:
            found[item["id"]] = int(item["url"].rsplit("/", 1)[1])
            for copy in item.get("copies", []):
                app.call("POST", f"/api/items/{copy['id']}/unfold")
                found[copy["id"]] = int(copy["url"].rsplit("/", 1)[1])
        if not page["next"]:
            break
        cursor = page["next"]
    missing = n - len(set(found.values()))
    if missing:
        print(
            f"  {missing} newswires not in the queue after the crawl (counted as never read)", file=sys.stderr
        )
    return found


def screen_in_app(app: App, name: str, labels: Labels, seed: int) -> tuple[list[int], list[float]]:
    """Return the newswires in the order the curator read them through the app, and each page's time."""
    index = corpus_index(app, len(labels))
    item_of = {i: item_id for item_id, i in index.items()}

    def decide(i: int) -> None:
        if labels[i]:
            app.call("POST", f"/api/items/{item_of[i]}/approve", json={"topics": [name]})
        else:
            app.call("POST", f"/api/items/{item_of[i]}/reject", json={})

    read = priors(labels, seed)
    for i in read:
        decide(i)
    total = int(labels.sum())
    minimum = math.ceil(0.10 * len(labels))
    pages: list[float] = []
    params = {"status": "new", "topic": name, "sort": "likely", "limit": BATCH}
    while int(labels[read].sum()) < total or len(read) < minimum:
        started = time.perf_counter()
        items = app.call("GET", "/api/items", params=params).json()["items"]
        pages.append(time.perf_counter() - started)
        if not items:
            break
        for item in items:
            i = index[item["id"]]
            read.append(i)
            decide(i)
    # Newswires the queue never showed (not harvested) count as read last.
    shown = set(read)
    return read + [i for i in range(len(labels)) if i not in shown], pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--keep", action="store_true", help="keep the databases and app logs")
    args = parser.parse_args()
    docs = load()
    methods = ["product (app)", "random", "rules", "asreview"]
    results: dict[str, dict[str, list[tuple[float, float]]]] = {m: {} for m in methods}
    page_times: list[float] = []
    for name in args.tasks:
        texts, labels = sample(docs, TASKS.index(name))
        for seed in args.seeds:
            folder = Path(tempfile.mkdtemp(prefix=f"screening-{name}-{seed}-"))
            app = App(folder, texts, name)
            try:
                read, pages = screen_in_app(app, name, labels, seed)
            finally:
                app.close()
                if not args.keep:
                    shutil.rmtree(folder, ignore_errors=True)
            page_times.extend(pages)
            results["product (app)"].setdefault(name, []).append(metrics(read, labels))
            others: dict[str, Ranker] = {
                "random": fixed(np.random.default_rng(seed).permutation(len(texts)).tolist()),
                "rules": fixed(rules_order(texts, name, seed)),
                "asreview": asreview(texts),
            }
            for method, ranker in others.items():
                results[method].setdefault(name, []).append(metrics(simulate(ranker, labels, seed), labels))
            wss, recall = results["product (app)"][name][-1]
            print(
                f"  {name} seed {seed}: crawl {app.crawl_seconds:.0f} s, {len(read)} read through the app "
                f"({len(pages)} pages, median {statistics.median(pages) * 1000:.0f} ms), "
                f"WSS@95 {wss:.3f}, recall@10% {recall:.3f}",
                file=sys.stderr,
                flush=True,
            )
    print_table(results, args.tasks)
    if page_times:
        ordered = sorted(page_times)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        print(
            f"sort=likely pages of {BATCH} seen by the client: "
            f"median {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms over {len(ordered)} pages"
        )


if __name__ == "__main__":
    main()
