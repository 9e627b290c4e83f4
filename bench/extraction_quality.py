"""Extraction quality on both corpora: the product, trafilatura (comments off; favor_recall), readability.

    .venv/bin/python bench/extraction_quality.py [--corpus DIR ...] [--workers 2] [--limit N] [--only NAME]

Corpora: WCXB's development split (1,497 pages of seven kinds, word F1 averaged over pages, also per
kind) and the trafilatura evaluation subset (425 pages, segment F1), both beside the project.
Text: F1, precision and recall from the corpora's own scorer. Speed: pages per CPU-second (pages over
the CPU time summed inside the extractor's calls, so that other processes on the machine do not count);
the product's figure includes everything its extraction stage does per page (metadata, language,
near-duplicate sketch), the peers' only their text. The extractors take each page in turn in the same
worker processes, so that the machine's drift over minutes weighs on all of them alike.
Metadata: title, author and date accuracy as defined in bench/corpus.py, for the product and for
trafilatura's own metadata reader (``trafilatura.extract_metadata`` with its defaults).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where bench/queue.py would shadow the
# standard library's queue (which multiprocessing and urllib3 import): the project root goes there.
sys.path[0] = str(ROOT)

from bench.corpus import (  # noqa: E402
    CORPUS_NAME,
    EXTRACTORS,
    FIELDS,
    WCXB_NAME,
    corpus_format,
    find_corpus,
    load_scorer,
    load_truth,
    metadata_accuracy,
    run_all,
    text_scores,
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, action="append", help="default: both corpora")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int)
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="every n-th page of each kind (the gate's WCXB sample: 2)",
    )
    parser.add_argument("--only", action="append", choices=EXTRACTORS, help="run only these extractors")
    args = parser.parse_args()
    corpora = args.corpus or [c for c in (find_corpus(name=WCXB_NAME), find_corpus(name=CORPUS_NAME)) if c]
    if not corpora:
        sys.exit("no corpus found beside the project (../shared/corpora); pass --corpus")
    for corpus in corpora:
        report(
            corpus, args.only or list(EXTRACTORS), workers=args.workers, limit=args.limit, every=args.every
        )


def report(corpus: Path, extractors: list[str], *, workers: int, limit: int | None, every: int = 1) -> None:
    """Print text scores (per kind on WCXB), CPU per page and metadata accuracy of ``extractors``."""
    scorer = load_scorer(corpus)
    truth = load_truth(corpus)
    fmt = corpus_format(corpus)
    runs = run_all(extractors, corpus, workers=workers, limit=limit, every=every)
    print(f"corpus {corpus.name} ({fmt}): {len(runs[0].texts)} pages, {workers} worker processes")
    scores = {r.name: text_scores(scorer, truth, r.texts, fmt) for r in runs}
    kinds = sorted(scores[runs[0].name].get("by_type", {}))
    header = "".join(f"{kind[:11]:>12}" for kind in kinds)
    print(f"{'extractor':<20}{'F1':>7}{'precision':>11}{'recall':>8}{'ms cpu/page':>13}{'errors':>8}{header}")
    for result in runs:
        m = scores[result.name]
        by_kind = "".join(f"{m['by_type'][kind][1]:>12.3f}" for kind in kinds)
        ms = 1000 / result.pages_per_second if result.pages_per_second else 0.0
        print(
            f"{result.name:<20}{m['f1']:>7.3f}{m['precision']:>11.3f}{m['recall']:>8.3f}"
            f"{ms:>13.1f}{result.errors:>8}{by_kind}"
        )
    if kinds:
        pages = "".join(f"{m_pages:>12}" for m_pages, _ in scores[runs[0].name]["by_type"].values())
        print(f"{'(pages)':<66}{pages}")
    print()
    print("metadata accuracy, exact / contains (pages with ground truth)")
    header = "".join(f"{name + ' (' + str(n) + ')':>22}" for name, n in _counts(truth, runs[0].texts).items())
    print(f"{'extractor':<20}{header}")
    for result in runs:
        if not any(result.metadata.values()):
            continue
        accuracy = metadata_accuracy(truth, result.metadata)
        cells = "".join(f"{f'{exact:.3f} / {contains:.3f}':>22}" for exact, contains, _ in accuracy.values())
        print(f"{result.name:<20}{cells}")
    print()


def _counts(truth: dict[str, dict[str, object]], keys: Iterable[str]) -> dict[str, int]:
    return {name: sum(1 for key in keys if truth[key].get(name)) for name in FIELDS}


if __name__ == "__main__":
    main()
