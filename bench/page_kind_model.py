"""Train the page-kind model (aggregator/extract/page_kind_model.json) on WCXB's development split.

    .venv/bin/python bench/page_kind_model.py [--corpus DIR] [--folds 5] [--workers 2] [--write]

Features are ``aggregator.extract.page_kind.features`` of each page (decoded as UTF-8, as the
benchmark's runners feed it, without the URL: the features read the page's own canonical link).
Prints the stratified k-fold cross-validated accuracy and confusion matrix of the multinomial logistic
regression (gradient-boosted trees beside it for comparison, with --trees), then, with --write, fits on
every page and stores the weights as plain data for the pure-Python evaluator in page_kind.py. With
--oof FILE it also writes each page's kind as predicted by the model trained without that page's fold,
so that extraction can be scored with the kinds the classifier would give pages it has never seen.
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
from aggregator.extract.page_kind import KINDS, MODEL_FILE, feature_names, features  # noqa: E402
from bench.corpus import WCXB_NAME, find_corpus, load_truth, page_key, page_paths, read_page  # noqa: E402

# The comparison model; C of the logistic regression chosen among 0.1, 0.5 and 2 by cross-validation.
TREES = {"n_estimators": 60, "max_depth": 3, "learning_rate": 0.15, "subsample": 0.8, "random_state": 0}
C = 0.5


def page_features(path: Path) -> tuple[str, list[float]]:
    """Return the page's id and features."""
    page = read_page(path).decode("utf-8", "replace")
    tree = parse_html(page)
    return page_key(path), features(page, tree) if tree is not None else [0.0] * len(feature_names())


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
    args = parser.parse_args()
    if args.corpus is None:
        sys.exit("WCXB corpus not found beside the project; pass --corpus")
    truth = load_truth(args.corpus)
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        rows = dict(pool.imap_unordered(page_features, page_paths(args.corpus), chunksize=16))
    keys = sorted(rows)
    x = np.array([rows[k] for k in keys])
    y = np.array([truth[k]["type"] for k in keys])
    folds = StratifiedKFold(args.folds, shuffle=True, random_state=0)
    print(f"{len(keys)} pages, {x.shape[1]} features, {args.folds}-fold stratified cross-validation")
    if args.trees:
        trees = cross_val_predict(GradientBoostingClassifier(**TREES), x, y, cv=folds)
        print(f"gradient-boosted trees: accuracy {np.mean(trees == y):.3f}")
    predicted = cross_val_predict(_linear(), x, y, cv=folds)
    print(f"logistic regression: accuracy {np.mean(predicted == y):.3f}")
    print("confusion (rows: true kind, columns: predicted), logistic regression")
    matrix = confusion_matrix(y, predicted, labels=list(KINDS))
    print(" " * 14 + "".join(f"{k[:6]:>8}" for k in KINDS) + "  recall")
    for kind, row in zip(KINDS, matrix, strict=True):
        print(f"{kind:<14}" + "".join(f"{n:>8}" for n in row) + f"{row[KINDS.index(kind)] / row.sum():>8.2f}")
    if args.oof:
        args.oof.write_text(json.dumps(dict(zip(keys, predicted.tolist(), strict=True))), encoding="utf-8")
    if args.write:
        model = _linear().fit(x, y)
        path = ROOT / "aggregator" / "extract" / MODEL_FILE
        path.write_text(json.dumps(_export(model)), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")


def _linear() -> Pipeline:
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


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
