"""Hostile input, measured: a crawl's peak memory on entity-expansion feeds and on a 10 MB ordinary
feed, and the app's memory and public-page latency under a flood of 40 login connections.

    .venv/bin/python bench/hostile.py [--flood-seconds 20] [--only crawl|flood]

Crawl: the real `aggregator crawl` in a subprocess against one source served on 127.0.0.1; peak
memory is the largest resident size of the crawl's processes (getrusage of the children: the crawl
and its extraction workers). Flood: the real `aggregator serve` (argon2 at its default 64 MiB), 40
client threads posting logins with random names as fast as they are answered, while one more client
times the public topic index and Atom feed; the app's resident memory (its process and children) is
sampled every half second. Each figure is printed beside the same measure taken without the attack.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.cli import free_port, run_cli, start_cli, wait_for_login  # noqa: E402
from tests.support.server import LocalServer, Reply  # noqa: E402

RSS = "application/rss+xml"


def _env(db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{db}",
        "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
        "AGGREGATOR_DOWNLOAD_DELAY": "0",
        "AGGREGATOR_OBEY_ROBOTS_TXT": "0",
    }


# --- the crawl ---------------------------------------------------------------------------------


def entity_feed(size: int, *, hide: str) -> bytes:
    """Return a feed of about ``size`` bytes whose entities expand a hundredfold, hidden as asked."""
    laughs = '<!DOCTYPE r [<!ENTITY a "' + "a" * 1000 + '"><!ENTITY b "' + "&a;" * 100 + '">]>'
    items = "".join(
        f"<item><title>&b; {n}</title><link>https://ex.org/{n}</link></item>" for n in range(5000)
    )
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    if hide == "comment":
        pad = max(0, size - len(body) - len(laughs))
        text = '<?xml version="1.0"?><!--' + "x" * max(pad, 70_000) + "-->" + laughs + body
        return text.encode()
    text = '<?xml version="1.0" encoding="UTF-16"?>' + laughs + body
    return text.encode("utf-16")


def ordinary_feed(size: int) -> bytes:
    """Return a plain RSS feed of about ``size`` bytes (its relative links answer 404 at once)."""
    rng = random.Random(7)
    words = ["council", "assembly", "budget", "housing", "climate", "panel", "evidence", "vote"]
    parts: list[str] = []
    total, n = 0, 0
    while total < size:
        text = " ".join(rng.choice(words) for _ in range(60))
        item = (
            f"<item><title>Item {n}</title><link>/p/{n}</link>"
            f"<description>{text}</description><pubDate>Mon, 01 Jul 2019 10:00:00 GMT</pubDate></item>"
        )
        parts.append(item)
        total += len(item)
        n += 1
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    return (head + "".join(parts) + "</channel></rss>").encode()


def crawl_peak(body: bytes) -> tuple[float, int, str]:
    """Return the crawl's wall seconds, its processes' peak memory (kB) and its summary's first error."""
    server = LocalServer().start()
    try:
        server.routes["/feed.xml"] = Reply(body, content_type=RSS)
        with tempfile.TemporaryDirectory() as folder:
            env = _env(Path(folder) / "a.db")
            run_cli("init", env=env)
            run_cli("sources", "add", server.url("/feed.xml"), "--name", "attack", env=env)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            started = time.monotonic()
            done = run_cli("crawl", "--json", env=env, timeout=1800)
            wall = time.monotonic() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            note = re.search(r'"(?:error|warning)": "([^"]{0,90})', done.stdout)
            return wall, max(peak, before), note.group(1) if note else "(no error or warning)"
    finally:
        server.stop()


def bench_crawl() -> None:
    print("crawl of one source, peak memory of the crawl's processes (largest resident size)")
    ordinary = ordinary_feed(9_800_000)
    cases = [
        ("entity feed, 5 MB, leading 70 kB comment", entity_feed(5_000_000, hide="comment")),
        ("entity feed, UTF-16", entity_feed(0, hide="utf16")),
        (f"ordinary feed, {len(ordinary) / 1e6:.1f} MB, {ordinary.count(b'<item>'):,} entries", ordinary),
    ]
    # Each case in a fresh interpreter: getrusage's high-water mark only ever grows.
    for name, body in cases:
        path = Path(tempfile.mkstemp(suffix=".xml")[1])
        path.write_bytes(body)
        code = (
            "import sys; sys.path.insert(0, 'bench'); import hostile; from pathlib import Path; "
            "wall, peak, note = hostile.crawl_peak("
            f"Path({str(path)!r}).read_bytes()); "
            "print(f'{wall:6.1f} s, peak {peak / 1024:4.0f} MB; {note}')"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
        )
        path.unlink()
        print(f"  {name:58s} {out.stdout.strip() or out.stderr[-300:]}")


# --- the login flood ---------------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    """Return the resident memory of a process and its children, in kB."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for each in pids:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+)", status)
        total += int(found.group(1)) if found else 0
    return total


def _time_public(base: str, until: float, samples: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        while time.monotonic() < until:
            for path in ("/topics/", "/feeds/atom.xml"):
                started = time.perf_counter()
                client.get(path)
                samples.append(time.perf_counter() - started)
            time.sleep(0.05)


def _flood(base: str, until: float, codes: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=120) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        csrf = token.group(1) if token else ""
        while time.monotonic() < until:
            name = secrets.token_hex(6)
            answer = client.post("/login", data={"name": name, "password": "x" * 16, "csrf_token": csrf})
            codes.append(answer.status_code)


def bench_flood(seconds: float) -> None:
    print(f"login flood: 40 connections for {seconds:g}s against `aggregator serve` (argon2 defaults)")
    with tempfile.TemporaryDirectory() as folder:
        env = _env(Path(folder) / "a.db")
        run_cli("init", "--defaults", env=env)
        typed = "correct horse battery\n"  # the admin's password
        run_cli("users", "add", "ann", "--role", "admin", "--password-stdin", stdin=typed, env=env)
        port = free_port()
        app = start_cli(
            "serve", "--port", str(port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=2) as client:
                wait_for_login(client, app)
            for label, flood in (("quiet", False), ("flood", True)):
                until = time.monotonic() + seconds
                samples: list[float] = []
                codes: list[int] = []
                memory: list[int] = []
                threads = [threading.Thread(target=_time_public, args=(base, until, samples))]
                if flood:
                    threads += [threading.Thread(target=_flood, args=(base, until, codes)) for _ in range(40)]
                for thread in threads:
                    thread.start()
                while time.monotonic() < until:
                    memory.append(_rss_kb(app.pid))
                    time.sleep(0.5)
                for thread in threads:
                    thread.join()
                ordered = sorted(samples)
                p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
                answered = {code: codes.count(code) for code in sorted(set(codes))}
                print(
                    f"  {label:5s}: app memory max {max(memory) / 1024:.0f} MB (median "
                    f"{statistics.median(memory) / 1024:.0f}); public pages median "
                    f"{statistics.median(samples) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
                    f"over {len(samples)}; "
                    f"logins answered {answered or '-'}"
                )
        finally:
            app.terminate()
            app.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flood-seconds", type=float, default=20.0)
    parser.add_argument("--only", choices=("crawl", "flood"))
    args = parser.parse_args()
    if args.only in (None, "crawl"):
        bench_crawl()
    if args.only in (None, "flood"):
        bench_flood(args.flood_seconds)


if __name__ == "__main__":
    main()
