"""The extraction corpora beside the project: finding, running extractors over them on every core, scoring.

The corpora (../shared/corpora/trafilatura-eval-subset and ../shared/corpora/wcxb-dev) and their scorer
(../shared/corpora/score_extraction.py) are not part of the project; benchmarks and the quality gate read
them when present. Text is scored by the corpus's own scorer: on the trafilatura subset, trafilatura's
segment method (must-contain and must-not-contain snippets, counts summed over the corpus); on WCXB, the
benchmark's word F1 (bag of lower-cased words against the full reference text, averaged over pages),
also per kind of page.
Title, author and date are scored here, on the pages whose ground truth has the field:

* title: exact = equal after normalisation (Unicode NFKC, case-folded, quotes dropped, whitespace
  collapsed); contains = the normalised true title appears inside the normalised extracted one (a
  site name appended to it is tolerated).
* author: names are split at ``,`` ``;`` ``&`` ``|`` "and" "und" and normalised like titles;
  exact = the same set of names; contains = every true name appears inside some extracted name.
* date: exact = the same calendar day (YYYY-MM-DD), in the page's own time zone.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import multiprocessing
import re
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS_NAME = "trafilatura-eval-subset"
WCXB_NAME = "wcxb-dev"
FIELDS = ("title", "author", "date")


def find_corpus(root: Path = ROOT, name: str = CORPUS_NAME) -> Path | None:
    """Return the corpus folder ``name`` beside the project (../shared/corpora/...), or None when absent."""
    path = root.parent / "shared" / "corpora" / name
    return path if (path / "ground-truth.json").is_file() else None


def corpus_format(corpus: Path) -> str:
    """Return the corpus's scoring format: "words" (WCXB) or "segments" (the trafilatura subset)."""
    data = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    return str(data.get("format", "segments"))


def page_paths(corpus: Path, limit: int | None = None, every: int = 1) -> list[Path]:
    """Return the corpus's page files in ground-truth order (``<id>.html`` or ``<id>.html.gz``).

    ``every`` > 1 keeps every n-th page of each kind of page (the first, the n+1-th...): a sample
    with the kinds in the corpus's own proportions, the same on every run.
    """
    truth = load_truth(corpus)
    keys = list(truth)[:limit]
    if every > 1:
        seen: Counter[str] = Counter()
        sample = []
        for key in keys:
            kind = str(truth[key].get("type", ""))
            if seen[kind] % every == 0:
                sample.append(key)
            seen[kind] += 1
        keys = sample
    paths = []
    for key in keys:
        path = corpus / "html" / f"{key}.html"
        paths.append(path if path.exists() else path.with_name(path.name + ".gz"))
    return paths


def read_page(path: Path) -> bytes:
    """Return a page's raw bytes, gunzipped when stored compressed."""
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def page_key(path: Path) -> str:
    """Return the page id of a corpus file."""
    return path.name.split(".", 1)[0]


