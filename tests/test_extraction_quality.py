"""Quality gate: the product's extractor on the evaluation corpus must not fall below the stored baseline.

The corpus lives beside the project (../shared/corpora, present in CI); locally without it the test
skips, in CI it fails. Pages are extracted by a process pool over every core (about 10 s on two idle
cores). The baseline is tests/extraction_baseline.json: measured F1 minus a small tolerance.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.corpus import find_corpus, load_scorer, load_truth, run, text_scores
from tests.support.databases import IN_CI

BASELINE = json.loads((Path(__file__).parent / "extraction_baseline.json").read_text(encoding="utf-8"))


def test_corpus_f1_stays_at_or_above_the_baseline_with_precision_and_recall_above_trafilatura() -> None:
    corpus = find_corpus()
    if corpus is None:
        reason = "extraction corpus not found at ../shared/corpora/trafilatura-eval-subset"
        if IN_CI:
            pytest.fail(f"CI must run the extraction quality gate: {reason}")
        pytest.skip(reason)
    truth = load_truth(corpus)
    result = run("product", corpus, workers=os.cpu_count() or 1)
    assert len(result.texts) == len(truth)
    assert result.errors == 0
    scores = text_scores(load_scorer(corpus), truth, result.texts)
    summary = f"F1 {scores['f1']:.4f} P {scores['precision']:.4f} R {scores['recall']:.4f}"
    assert scores["f1"] >= BASELINE["f1_min"], f"extraction got worse: {summary}"
    peer = BASELINE["peer_trafilatura_nocomments"]
    assert scores["precision"] > peer["precision"], summary
    assert scores["recall"] > peer["recall"], summary
