"""Near-duplicate folding, measured: precision and recall of "same story" on labelled pairs, and its cost.

    .venv/bin/python bench/duplicates.py [--seed 1] [--copies 150] [--negatives 200]
                                         [--lookup-items 100000] [--no-lookup]

Builds the labelled pairs of ``bench/support/dup_pairs.py`` (syndicated copies and Reuters re-sends
against different stories on one subject or template, from the corpora beside the project), then
prints, for each rule, precision and recall of "same story" over all pairs and how often it folds each
class:

1. the sketch alone (bottom-k of the 5-shingle hashes, ``k`` values, fold at ``t`` shared): the rule
   before this benchmark was 16 / 8;
2. the sketch as a candidate filter, then an exact check on the pair's whole shingle sets, computed
   from the two texts (Jaccard, or containment: the share of the shorter text's shingles found in the
   longer one);
3. per class, for the old rule and the product's rule as it stands (``aggregator.curate.duplicates``).

Cost: storage rows per item (k), and from a replay of every corpus text (Reuters and WCXB, file
order) through an index of the texts before it: the share of items that meet a candidate, candidates
per item, and the time of the exact check per candidate. ``--lookup-items`` times the product's
candidate query (``services.recording._SHARING`` in shape) on a SQLite table of that many items' sketch
rows, for k = 16, 32 and 64.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.curate import duplicates  # noqa: E402
from aggregator.curate.duplicates import bottom, shingles  # noqa: E402
from bench.support.dup_pairs import Pair, assemble, reuters, wcxb  # noqa: E402

SIZES = (16, 32, 64, 128)


@dataclass(frozen=True, slots=True)
class Measured:
    """What every rule may look at for one pair; None when a text is too short to sketch."""

    kind: str
    same: bool
    shared: dict[int, int] | None = None  # sketch size -> values shared
    jaccard: float = 0.0
    containment: float = 0.0


Rule = Callable[[Measured], bool]


def measure(pair: Pair) -> Measured:
    """Return the pair's shared sketch values at each size and its exact resemblances."""
    a, b = shingles(pair.first), shingles(pair.second)
    if a is None or b is None:
        return Measured(pair.kind, pair.same)
    # A bottom-k sketch is the first k values of any larger one: one sort serves every size.
    sa, sb = bottom(a, max(SIZES)), bottom(b, max(SIZES))
    common = len(a & b)
    return Measured(
        pair.kind,
        pair.same,
        {k: len(set(sa[:k]) & set(sb[:k])) for k in SIZES},
        common / len(a | b),
        common / min(len(a), len(b)),
    )


def score(rows: list[Measured], rule: Rule) -> tuple[float, float, Counter[str]]:
    """Return precision, recall and the folds per class of ``rule``."""
    folded: Counter[str] = Counter()
    tp = fp = fn = 0
    for row in rows:
        fold = row.shared is not None and rule(row)
        folded[row.kind] += fold
        tp += fold and row.same
        fp += fold and not row.same
        fn += row.same and not fold
    return (tp / (tp + fp) if tp + fp else 1.0), tp / (tp + fn), folded


def sketch_rule(k: int, t: int) -> Rule:
    return lambda m: m.shared is not None and m.shared[k] >= t


def checked_rule(k: int, t: int, measure_name: str, at: float) -> Rule:
    return lambda m: m.shared is not None and m.shared[k] >= t and getattr(m, measure_name) >= at


def product_rule(m: Measured) -> bool:
    """The rule of aggregator.curate.duplicates as it stands (candidate, then the exact check)."""
    if m.shared is None or not duplicates.is_candidate(m.shared[duplicates.SKETCH_SIZE]):
        return False
    return m.containment >= duplicates.MIN_CONTAINMENT


def table(rows: list[Measured], rules: dict[str, Rule], hard: list[str]) -> None:
    head = "| rule | precision | recall | false folds | " + " | ".join(hard) + " |"
    print(head)
    print("|" + "---|" * (4 + len(hard)))
    negatives = Counter(r.kind for r in rows if not r.same)
    for name, rule in rules.items():
        precision, recall, folded = score(rows, rule)
        wrong = sum(folded[k] for k in negatives)
        cells = " | ".join(str(folded[k]) for k in hard)
        print(f"| {name} | {precision:.3f} | {recall:.3f} | {wrong} | {cells} |")
    print()


def per_class(rows: list[Measured], rules: dict[str, Rule]) -> None:
    totals = Counter(r.kind for r in rows)
    same = {r.kind: r.same for r in rows}
    print("| class | pairs | " + " | ".join(rules) + " |")
    print("|" + "---|" * (2 + len(rules)))
    scored = {name: score(rows, rule)[2] for name, rule in rules.items()}
    for kind in sorted(totals, key=lambda k: (not same[k], k)):
        label = f"{kind} ({'same' if same[kind] else 'different'})"
        cells = " | ".join(f"{scored[n][kind] / totals[kind]:.1%}" for n in rules)
        print(f"| {label} | {totals[kind]} | {cells} |")
    print()


