"""Extraction quality on the trafilatura evaluation subset: the product against trafilatura and readability.

    .venv/bin/python bench/extraction_quality.py [--corpus DIR] [--workers 2] [--limit N]

Text: F1, precision and recall from the corpus's own scorer. Speed: pages per CPU-second (pages over
the CPU time summed inside the extractor's calls, so that other processes on the machine do not count);
the product's figure includes everything its extraction stage does per page (metadata, language,
near-duplicate sketch), the peers' only their text.
Metadata: title, author and date accuracy as defined in bench/corpus.py, for the product and for
trafilatura's own metadata reader (``trafilatura.extract_metadata`` with its defaults).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ first on the path, where bench/queue.py would shadow the
# standard library's queue (which multiprocessing and urllib3 import): the project root goes there.
sys.path[0] = str(ROOT)

from bench import corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=corpus.find_corpus())
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int)
    parser.add_argument(
        "--only", action="append", choices=corpus.EXTRACTORS, help="run only these extractors"
    )
    args = parser.parse_args()
    if args.corpus is None:
        sys.exit("corpus not found beside the project (../shared/corpora); pass --corpus")
    scorer = corpus.load_scorer(args.corpus)
    truth = corpus.load_truth(args.corpus)
    runs = [
        corpus.run(name, args.corpus, workers=args.workers, limit=args.limit)
        for name in args.only or corpus.EXTRACTORS
    ]

    print(f"corpus {args.corpus.name}: {len(runs[0].texts)} pages, {args.workers} worker processes")
    print(f"{'extractor':<18}{'F1':>7}{'precision':>11}{'recall':>8}{'pages/cpu-s':>13}{'errors':>8}")
    for result in runs:
        m = corpus.text_scores(scorer, truth, result.texts)
        print(
            f"{result.name:<18}{m['f1']:>7.3f}{m['precision']:>11.3f}{m['recall']:>8.3f}"
            f"{result.pages_per_second:>13.1f}{result.errors:>8}"
        )
    print()
    print("metadata accuracy, exact / contains (pages with ground truth)")
    header = "".join(f"{name + ' (' + str(n) + ')':>22}" for name, n in _counts(truth).items())
    print(f"{'extractor':<18}{header}")
    for result in runs:
        if not any(result.metadata.values()):
            continue
        scores = corpus.metadata_accuracy(truth, result.metadata)
        cells = "".join(f"{f'{exact:.3f} / {contains:.3f}':>22}" for exact, contains, _ in scores.values())
        print(f"{result.name:<18}{cells}")


def _counts(truth: dict[str, dict[str, object]]) -> dict[str, int]:
    return {name: sum(1 for item in truth.values() if item.get(name)) for name in corpus.FIELDS}


if __name__ == "__main__":
    main()
