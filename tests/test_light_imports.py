"""The CLI, the crawl and the queue's ordinary pages start without scikit-learn.

Importing it costs seconds of CPU; every CLI call paid it once the learned order was wired in, and
the queue's first page took 3.5 s. Only the learned orders (likely, uncertain) may load it.
"""

from __future__ import annotations

import subprocess
import sys

from aggregator.core import Aggregator
from aggregator.services.queue import ItemFilter


def test_the_cli_and_the_crawl_import_no_scikit_learn() -> None:
    code = (
        "import sys, aggregator.cli, aggregator.crawl.run, aggregator.web.app; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_newest_first_page_builds_no_learned_model(core: Aggregator) -> None:
    core.items.page(ItemFilter(status="new"), size=10)
    core.items.query(status="new", sort="newest")
    assert core.items._ranking is None  # never built: nothing asked for a learned order
