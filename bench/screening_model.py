"""Screening, offline: how soon a simulated curator finds the relevant items with each queue order.

    .venv/bin/python bench/screening_model.py [--seeds 0 1] [--tasks crude ship] [--variant NAME ...]
                                              [--timing] [--items 20000] [--decisions 200]

Runs the screening tasks of `../shared/corpora/reuters-21578` (its README: six categories, 2,000 newswires
sampled with `default_rng(100 + k)` each, relevant = the category is among the item's topics). Each run
starts from one relevant and one irrelevant decision drawn with `default_rng(seed)`, then repeatedly reads
the 10 items an order puts first, decides them by their label and lets the order learn, until every
relevant item is found and at least 10% of the items are read. Prints WSS@95 and recall@10% per task and
the mean over tasks and seeds, for:

- product: `aggregator.curate.learning.TopicModel` (its default `Settings`), with the task's topic;
- random: a random order (`default_rng(seed)`);
- rules: the keyword rules alone (`score_topic`), ties in random order;
- asreview: a re-implementation of ASReview's default model (ELAS u4: TF-IDF of words and word pairs,
  sublinear, max_df 0.95, fitted on the 2,000 texts; LinearSVC C=0.11; ASReview's `Balanced` sample
  weights at ratio 9.8: a relevant item weighs 1, an irrelevant one n1 / (9.8 n0), rescaled to sum to n;
  the highest decision value first), fed the same decisions.

The task's topic is made from the category name alone, the same way for every task and without looking
at labels: name = the category code (`crude`, `ship`, ...), include terms = that one word, no intro, no
exclude terms. `score_topic` already matches plurals and possessives; synonyms or derived words would be
a choice, and a choice made here could only be tuned on these labels.

`--variant` runs other settings of the product's model besides the default (see VARIANTS), for the
record of what was tried. `--timing` measures the per-decision cost with `--items` items (the corpus's
18,257 newswires, repeated with a marked title past that): one decision recorded, then the next page of
50 asked for (refit, score every item, sort), median and p95 over `--decisions` decisions.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.curate.features import Corpus, Document  # noqa: E402
from aggregator.curate.learning import Decision, Settings, Topic, TopicModel, rule_scores  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "reuters-21578" / "reuters.jsonl"
TASKS = ("crude", "ship", "coffee", "gold", "interest", "livestock")
SAMPLE = 2000
BATCH = 10
# When the product's own estimate of its recall is compared with the truth: shares of the items read.
CHECKPOINTS = (0.03, 0.06, 0.09)
# Principled alternatives to the default, each changing one thing (see bench/README.md for the figures).
VARIANTS: dict[str, Settings] = {
    "product": Settings(),
    "no-rules": Settings(rules_weight=0.0),
    "no-pseudo": Settings(pseudo_weight=0.0),
    "no-topic": Settings(rules_weight=0.0, pseudo_weight=0.0),
    "rules-x2": Settings(rules_weight=2.0),
    "rules-slow": Settings(rules_half_life=20.0),
    "ratio-20": Settings(positive_ratio=20.0),
    "ratio-3": Settings(positive_ratio=3.0),
    "svm": Settings(learner="svm", c=0.11),
    "svm-c1": Settings(learner="svm", c=1.0),
    "logistic-c10": Settings(c=10.0),
    "logistic-c0.3": Settings(c=0.3),
}

Labels = npt.NDArray[np.bool_]
# An order: given the items read so far (in reading order) and their labels, the next items to read.
Ranker = Callable[[list[int], Labels], list[int]]


def load() -> list[dict[str, object]]:
    """Return the corpus's newswires, in the file's order."""
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def sample(docs: Sequence[dict[str, object]], k: int) -> tuple[list[Document], Labels]:
    """Return task k's 2,000 newswires and which of them are relevant."""
    rows = np.random.default_rng(100 + k).choice(len(docs), SAMPLE, replace=False)
    chosen = [docs[int(r)] for r in rows]
    texts = [Document(title=str(d["title"]), text=str(d["text"])) for d in chosen]
    labels = np.array([TASKS[k] in d["topics"] for d in chosen], dtype=bool)  # type: ignore[operator]
    return texts, labels


def priors(labels: Labels, seed: int) -> list[int]:
    """Return the first two items read: one relevant, one irrelevant."""
    rng = np.random.default_rng(seed)
    return [int(rng.choice(np.flatnonzero(labels))), int(rng.choice(np.flatnonzero(~labels)))]


def simulate(ranker: Ranker, labels: Labels, seed: int) -> list[int]:
    """Return the items in the order read, until all relevant ones are found and 10% are read."""
    read = priors(labels, seed)
    seen = set(read)
    total = int(labels.sum())
    minimum = math.ceil(0.10 * len(labels))
    while len(seen) < len(labels) and (int(labels[read].sum()) < total or len(read) < minimum):
        batch = [i for i in ranker(read, labels) if i not in seen][:BATCH]
        read.extend(batch)
        seen.update(batch)
    return read


