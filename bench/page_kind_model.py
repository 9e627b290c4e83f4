"""Train the page-kind model (aggregator/extract/page_kind_model.json) on WCXB's development split.

    .venv/bin/python bench/page_kind_model.py [--corpus DIR] [--folds 5] [--workers 2] [--write]
        [--with-subset [--subset-weight W]] [--oof FILE]

Features are ``aggregator.extract.page_kind.features`` of each page (decoded as UTF-8, as the
benchmark's runners feed it, without the URL: the features read the page's own canonical link).
Prints the stratified k-fold cross-validated accuracy and confusion matrix of the multinomial logistic
regression (gradient-boosted trees beside it for comparison, with --trees), then, with --write, fits on
every page and stores the weights as plain data for the pure-Python evaluator in page_kind.py. With
--oof FILE it also writes each page's kind as predicted by the model trained without that page's fold,
so that extraction can be scored with the kinds the classifier would give pages it has never seen.

With --with-subset the trafilatura evaluation subset's pages (all news and blog articles, fed as the
product decodes them) join the training data labelled "article", each weighted --subset-weight
(WCXB's pages weigh 1). The folds are then drawn over both corpora, the subset's pages as a stratum of
their own, so that every subset page is also predicted by a model that never saw it; the report adds
the share of subset pages classified as articles out of fold. The default trains on WCXB alone.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

import numpy as np  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import confusion_matrix  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from aggregator.extract.metadata import parse_html  # noqa: E402
from aggregator.extract.page import decode_html  # noqa: E402
from aggregator.extract.page_kind import KINDS, MODEL_FILE, feature_names, features  # noqa: E402
from bench.corpus import (  # noqa: E402
    CORPUS_NAME,
    WCXB_NAME,
    find_corpus,
    load_truth,
    page_key,
    page_paths,
    read_page,
)

# The comparison model; C of the logistic regression chosen among 0.1, 0.5 and 2 by cross-validation.
TREES = {"n_estimators": 60, "max_depth": 3, "learning_rate": 0.15, "subsample": 0.8, "random_state": 0}
C = 0.5


def page_features(path: Path) -> tuple[str, list[float]]:
    """Return the page's id and features (the page decoded as UTF-8, as WCXB's runners feed it)."""
    return page_key(path), _features(read_page(path).decode("utf-8", "replace"))


def subset_page_features(path: Path) -> tuple[str, list[float]]:
    """Return the page's id and features, the page decoded as the product decodes the bytes it is fed."""
    return page_key(path), _features(decode_html(read_page(path)))


def _features(page: str) -> list[float]:
    tree = parse_html(page)
    return features(page, tree) if tree is not None else [0.0] * len(feature_names())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=find_corpus(name=WCXB_NAME))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help=f"fit on every page and write {MODEL_FILE}")
    parser.add_argument("--trees", action="store_true", help="also cross-validate gradient-boosted trees")
    parser.add_argument("--oof", type=Path, help="write the out-of-fold predicted kinds (JSON) here")
    parser.add_argument(
        "--with-subset",
        nargs="?",
        type=Path,
        const=find_corpus(),
        metavar="DIR",
        help="also train on the trafilatura subset's pages as articles (default: beside the project)",
    )
    parser.add_argument(
        "--subset-weight", type=float, default=1.0, help="sample weight of each subset page (WCXB's: 1)"
    )
    args = parser.parse_args()
    if args.corpus is None:
        sys.exit("WCXB corpus not found beside the project; pass --corpus")
    if "--with-subset" in sys.argv and args.with_subset is None:
        sys.exit(f"{CORPUS_NAME} not found beside the project; pass --with-subset DIR")
    truth = load_truth(args.corpus)
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        rows = dict(pool.imap_unordered(page_features, page_paths(args.corpus), chunksize=16))
        extra = (
            dict(pool.imap_unordered(subset_page_features, page_paths(args.with_subset), chunksize=16))
            if args.with_subset
            else {}
        )
    keys = sorted(rows) + sorted(extra)
    x = np.array([rows[k] for k in sorted(rows)] + [extra[k] for k in sorted(extra)])
    y = np.array([truth[k]["type"] for k in sorted(rows)] + ["article"] * len(extra))
    weight = np.array([1.0] * len(rows) + [args.subset_weight] * len(extra))
    # The subset's articles are a stratum of their own, spread evenly over the folds.
    strata = np.array([truth[k]["type"] for k in sorted(rows)] + ["subset"] * len(extra))
    wcxb = np.arange(len(keys)) < len(rows)
    folds = list(StratifiedKFold(args.folds, shuffle=True, random_state=0).split(x, strata))
    print(
        f"{len(rows)} WCXB pages + {len(extra)} subset pages (weight {args.subset_weight:g}), "
        f"{x.shape[1]} features, {args.folds}-fold stratified cross-validation"
    )
    if args.trees:
        trees = cross_val_predict(GradientBoostingClassifier(**TREES), x, y, cv=folds)
        print(f"gradient-boosted trees: accuracy {np.mean(trees[wcxb] == y[wcxb]):.3f} (WCXB)")
    predicted = np.empty(len(keys), dtype=object)
    for train, test in folds:
        predicted[test] = _fit(x[train], y[train], weight[train]).predict(x[test])
    print(f"logistic regression: accuracy {np.mean(predicted[wcxb] == y[wcxb]):.3f} (WCXB)")
    if extra:
        articles = int(np.sum(predicted[~wcxb] == "article"))
        print(f"subset pages classified as articles out of fold: {articles} of {len(extra)}")
        others = dict(zip(*np.unique(predicted[~wcxb], return_counts=True), strict=True))
        print("  " + ", ".join(f"{kind} {n}" for kind, n in sorted(others.items())))
    print("confusion on WCXB (rows: true kind, columns: predicted), logistic regression")
    matrix = confusion_matrix(y[wcxb], predicted[wcxb], labels=list(KINDS))
    print(" " * 14 + "".join(f"{k[:6]:>8}" for k in KINDS) + "  recall")
    for kind, row in zip(KINDS, matrix, strict=True):
        print(f"{kind:<14}" + "".join(f"{n:>8}" for n in row) + f"{row[KINDS.index(kind)] / row.sum():>8.2f}")
    if args.oof:
        args.oof.write_text(
            json.dumps(dict(zip(keys, [str(p) for p in predicted], strict=True))), encoding="utf-8"
        )
    if args.write:
        model = _fit(x, y, weight)
        path = ROOT / "aggregator" / "extract" / MODEL_FILE
        path.write_text(json.dumps(_export(model)), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


def _linear() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


def _fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> Pipeline:
    # The scaler is fitted unweighted, as before; only the regression's loss weighs the pages.
    return _linear().fit(x, y, logisticregression__sample_weight=weight)


def _export(model: Pipeline) -> dict[str, object]:
    """Return the fitted model as plain data: the scaler's means and scales, weights and intercepts."""
    scaler, linear = model[0], model[1]
    classes = [str(c) for c in linear.classes_]
    if tuple(classes) != KINDS:
        raise SystemExit(f"classes {classes} are not {KINDS}")
    return {
        "features": feature_names(),
        "classes": classes,
        "mean": [round(float(v), 6) for v in scaler.mean_],
        # A feature constant over the corpus has scale 0 in numpy terms; sklearn uses 1 for it.
        "scale": [round(float(v), 6) for v in scaler.scale_],
        "coef": [[round(float(v), 6) for v in row] for row in linear.coef_],
        "intercept": [round(float(v), 6) for v in linear.intercept_],
    }


if __name__ == "__main__":
    main()
