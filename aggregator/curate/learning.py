"""A topic's relevance model: its classifier (training.py) kept up to date with decisions, and what it says.

Each topic has a `TopicModel` over a shared `Corpus` (features.py). Decisions are plain data: an item
approved into a topic is a positive for it, a rejected item a negative. The model ranks the queue (most
likely or least certain first), explains an item's score by its terms, and reports on the queue.

Everything is deterministic: the classifier is refitted from scratch on the decisions sorted by item id after
every update (the labelled set is small, so that costs milliseconds), so a model rebuilt from the stored
decisions orders the queue exactly as the one updated decision by decision. Scoring every item is one
sparse matrix-vector product over the corpus's cached matrix.

Likelihoods come from a sigmoid fitted on scores that items got from models trained without them
(k-fold): the decided items, and a fixed sample of undecided ones standing, as irrelevant, for the rest of
the queue (the decided items alone are the likely ones and say nothing of its long tail). It is refitted
whenever the number of decisions has grown by a quarter, and reads as "about this share of items scored
like this one were relevant"; bench/README.md (section 7) measures how far the queue-level estimates are
from the truth. Before there are two decisions of each kind there is nothing to fit, and the likelihood is
the sigmoid of the raw score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from aggregator.curate.calibration import FloatArray, Sigmoid, fit_sigmoid
from aggregator.curate.features import Corpus, Document, IntArray, term_columns
from aggregator.curate.training import (
    Decision,
    Fit,
    Settings,
    Topic,
    fit,
    rule_scores,
    score_rows,
    stable_sample,
)

__all__ = [
    "Decision",
    "Explanation",
    "Order",
    "Ranked",
    "Report",
    "Settings",
    "Topic",
    "TopicModel",
    "rank_over_topics",
    "rule_scores",
]

Order = Literal["likely", "uncertain"]
# The share of relevant items a curator wants found; "worth reading" is the part of the queue that gets there.
TARGET_RECALL = 0.95
_UNCALIBRATED = Sigmoid(1.0, 0.0)


@dataclass(frozen=True, slots=True)
class Ranked:
    """An item's place in a queue: its score (the order), and the likelihood that it is relevant."""

    item_id: int
    score: float
    likelihood: float


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an item scores as it does: the terms that raised and lowered it, and the rules' share."""

    raised: tuple[tuple[str, float], ...]
    lowered: tuple[tuple[str, float], ...]
    rules: float
    model: float


@dataclass(frozen=True, slots=True)
class Report:
    """Where a topic's model stands: decisions so far, and what it expects of the queue."""

    decisions: int
    relevant: int
    irrelevant: int
    rules_weight: float
    calibrated: bool
    queue: int
    expected_relevant_left: float
    estimated_recall: float | None
    worth_reading: float


@dataclass(slots=True)
class _State:
    fit: Fit | None = None
    corpus_version: int = -1
    scores: FloatArray = field(default_factory=lambda: np.zeros(0))
    sigmoid: Sigmoid | None = None