def replay(configs: list[tuple[int, int]]) -> None:
    """Print, per (k, t), the candidates met when every corpus text is looked up among those before it."""
    texts = [w.text for w in reuters()] + [p["text"] for p in wcxb()]
    hashed = [(t, h) for t in texts if (h := shingles(t)) is not None]
    print(f"Replay: {len(hashed):,} texts of 50 words or more, each looked up among those before it.")
    print("| k / t | rows per item | items meeting a candidate | candidates per item | check per candidate |")
    print("|---|---|---|---|---|")
    for k, t in configs:
        index: dict[int, list[int]] = defaultdict(list)
        met = candidates = rows = 0
        checks: list[float] = []
        for n, (_text, h) in enumerate(hashed):
            values = bottom(h, k)
            rows += len(values)
            count: Counter[int] = Counter(holder for v in values for holder in index.get(v, ()))
            found = [holder for holder, c in count.items() if c >= t]
            met += bool(found)
            candidates += len(found)
            for holder in found[:3]:
                start = time.perf_counter()
                other = shingles(hashed[holder][0])
                assert other is not None
                _ = len(h & other) / min(len(h), len(other))
                checks.append(time.perf_counter() - start)
            for v in values:
                index[v].append(n)
        check = f"{statistics.median(checks) * 1000:.2f} ms median" if checks else "-"
        print(
            f"| {k} / {t} | {rows / len(hashed):.1f} | {met / len(hashed):.2%} | "
            f"{candidates / len(hashed):.3f} | {check} |"
        )
    print()


def lookup(items: int, sizes: tuple[int, ...] = (16, 32, 64), probes: int = 300) -> None:
    """Print the time of the candidate query on a SQLite table of ``items`` items' sketch rows."""
    print(f"Candidate query on SQLite, {items:,} items (one row per sketch value, indexed by value):")
    print("| k | rows | median | p95 |")
    print("|---|---|---|---|")
    rng = Random(0)
    for k in sizes:
        with tempfile.TemporaryDirectory() as folder:
            db = sqlite3.connect(Path(folder) / "sketches.db")
            db.execute(
                "CREATE TABLE item_sketches (item_id INTEGER, value BIGINT, PRIMARY KEY (item_id, value))"
            )
            db.execute("CREATE INDEX ix_item_sketches_value ON item_sketches (value)")
            stored = []
            for start in range(1, items + 1, 10_000):
                batch = [
                    (i, rng.getrandbits(64) - 2**63)
                    for i in range(start, min(start + 10_000, items + 1))
                    for _ in range(k)
                ]
                db.executemany("INSERT OR IGNORE INTO item_sketches VALUES (?, ?)", batch)
                stored.extend(v for _, v in batch[:: 10_000 // 10])
            db.commit()
            marks = ",".join("?" * k)
            # Placeholders only: the values are bound.
            query = (
                f"SELECT item_id FROM item_sketches WHERE value IN ({marks}) "  # noqa: S608
                "GROUP BY item_id HAVING count(value) >= ?"
            )
            times = []
            for n in range(probes):
                # Half the probes are a copy's sketch (a few values of a stored item), half new text.
                values = [rng.getrandbits(64) - 2**63 for _ in range(k)]
                if n % 2:
                    values[:4] = rng.sample(stored, 4)
                start = time.perf_counter()
                db.execute(query, [*values, 3]).fetchall()
                times.append(time.perf_counter() - start)
            db.close()
        times.sort()
        median, p95 = statistics.median(times) * 1000, times[int(0.95 * len(times))] * 1000
        print(f"| {k} | {items * k:,} | {median:.3f} ms | {p95:.3f} ms |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--copies", type=int, default=150, help="stories copied each way, per corpus")
    parser.add_argument("--negatives", type=int, default=200, help="pairs per constructed negative class")
    parser.add_argument("--lookup-items", type=int, default=100_000)
    parser.add_argument("--no-lookup", action="store_true", help="skip the SQLite timing")
    args = parser.parse_args()
    started = time.perf_counter()
    pairs = assemble(args.seed, args.copies, args.negatives)
    rows = [measure(p) for p in pairs]
    counts = Counter(r.same for r in rows)
    print(
        f"{len(rows):,} pairs: {counts[True]:,} same story, {counts[False]:,} different (seed {args.seed}).\n"
    )
    hard = [
        "Reuters, same template",
        "specifics swapped",
        "press releases, one issuer",
        "trial abstracts, one field",
    ]
    print("Sketch alone: fold when t of the k smallest hashes are shared.\n")
    alone: dict[str, Rule] = {}
    for k in SIZES:
        for share in (0.25, 0.375, 0.5, 0.625, 0.75):
            alone[f"{k} / {int(k * share)}"] = sketch_rule(k, int(k * share))
    table(rows, alone, hard)
    print("Sketch as candidate filter, then the exact check from both texts.\n")
    checked: dict[str, Rule] = {"16 / 8 (before)": sketch_rule(16, 8)}
    for k, t in ((16, 2), (16, 3), (16, 4), (32, 6), (64, 12)):
        for at in (0.5, 0.6, 0.7):
            checked[f"{k} / {t}, Jaccard >= {at}"] = checked_rule(k, t, "jaccard", at)
        for at in (0.8, 0.85, 0.9, 0.95):
            checked[f"{k} / {t}, containment >= {at}"] = checked_rule(k, t, "containment", at)
    table(rows, checked, hard)
    product = (
        f"product ({duplicates.SKETCH_SIZE} / {duplicates.CANDIDATE_SHARED}, "
        f"containment >= {duplicates.MIN_CONTAINMENT})"
    )
    per_class(rows, {"16 / 8 (before)": sketch_rule(16, 8), product: product_rule})
    replay([(16, 8), (16, 2), (16, 3), (16, 4), (32, 6), (64, 12)])
    if not args.no_lookup:
        lookup(args.lookup_items)
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
