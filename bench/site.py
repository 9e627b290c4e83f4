"""Serves the generated benchmark site on 127.0.0.1 until interrupted.

    .venv/bin/python bench/site.py [--pages 5000] [--port 0]

Prints ``ready http://127.0.0.1:PORT`` once the site is built and listening. Feeds are at
``/<section>/rss`` (eight sections), the articles of the other two sections only in
``/sitemaps/older.xml``, every section's sitemap in ``/sitemap.xml``; ``/__stats`` reports the
server's CPU seconds and what it answered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where bench/queue.py would shadow the
# standard library's queue: the project root takes its place.
sys.path[0] = str(ROOT)

from bench.support.site import Site  # noqa: E402
from bench.support.static_server import serve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(1024)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    site = Site(args.pages, base)
    print(f"ready {base}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(site, sock))


if __name__ == "__main__":
    main()