class TopicModel:
    """One topic's ranking of a corpus: its rules blended with a classifier learned from decisions."""

    def __init__(
        self,
        corpus: Corpus,
        topic: Topic,
        rules: Mapping[int, float] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.corpus = corpus
        self.topic = topic
        self.settings = settings or Settings()
        self._rules = dict(rules or {})
        self._history: list[Decision] = []
        self._labels: dict[int, bool] = {}
        self._state = _State()
        self._sigmoid: Sigmoid | None = None
        self._calibrated_at = 0

    @classmethod
    def rebuild(
        cls,
        corpus: Corpus,
        topic: Topic,
        decisions: Iterable[Decision],
        rules: Mapping[int, float] | None = None,
        settings: Settings | None = None,
    ) -> TopicModel:
        """Return a model trained on stored decisions, in the order they were taken."""
        model = cls(corpus, topic, rules, settings)
        model.record(decisions)
        return model

    @property
    def decisions(self) -> Mapping[int, bool]:
        """Return the latest decision on each item, relevant or not."""
        return dict(self._labels)

    def record(self, decisions: Iterable[Decision]) -> None:
        """Learn from new decisions (a later decision on an item replaces the earlier one)."""
        new = list(decisions)
        if not new:
            return
        for decision in new:
            self._history.append(decision)
            self._labels[decision.item_id] = decision.relevant
            self._maybe_calibrate()
        self._state.fit = None

    def set_rules(self, topic: Topic, rules: Mapping[int, float]) -> None:
        """Take a topic's changed name, intro or terms, the rules' scores under them, or a changed corpus.

        The likelihoods are refitted at the last checkpoint, on what the model has now: as a model
        rebuilt now from the same decisions would have them.
        """
        self.topic = topic
        self._rules = dict(rules)
        self._state.fit = None
        if self._calibrated_at:
            self._calibrate_until(self._calibrated_at)

    def scores(self) -> FloatArray:
        """Return every corpus item's score, in the corpus's row order (cached until something changes)."""
        state = self._state
        if state.fit is None or state.corpus_version != self.corpus.version:
            state.fit = self._fit(self._labelled())
            state.corpus_version = self.corpus.version
            state.scores = self._score_rows(state.fit, None)
            state.sigmoid = None
            state.sigmoid = self._sigmoid
        return state.scores

    def likelihoods(self, scores: FloatArray) -> FloatArray:
        """Return the likelihood that items of these scores are relevant."""
        self.scores()
        return (self._state.sigmoid or _UNCALIBRATED)(scores)

    def rank(
        self, candidates: Iterable[int] | None = None, order: Order = "likely", limit: int | None = None
    ) -> list[Ranked]:
        """Return the candidates (default: every undecided item), most likely or least certain first."""
        ids, scores = self._candidates(candidates)
        p = self.likelihoods(scores)
        key = -scores if order == "likely" else np.abs(p - 0.5) if self._sigmoid else np.abs(scores)
        # Ties (items with the same text) go by item id, so every process shows the same order.
        chosen = np.lexsort((ids, key))[: len(ids) if limit is None else max(limit, 0)]
        return [Ranked(int(ids[i]), float(scores[i]), float(p[i])) for i in chosen]

    def explain(self, item_id: int, document: Document, terms: int = 5) -> Explanation:
        """Return the terms that raised and lowered the item's score most, and the rules' part of it."""
        return self.explain_many([(item_id, document)], terms)[0]

    def explain_many(self, items: Sequence[tuple[int, Document]], terms: int = 5) -> list[Explanation]:
        """Return ``explain`` of each (item id, document) in the corpus, their vectors read at once."""
        scores = self.scores()
        fit = self._state.fit
        assert fit is not None
        rows = self.corpus.rows(item_id for item_id, _ in items)
        vectors = self.corpus.weighted(rows)
        explained: list[Explanation] = []
        for k, (item_id, document) in enumerate(items):
            start, end = vectors.indptr[k], vectors.indptr[k + 1]
            indices, data = vectors.indices[start:end], vectors.data[start:end]
            # fit.columns is sorted (np.unique): find each of the item's columns among them.
            at = np.minimum(np.searchsorted(fit.columns, indices), max(len(fit.columns) - 1, 0))
            known = fit.columns[at] == indices if len(fit.columns) else np.zeros(len(at), dtype=bool)
            names = term_columns(document)
            parts = [
                (names[column], value * weight)
                for column, value, weight in zip(
                    indices[known].tolist(), data[known].tolist(), fit.coef[at[known]].tolist(), strict=True
                )
                if column in names and weight != 0.0
            ]
            parts.sort(key=lambda part: (-abs(part[1]), part[0]))
            raised = tuple((name, round(v, 4)) for name, v in parts if v > 0)[:terms]
            lowered = tuple((name, round(v, 4)) for name, v in parts if v < 0)[:terms]
            rules = fit.rules_weight * self._rules.get(item_id, 0.0)
            model = round(float(scores[rows[k]]) - rules, 4)
            explained.append(Explanation(raised, lowered, round(rules, 4), model))
        return explained

    def report(self, queue: Iterable[int] | None = None) -> Report:
        """Return the decisions so far and, for the queue (default: undecided items), what is left in it."""
        ids, scores = self._candidates(queue)
        p = np.sort(self.likelihoods(scores))[::-1]
        found = sum(self._labels.values())
        left = float(p.sum())
        recall = found / (found + left) if found + left > 0 else None
        needed = TARGET_RECALL * (found + left) - found
        if needed <= 0 or not len(p):
            worth = 0.0
        else:
            worth = (int(np.searchsorted(np.cumsum(p), needed)) + 1) / len(p)
        fit = self._state.fit
        return Report(
            decisions=len(self._labels),
            relevant=found,
            irrelevant=len(self._labels) - found,
            rules_weight=fit.rules_weight if fit else 0.0,
            calibrated=self._sigmoid is not None,
            queue=len(ids),
            expected_relevant_left=round(left, 3),
            estimated_recall=None if recall is None else round(recall, 4),
            worth_reading=round(min(worth, 1.0), 4),
        )

    # -- training ----------------------------------------------------------------------------------

    def _labelled(self, history: Sequence[Decision] | None = None) -> list[tuple[int, bool]]:
        if history is None:
            labels = self._labels
        else:
            labels = {}
            for decision in history:
                labels[decision.item_id] = decision.relevant
        # Sorted by id: the fit must not depend on the order decisions came in.
        return sorted((i, y) for i, y in labels.items() if i in self.corpus)

    def _fit(self, labelled: Sequence[tuple[int, bool]]) -> Fit | None:
        return fit(self.corpus, self.topic, labelled, self._labels, self.settings)

    def _score_rows(self, fitted: Fit | None, rows: IntArray | None) -> FloatArray:
        return score_rows(self.corpus, fitted, self._rules, rows, bool(self._labels))

    def _candidates(self, candidates: Iterable[int] | None) -> tuple[IntArray, FloatArray]:
        scores = self.scores()
        all_ids = self.corpus.id_array()
        if candidates is None:
            decided = np.fromiter(self._labels, dtype=np.int64, count=len(self._labels))
            rows = np.flatnonzero(~np.isin(all_ids, decided)).astype(np.int64)
        else:
            found = self.corpus.find(np.fromiter(candidates, dtype=np.int64))
            rows = found[found >= 0]
        return all_ids[rows], scores[rows]

    # -- calibration -------------------------------------------------------------------------------

    def _maybe_calibrate(self) -> None:
        n = len(self._history)
        if n >= self._next_checkpoint():
            self._calibrated_at = self._calibrate_until(n)

    def _next_checkpoint(self) -> int:
        if not self._calibrated_at:
            return 4
        return max(self._calibrated_at + 1, math.ceil(self._calibrated_at * self.settings.calibrate_growth))

    def _calibrate_until(self, n: int) -> int:
        """Fit the sigmoid on out-of-fold scores of the first n decisions; return n, or 0 if it cannot yet."""
        labelled = self._labelled(self._history[:n])
        positives = [p for p in labelled if p[1]]
        negatives = [p for p in labelled if not p[1]]
        folds = min(self.settings.folds, len(positives), len(negatives))
        if folds < 2:
            return 0
        # Stratified folds by id order: every fold holds positives and negatives.
        fold_of = {i: k % folds for k, (i, _) in enumerate(positives)}
        fold_of.update({i: k % folds for k, (i, _) in enumerate(negatives)})
        # The decided items are the likely ones: alone they say nothing of the long tail of the queue. A fixed
        # sample of the undecided items stands for the rest of the queue, as irrelevant (most of it is),
        # each weighing for as many queue items as it stands for.
        decided = {i for i, _ in labelled}
        queue = [i for i in self.corpus.ids if i not in decided]
        stand_ins = stable_sample(queue, self.settings.calibration_sample)
        fold_of.update({i: k % folds for k, i in enumerate(stand_ins)})
        scores: list[float] = []
        truth: list[bool] = []
        weights: list[float] = []
        share = len(queue) / len(stand_ins) if stand_ins else 0.0
        for fold in range(folds):
            fold_fit = self._fit([(i, y) for i, y in labelled if fold_of[i] != fold])
            held = [(i, y, 1.0) for i, y in labelled if fold_of[i] == fold]
            held += [(i, False, share) for i in stand_ins if fold_of[i] == fold]
            rows = self.corpus.rows(i for i, _, _ in held)
            scores.extend(self._score_rows(fold_fit, rows).tolist())
            truth.extend(y for _, y, _ in held)
            weights.extend(w for _, _, w in held)
        sigmoid = fit_sigmoid(np.array(scores), np.array(truth, dtype=bool), np.array(weights))
        self._sigmoid = sigmoid if sigmoid.slope > 0 else None
        self._state.fit = None
        return n


def rank_over_topics(
    models: Sequence[TopicModel], candidates: Iterable[int], limit: int | None = None
) -> list[tuple[Ranked, int]]:
    """Return the candidates by their highest likelihood over the topics, each with that topic's index.

    Scores of different topics are on different scales; likelihoods are comparable, so the queue over all
    topics is ordered by each item's best likelihood (ties by item id).
    """
    wanted = list(dict.fromkeys(candidates))
    best: dict[int, tuple[Ranked, int]] = {}
    for index, model in enumerate(models):
        for ranked in model.rank(wanted):
            held = best.get(ranked.item_id)
            if held is None or ranked.likelihood > held[0].likelihood:
                best[ranked.item_id] = (ranked, index)
    ordered = sorted(best.values(), key=lambda pair: (-pair[0].likelihood, pair[0].item_id))
    return ordered if limit is None else ordered[: max(limit, 0)]
