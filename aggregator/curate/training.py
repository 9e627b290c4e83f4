"""Fitting a topic's classifier: decisions, the topic's pseudo-document, presumed negatives in; weights out.

The classifier is a linear model (L2-regularised logistic regression by default) on TF-IDF of words and word
pairs (features.py), trained on

- the decisions, weighted as ASReview weights them (positives, taken together, count `positive_ratio`
  times the negatives), since relevant items are rare and each one found says more than another miss;
- the topic's name, intro and include terms as one more positive, a pseudo-document, so the model knows
  what the topic is about before the first approval (the "seed query" of Cormack and Grossman's CAL);
- while no item has been rejected, a fixed sample of the unreviewed items as presumed negatives (most
  items are irrelevant to any one topic), so there is always something to contrast with.

An item's score is the classifier's decision value plus the keyword rules' score (relevance.score_topic,
in [0, 1]) with a weight that halves after `rules_half_life` approvals, so the rules give way as decisions
accumulate; before the first decision the rules alone order the queue and the classifier only breaks ties.
Everything here is a pure function of its arguments: the same decisions give the same fit in any process.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from aggregator.curate.calibration import FloatArray
from aggregator.curate.features import N_FEATURES, Corpus, Document, IntArray
from aggregator.curate.relevance import score_topic

GOLDEN = 2654435761  # Knuth's multiplicative hash: a fixed, well-spread order of item ids
# Before the first decision the rules alone order the queue, as they did before there was a model; the
# topic's pseudo-document only breaks their ties (most items match no term), squashed below this.
_TIE_BREAK = 1e-3


@dataclass(frozen=True, slots=True)
class Settings:
    """The model's hyper-parameters; the defaults are the product's."""

    # Logistic regression (C=1) over ASReview's LinearSVC (C=0.11): WSS@95 0.865 against 0.861 on the
    # screening tasks, its worst task 0.007 below the baseline against 0.015 (bench/README.md, section 7).
    learner: Literal["svm", "logistic"] = "logistic"
    c: float = 1.0
    positive_ratio: float = 9.8
    pseudo_weight: float = 1.0
    rules_weight: float = 1.0
    rules_half_life: float = 5.0
    presumed_negatives: int = 100
    folds: int = 5
    calibration_sample: int = 200
    calibrate_growth: float = 1.25


@dataclass(frozen=True, slots=True)
class Topic:
    """What a curator wrote about a topic: its name, intro and include and exclude terms."""

    name: str
    intro: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def document(self) -> Document:
        """Return the topic as a pseudo-document: its name, intro and include terms."""
        return Document(title=self.name, summary=self.intro, text="\n".join(self.include))


@dataclass(frozen=True, slots=True)
class Decision:
    """A curator's decision on an item for one topic: relevant (approved into it) or not."""

    item_id: int
    relevant: bool


@dataclass(slots=True)
class Fit:
    """A fitted classifier: its weights on the columns it saw, and the rules' weight beside it."""

    columns: IntArray
    coef: FloatArray
    intercept: float
    rules_weight: float


def rule_scores(topic: Topic, items: Iterable[tuple[int, Document]]) -> dict[int, float]:
    """Return the keyword rules' score (score_topic) of each item that has a non-zero one."""
    scores: dict[int, float] = {}
    for item_id, doc in items:
        score = score_topic(doc.title, doc.summary, doc.text, topic.include, topic.exclude).score
        if score:
            scores[item_id] = score
    return scores


def stable_sample(ids: Iterable[int], size: int) -> list[int]:
    """Return a fixed, well-spread sample of ``size`` of the ids (the same in every process)."""
    held = np.fromiter(ids, dtype=np.int64)
    return [int(held[k]) for k in _spread(held)[:size]]


def _spread(ids: IntArray) -> IntArray:
    """Return the positions of ``ids`` in a fixed, well-spread order: by Knuth's hash, then by id."""
    keys = (ids.astype(np.uint64) * np.uint64(GOLDEN)) % np.uint64(2**32)
    return np.lexsort((ids, keys)).astype(np.int64)