def metrics(read: Sequence[int], labels: Labels) -> tuple[float, float]:
    """Return WSS@95 and recall after reading 10% of the items."""
    n, total = len(labels), int(labels.sum())
    found = np.cumsum(labels[list(read)])
    n95 = int(np.argmax(found >= math.ceil(0.95 * total))) + 1
    return (n - n95) / n - 0.05, float(found[math.ceil(0.10 * n) - 1]) / total


def topic_for(name: str) -> Topic:
    """Return the task's topic: its category name as name and as the one include term."""
    return Topic(name=name, include=(name,))


class Product:
    """The product's order: a TopicModel updated with each batch's decisions; notes its own estimates."""

    def __init__(self, texts: Sequence[Document], name: str, settings: Settings) -> None:
        topic = topic_for(name)
        self.model = TopicModel(
            Corpus.build(enumerate(texts)), topic, rule_scores(topic, enumerate(texts)), settings
        )
        # (share of items read, estimated recall, true recall, expected relevant left, true left)
        self.estimates: list[tuple[float, float, float, float, int]] = []

    def __call__(self, read: list[int], labels: Labels) -> list[int]:
        known = self.model.decisions
        self.model.record(Decision(i, bool(labels[i])) for i in read if i not in known)
        share = len(read) / len(labels)
        if any(len(read) - BATCH < at * len(labels) <= len(read) for at in CHECKPOINTS):
            report = self.model.report()
            found, total = int(labels[read].sum()), int(labels.sum())
            estimate = report.estimated_recall or 0.0
            self.estimates.append(
                (share, estimate, found / total, report.expected_relevant_left, total - found)
            )
        return [r.item_id for r in self.model.rank(limit=BATCH)]


def asreview(texts: Sequence[Document]) -> Ranker:
    """Return the ASReview default model's order, retrained on all decisions after each batch."""
    vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95).fit_transform(
        [f"{d.title} {d.text}" for d in texts]
    )

    def rank(read: list[int], labels: Labels) -> list[int]:
        y = labels[read].astype(int)
        weights = np.where(y == 1, 1.0, y.sum() / (9.8 * (y == 0).sum()))
        weights *= len(y) / weights.sum()
        svm = LinearSVC(C=0.11, max_iter=5000).fit(vectors[read], y, sample_weight=weights)
        scores = svm.decision_function(vectors)
        scores[read] = -np.inf
        return [int(i) for i in np.argsort(-scores, kind="stable")[:BATCH]]

    return rank


def fixed(order: Sequence[int]) -> Ranker:
    """Return an order that never learns."""

    def rank(read: list[int], labels: Labels) -> list[int]:
        seen = set(read)
        return [i for i in order if i not in seen][:BATCH]

    return rank


def rules_order(texts: Sequence[Document], name: str, seed: int) -> list[int]:
    """Return the items by the keyword rules' score, ties in random order."""
    scores = rule_scores(topic_for(name), enumerate(texts))
    shuffled = np.random.default_rng(seed).permutation(len(texts))
    return sorted(shuffled.tolist(), key=lambda i: -scores.get(i, 0.0))


def screening(args: argparse.Namespace) -> None:
    docs = load()
    variants = ["product", *[v for v in args.variant if v != "product"]]
    methods = [*variants, "random", "rules", "asreview"]
    results: dict[str, dict[str, list[tuple[float, float]]]] = {m: {} for m in methods}
    seconds: dict[str, float] = dict.fromkeys(methods, 0.0)
    estimates: dict[str, list[tuple[float, float, float, float, int]]] = {}
    for name in args.tasks:
        texts, labels = sample(docs, TASKS.index(name))
        for seed in args.seeds:
            for method in methods:
                started = time.process_time()
                ranker: Ranker
                if method in VARIANTS:
                    ranker = Product(texts, name, VARIANTS[method])
                elif method == "random":
                    ranker = fixed(np.random.default_rng(seed).permutation(len(texts)).tolist())
                elif method == "rules":
                    ranker = fixed(rules_order(texts, name, seed))
                else:
                    ranker = asreview(texts)
                read = simulate(ranker, labels, seed)
                seconds[method] += time.process_time() - started
                results[method].setdefault(name, []).append(metrics(read, labels))
                if method == "product" and isinstance(ranker, Product):
                    estimates.setdefault(name, []).extend(ranker.estimates)
            print(f"  {name} seed {seed} done", file=sys.stderr, flush=True)
    print_table(results, args.tasks)
    print_estimates(estimates)
    print("CPU seconds:", ", ".join(f"{m} {s:.0f}" for m, s in seconds.items()))