def load_scorer(corpus: Path) -> ModuleType:
    """Return the corpus's own scoring module (score_extraction.py, one folder up)."""
    spec = importlib.util.spec_from_file_location("score_extraction", corpus.parent / "score_extraction.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(corpus.parent / "score_extraction.py")
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        # Its docstring has a "\\w" outside a raw string: a warning when compiled, which the suite
        # turns into an error. It is the corpus's file, read-only, so it is read as it is.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        spec.loader.exec_module(module)
    return module


def load_truth(corpus: Path) -> dict[str, dict[str, Any]]:
    """Return the ground truth of every page, keyed by page id."""
    data = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    items: dict[str, dict[str, Any]] = data["items"]
    return items


@dataclass
class Run:
    """One extractor's output on the corpus, and the CPU time spent inside its calls."""

    name: str
    texts: dict[str, str | None] = field(default_factory=dict)
    metadata: dict[str, dict[str, str | None]] = field(default_factory=dict)
    seconds: float = 0.0
    errors: int = 0

    @property
    def pages_per_second(self) -> float:
        """Return pages per CPU-second: pages over the CPU time summed inside the extractor's calls."""
        return len(self.texts) / self.seconds if self.seconds else 0.0


def _product(html: bytes | str) -> tuple[str | None, dict[str, str | None]]:
    from aggregator.extract.page import extract

    page = extract(html)
    if page is None:
        return None, {}
    date = page.published.date().isoformat() if page.published else None
    return page.text, {"title": page.title or None, "author": page.author, "date": date}


def _trafilatura_metadata(html: bytes | str) -> dict[str, str | None]:
    import trafilatura

    doc = trafilatura.extract_metadata(html)
    return {"title": doc.title, "author": doc.author, "date": doc.date}


# The peers run through the corpus scorer's own runners, so their figures are the scorer's figures.
PEERS = {
    "trafilatura": "trafilatura-nocomments",
    "trafilatura-recall": "trafilatura-recall",
    "readability-lxml": "readability-lxml",
}
EXTRACTORS = ("product", *PEERS)
# Metadata read untimed beside a peer's text, for peers whose text call does not return it.
METADATA_READERS: dict[str, Callable[[bytes | str], dict[str, str | None]]] = {
    "trafilatura": _trafilatura_metadata,
}

_state: dict[str, Any] = {}


def _extractor(name: str, corpus: Path) -> Callable[[bytes | str], tuple[str | None, dict[str, str | None]]]:
    if name == "product":
        return _product
    peer = load_scorer(corpus).get_extractor(PEERS[name])
    return lambda html: (peer(html), {})


def _start(names: tuple[str, ...], corpus: Path, warm_up: Path) -> None:
    _state["extractors"] = {name: _extractor(name, corpus) for name in names}
    # The scorer feeds WCXB's pages as UTF-8 text (as that benchmark's runners do), the trafilatura
    # subset's as bytes; every extractor here is fed the same way.
    _state["as_text"] = corpus_format(corpus) == "words"
    for extract in _state["extractors"].values():
        extract(_page(warm_up))  # lazy imports and caches, untimed


def _page(path: Path) -> bytes | str:
    raw = read_page(path)
    return raw.decode("utf-8", "replace") if _state["as_text"] else raw


Outcome = tuple[str, str | None, dict[str, str | None], float, bool]


def _one(job: tuple[int, Path]) -> tuple[str, dict[str, Outcome]]:
    index, path = job
    html = _page(path)
    names = list(_state["extractors"])
    # Every extractor on the page in turn, the order turned by one each page, in the same process: the
    # machine's speed drifts over minutes (a first run measured 1.25x the CPU of a second run of the
    # same code), and extractors run one after another would each meet a different machine.
    order = names[index % len(names) :] + names[: index % len(names)]
    outcomes: dict[str, Outcome] = {}
    for name in order:
        # CPU time, not wall time: on a shared machine wall time measures the neighbours too.
        started = time.process_time()
        try:
            text, meta = _state["extractors"][name](html)
            failed = False
        except Exception:  # noqa: BLE001 - a crash scores as an empty extraction, as in the corpus's scorer
            text, meta, failed = None, {}, True
        seconds = time.process_time() - started
        if name in METADATA_READERS:
            meta = METADATA_READERS[name](html)
        outcomes[name] = (page_key(path), text, meta, seconds, failed)
    return page_key(path), outcomes


def run_all(
    names: list[str], corpus: Path, *, workers: int = 2, limit: int | None = None, every: int = 1
) -> list[Run]:
    """Return each extractor's output on the corpus (or its sample, see page_paths), in ``names``' order.

    The extractors share ``workers`` processes and take each page in turn, so that their CPU times are
    measured on the same machine at the same moments (see _one).
    """
    paths = page_paths(corpus, limit, every)
    results = {name: Run(name) for name in names}
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start, initargs=(tuple(names), corpus, paths[0])) as pool:
        for _, outcomes in pool.imap_unordered(_one, enumerate(paths), chunksize=4):
            for name, (key, text, meta, seconds, failed) in outcomes.items():
                result = results[name]
                result.texts[key] = text
                result.metadata[key] = meta
                result.seconds += seconds
                result.errors += failed
    return [results[name] for name in names]


def run(name: str, corpus: Path, *, workers: int = 2, limit: int | None = None, every: int = 1) -> Run:
    """Return ``name``'s output on the corpus (or its sample, see page_paths), by ``workers`` processes."""
    return run_all([name], corpus, workers=workers, limit=limit, every=every)[0]


def text_scores(
    scorer: ModuleType, truth: dict[str, dict[str, Any]], texts: dict[str, str | None], fmt: str = "segments"
) -> Any:
    """Return the scorer's F1, precision, recall and accuracy for ``texts`` (pages missing count as empty).

    In the "words" format the result also has ``by_type``: kind -> (pages, mean F1).
    """
    score = scorer.score_words if fmt == "words" else scorer.score_segments
    return score({k: truth[k] for k in texts}, texts, 0, 0)


def metadata_accuracy(
    truth: dict[str, dict[str, Any]], metadata: dict[str, dict[str, str | None]]
) -> dict[str, tuple[float, float, int]]:
    """Return, per field, (exact share, contains share, pages with ground truth) as defined above."""
    scores: dict[str, tuple[float, float, int]] = {}
    for name in FIELDS:
        exact = contains = pages = 0
        for key, found in metadata.items():
            expected = truth[key].get(name)
            if not expected:
                continue
            pages += 1
            is_exact, is_contained = _match(name, expected, found.get(name))
            exact += is_exact
            contains += is_contained
        scores[name] = (exact / pages if pages else 0.0, contains / pages if pages else 0.0, pages)
    return scores


def _match(name: str, expected: Any, found: str | None) -> tuple[bool, bool]:
    if not found:
        return False, False
    if name == "date":
        same = found[:10] == str(expected)[:10]
        return same, same
    if name == "author":
        want, got = _names(expected), _names(found)
        return want == got, bool(want) and all(any(w in g for g in got) for w in want)
    want_text, got_text = _normalise(str(expected)), _normalise(found)
    return want_text == got_text, want_text in got_text


_QUOTES = re.compile(r"[\"'“”„‘’«»]")
_NAME_SPLIT = re.compile(r"[;,&|]|\band\b|\bund\b")


def _normalise(text: str) -> str:
    return " ".join(_QUOTES.sub("", unicodedata.normalize("NFKC", text).casefold()).split())


def _names(value: Any) -> set[str]:
    joined = "; ".join(value) if isinstance(value, list) else str(value)
    return {n for n in (_normalise(part) for part in _NAME_SPLIT.split(joined)) if n}