def fit(
    corpus: Corpus,
    topic: Topic,
    labelled: Sequence[tuple[int, bool]],
    decided: Collection[int],
    settings: Settings,
) -> Fit | None:
    """Return the classifier fitted on ``labelled`` (item id, relevant), sorted by id; None for no corpus.

    ``decided`` are the items any decision covers, never taken as presumed negatives.
    """
    if not len(corpus):
        return None
    s = settings
    ids = [i for i, _ in labelled]
    y = np.array([r for _, r in labelled], dtype=bool)
    blocks = [corpus.weighted(corpus.rows(ids))] if ids else []
    pseudo = corpus.vectorise(topic.document())
    blocks.append(pseudo)
    y = np.append(y, True)
    positives = int(y.sum())
    presumed = (
        _presumed_negatives(corpus, decided, s.presumed_negatives)
        if not (~y).any()
        else np.zeros(0, dtype=np.int64)
    )
    if len(presumed):
        blocks.append(corpus.weighted(presumed))
        y = np.append(y, np.zeros(len(presumed), dtype=bool))
    rules_weight = s.rules_weight * s.rules_half_life / (s.rules_half_life + positives - 1)
    if not (~y).any() or (pseudo.nnz == 0 and positives == 1):
        # Nothing to learn from yet (no decided positive and a topic whose words no item shares).
        return Fit(np.zeros(0, dtype=np.int64), np.zeros(0), 0.0, rules_weight)
    matrix = sp.csr_matrix(sp.vstack(blocks, format="csr"))
    columns = np.unique(matrix.indices).astype(np.int64)
    matrix = sp.csr_matrix(matrix[:, columns])
    negatives = len(y) - positives
    weights = np.where(y, 1.0, positives / (s.positive_ratio * negatives))
    weights[len(ids)] *= s.pseudo_weight
    weights *= len(y) / weights.sum()
    learner: LinearSVC | LogisticRegression
    if s.learner == "svm":
        learner = LinearSVC(C=s.c, max_iter=5000, random_state=0)
    else:
        learner = LogisticRegression(C=s.c, solver="liblinear", dual=True, max_iter=1000, random_state=0)
    learner.fit(matrix, y.astype(int), sample_weight=weights)
    coef = np.asarray(learner.coef_, dtype=np.float64).ravel()
    return Fit(columns, coef, float(np.asarray(learner.intercept_).ravel()[0]), rules_weight)


def score_rows(
    corpus: Corpus,
    fit: Fit | None,
    rules: Mapping[int, float],
    rows: IntArray | None,
    any_decision: bool,
) -> FloatArray:
    """Return the scores of the given corpus rows (None: every row) under a fit and the rules' scores."""
    if rows is None:
        by_rules = np.zeros(len(corpus))
        known = corpus.find(np.fromiter(rules, dtype=np.int64, count=len(rules)))
        values = np.fromiter(rules.values(), dtype=np.float64, count=len(rules))
        by_rules[known[known >= 0]] = values[known >= 0]
    else:
        ids = corpus.id_array()[rows]
        by_rules = np.fromiter((rules.get(int(i), 0.0) for i in ids), dtype=np.float64, count=len(ids))
    if fit is None:
        return by_rules
    if rows is None:
        dense = np.zeros(N_FEATURES)
        dense[fit.columns] = fit.coef
        model = corpus.project(dense)
    else:
        vectors = corpus.weighted(rows)
        model = np.asarray(vectors[:, fit.columns] @ fit.coef).ravel()
    model = model + fit.intercept
    if not any_decision:
        return by_rules + _TIE_BREAK * model / (1.0 + np.abs(model))
    return model + fit.rules_weight * by_rules


def _presumed_negatives(corpus: Corpus, decided: Collection[int], size: int) -> IntArray:
    ids = np.array(corpus.ids, dtype=np.int64)
    undecided = np.flatnonzero(~np.isin(ids, np.fromiter(decided, dtype=np.int64, count=len(decided))))
    # By hash, ties by row (in a corpus, a row is an id's: the same order as ties by id).
    keys = (ids[undecided].astype(np.uint64) * np.uint64(GOLDEN)) % np.uint64(2**32)
    return undecided[np.lexsort((undecided, keys))[:size]].astype(np.int64)