def print_estimates(estimates: dict[str, list[tuple[float, float, float, float, int]]]) -> None:
    """Print the product's estimated recall and relevant items left beside the truth, per checkpoint."""
    print(
        "\nproduct's own estimate: recall estimated / true, relevant left expected / true (mean over seeds)"
    )
    print(f"| task | {' | '.join(f'{at:.0%} read' for at in CHECKPOINTS)} |")
    print(f"|---|{'---|' * len(CHECKPOINTS)}")
    errors = []
    for name, rows in estimates.items():
        cells = []
        for at in CHECKPOINTS:
            near = [r for r in rows if abs(r[0] - at) < BATCH / 2000 + 1e-9]
            est, true, left, true_left = (float(np.mean([r[k] for r in near])) for k in (1, 2, 3, 4))
            errors.append(est - true)
            cells.append(f"{est:.2f} / {true:.2f}, {left:.1f} / {true_left:.1f}")
        print(f"| {name} | {' | '.join(cells)} |")
    print(
        f"estimated minus true recall: mean {np.mean(errors):+.3f}, "
        f"mean absolute {np.mean(np.abs(errors)):.3f}"
    )


def print_table(results: dict[str, dict[str, list[tuple[float, float]]]], tasks: Sequence[str]) -> None:
    methods = list(results)
    print("\nWSS@95 / recall@10%, mean over seeds")
    print(f"| task | {' | '.join(methods)} |")
    print(f"|---|{'---|' * len(methods)}")
    for name in tasks:
        cells = ["{:.3f} / {:.3f}".format(*np.mean(results[m][name], axis=0)) for m in methods]
        print(f"| {name} | {' | '.join(cells)} |")
    means = [np.mean([np.mean(results[m][t], axis=0) for t in tasks], axis=0) for m in methods]
    print(f"| mean | {' | '.join(f'{w:.3f} / {r:.3f}' for w, r in means)} |")
    base = {t: np.mean(results["asreview"][t], axis=0) for t in tasks}
    for method in methods[:-3]:
        worst = min(
            (float(np.mean(results[method][t], axis=0)[j] - base[t][j]), f"{t} {('WSS', 'recall')[j]}")
            for t in tasks
            for j in (0, 1)
        )
        mean = np.mean([np.mean(results[method][t], axis=0) for t in tasks], axis=0)
        target = np.mean(list(base.values()), axis=0)
        met = all(mean > target) and worst[0] >= -0.02
        print(
            f"{method}: mean {mean[0] - target[0]:+.3f} WSS, {mean[1] - target[1]:+.3f} recall against "
            f"asreview; worst task {worst[1]} {worst[0]:+.3f}: target {'met' if met else 'NOT met'}"
        )


def timing(args: argparse.Namespace) -> None:
    """Time one decision and the next page with --items items in the corpus."""
    docs = load()
    items = []
    for k in range(args.items):
        d = docs[k % len(docs)]
        title = str(d["title"]) if k < len(docs) else f"{d['title']} (copy {k // len(docs)})"
        items.append((k, Document(title=title, text=str(d["text"]))))
    labels = np.array(["crude" in docs[k % len(docs)]["topics"] for k in range(args.items)])  # type: ignore[operator]
    tracemalloc.start()
    started = time.perf_counter()
    corpus = Corpus.build(items)
    corpus.norms()
    built = time.perf_counter() - started
    topic = topic_for("crude")
    started = time.perf_counter()
    rules = rule_scores(topic, items)
    ruled = time.perf_counter() - started
    model = TopicModel(corpus, topic, rules)
    model.record(Decision(i, bool(labels[i])) for i in priors(labels, 0))
    model.rank(limit=50)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{args.items} items: corpus built in {built:.1f} s, {corpus.nbytes() / 2**20:.0f} MiB held "
        f"(peak traced {peak / 2**20:.0f} MiB); rules scored in {ruled:.1f} s"
    )
    page_times: list[float] = []
    explain_times: list[float] = []
    for _ in range(args.decisions):
        page = model.rank(limit=50)
        started = time.perf_counter()
        model.record([Decision(page[0].item_id, bool(labels[page[0].item_id]))])
        page = model.rank(limit=50)
        page_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for ranked in page:
            model.explain(ranked.item_id, items[ranked.item_id][1])
        explain_times.append((time.perf_counter() - started) * 1000)
    report = model.report()
    print(
        f"decision + next page of 50 ({args.decisions} decisions, up to {len(model.decisions)} decided): "
        f"median {statistics.median(page_times):.1f} ms, p95 {np.percentile(page_times, 95):.1f} ms, "
        f"max {max(page_times):.1f} ms (target < 300 ms)"
    )
    print(
        f"explanations for the page of 50: median {statistics.median(explain_times):.1f} ms, "
        f"p95 {np.percentile(explain_times, 95):.1f} ms"
    )
    started = time.perf_counter()
    decisions = [Decision(i, y) for i, y in model.decisions.items()]
    TopicModel.rebuild(corpus, topic, decisions, rules).rank(limit=50)
    print(
        f"rebuild from {len(model.decisions)} decisions and first page: "
        f"{(time.perf_counter() - started) * 1000:.0f} ms; report: {dataclasses.asdict(report)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=TASKS)
    parser.add_argument("--variant", nargs="*", default=[], choices=sorted(VARIANTS))
    parser.add_argument("--timing", action="store_true", help="time decisions instead of screening")
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--decisions", type=int, default=200)
    args = parser.parse_args()
    if args.timing:
        timing(args)
    else:
        screening(args)


if __name__ == "__main__":
    main()
