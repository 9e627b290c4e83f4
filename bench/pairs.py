"""What pairing an item with its other-language version costs storage, and what it finds.

    .venv/bin/python bench/pairs.py [--items 4000] [--rounds 3] [--existing 20000]

Storing a new item now also asks whether a stored item is its version in the other language (the
alternates its page announced, kept in ``item_alternates``; its ``?lang=cy`` and ``/cy/`` counterparts
by convention). That is two indexed queries and, for an announcing page, a few inserted rows per new
item, in the crawl's storage path. This times ``ItemService.record_many`` (batches of 32, as crawls
store) on a SQLite file that already holds ``--existing`` items, with pairing as it is and, as the
peer, with the pairing step replaced by nothing (storage as it was before pairs), alternating the two
``--rounds`` times so both meet the machine alike. A third of the items are Welsh, half of those at
``?lang=cy`` beside an English item and half announced by their English page's hreflang alternate;
it prints items per second for each, their ratio, and the pairs found against the pairs planted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.models import Item
from aggregator.services import pairs as pairs_module
from aggregator.services import recording
from aggregator.services.harvested import Harvested

BATCH = 32


def items(prefix: str, count: int, source_id: int) -> tuple[list[Harvested], int]:
    """Return ``count`` items (a third Welsh versions of English ones) and the number of pairs planted."""
    made: list[Harvested] = []
    planted = 0
    for n in range(count):
        base = f"https://site{n % 50}.example/{prefix}/{n}/"
        kind = n % 6
        text = f"Body of item {prefix} {n}. " * 20
        if kind == 0:  # English, announcing its Welsh version
            alt = (("cy", f"https://site{n % 50}.example/{prefix}/{n}-cy/"),)
            made.append(_item(source_id, base, "en", text, alt))
        elif kind == 1:  # the Welsh version it announced
            made.append(
                _item(source_id, f"https://site{(n - 1) % 50}.example/{prefix}/{n - 1}-cy/", "cy", text)
            )
            planted += 1
        elif kind == 2:  # English at a WPML address ...
            made.append(_item(source_id, base, "en", text))
        elif kind == 3:  # ... and its Welsh version at ?lang=cy
            made.append(
                _item(source_id, f"https://site{(n - 1) % 50}.example/{prefix}/{n - 1}/?lang=cy", "cy", text)
            )
            planted += 1
        else:
            made.append(_item(source_id, base, "en", text))
    return made, planted


def _item(
    source_id: int, url: str, language: str, text: str, alternates: tuple[tuple[str, str], ...] = ()
) -> Harvested:
    return Harvested(
        source_id=source_id,
        url=url,
        guid=None,
        title=url,
        author=None,
        published=None,
        language=language,
        text=text,
        summary=text[:200],
        alternates=alternates,
    )


def paired(core: Aggregator) -> int:
    """Return how many pairs are stored."""
    with core.db.read() as session:
        return int(session.scalar(select(func.count()).where(Item.pair_id.is_not(None))) or 0) // 2


def store(core: Aggregator, batch: list[Harvested]) -> float:
    started = time.perf_counter()
    for start in range(0, len(batch), BATCH):
        core.items.record_many(batch[start : start + BATCH])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--existing", type=int, default=20_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-pairs-"))
    core = Aggregator(Config(database_url=f"sqlite:///{folder / 'a.db'}"))
    core.init_db()
    source = core.sources.add("https://site.example/feed").id
    existing, _ = items("old", args.existing, source)
    store(core, existing)
    before = paired(core)
    real = pairs_module.link_from_page
    times: dict[str, list[float]] = {"with pairing": [], "without (peer)": []}
    planted_total = 0
    for round_ in range(args.rounds):
        for name in (
            ("with pairing", "without (peer)") if round_ % 2 == 0 else ("without (peer)", "with pairing")
        ):
            batch, planted = items(f"r{round_}{name.split()[0]}", args.items, source)
            recording.pairs.link_from_page = real if name == "with pairing" else (lambda *a, **k: None)  # type: ignore[assignment]
            times[name].append(store(core, batch) / args.items)
            if name == "with pairing":
                planted_total += planted
    recording.pairs.link_from_page = real  # type: ignore[assignment]
    found = paired(core) - before
    print(f"{args.existing:,} items stored before; {args.rounds} rounds of {args.items:,} items each way")
    for name, per_item in times.items():
        median = statistics.median(per_item)
        rate = f"{1 / median:8.0f} items/s"
        print(f"  {name:15} {rate}  ({median * 1e6:6.0f} us per item, median of {len(per_item)})")
    ratio = statistics.median(times["with pairing"]) / statistics.median(times["without (peer)"])
    print(f"  storage time with pairing / without: {ratio:.2f}")
    print(f"  pairs found {found:,} of {planted_total:,} planted in the timed rounds")
    core.close()


if __name__ == "__main__":
    main()
