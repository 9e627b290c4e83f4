"""Language detection on Welsh and English: today's detector (py3langid) against the new one (Lingua).

    .venv/bin/python bench/language.py            # --limit N: at most N texts a set and language

One run measures, on the test sets of bench/data/language (provenance in its README):

1. accuracy per set (sentences, titles of 2-12 words, word pairs, single words) and language, and
   CPU per text, for: today's ``detect_language`` as the product called it (py3langid; below twelve
   words it answered the hint, here none, so None), py3langid's model alone on every text, plain
   Lingua in its two modes over the product's languages and over Welsh and English only, and the new
   ``aggregator.extract.language.detect_language``;
2. short texts with context: titles over their page's text, pairs and words with a declared
   language, the context right or the other of Welsh and English (a bilingual site), today (the
   item took the context's language) against the new ``detect_title_language`` /
   ``detect_language(text, hint)`` and a variant weighing every listed language;
3. pages (title and ~5 kB of text): accuracy of text and title and CPU per page, today's call
   (``detect_language(text[:1000])``) against the new one (``detect_page_languages`` on the same
   1,000 characters, and on all 5 kB);
4. what an extraction worker pays: import and first detection (CPU and resident memory), in a fresh
   interpreter each, and memory once every kind of text has been seen;
5. title accuracy for other values of the module's two weights, the figures they were chosen by.

CPU is process time (``time.process_time``): on a shared machine wall time measures the neighbours.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

DATA = ROOT / "bench" / "data" / "language"
SETS = ("sentences", "titles", "pairs", "words")
# The languages of the test sets; the last ones are not in the product's list (gd and br not in Lingua).
LANGUAGES = ("cy", "en", "ga", "de", "fr", "es", "gd", "br", "it", "nl", "pl")
LISTED = ("cy", "en", "ga", "de", "fr", "es")
PRODUCT_SAMPLE_CHARS = 1000  # what aggregator/extract.py hands the detector
SEED = 19

Detect = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Text:
    """One test text: its set, true language, source and the text."""

    set: str
    lang: str
    source: str
    text: str


# --- the detectors ---------------------------------------------------------------------------------


def _lingua(codes: tuple[str, ...], *, low: bool) -> Detect:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(c) for c in codes))
    detector = (builder.with_low_accuracy_mode() if low else builder).build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None

    return detect


def _today() -> Detect:
    from bench.support.language_before import detect_language

    return detect_language


def _py3langid() -> Detect:
    import py3langid

    return lambda text: str(py3langid.classify(text)[0])


def _new() -> Detect:
    from aggregator.extract.language import detect_language

    return detect_language


DETECTORS: dict[str, Callable[[], Detect]] = {
    "today": _today,
    "py3langid": _py3langid,
    "lingua low 6": lambda: _lingua(LISTED, low=True),
    "lingua high 6": lambda: _lingua(LISTED, low=False),
    "lingua high cy+en": lambda: _lingua(("cy", "en"), low=False),
    "new": _new,
}
DESCRIPTIONS = {
    "today": "product before: detect_language (py3langid; None under 12 words without a hint)",
    "py3langid": "py3langid.classify on every text (all its languages)",
    "lingua low 6": "Lingua low-accuracy mode over the product's 6 languages (cy en ga de fr es)",
    "lingua high 6": "Lingua high-accuracy mode over the same 6",
    "lingua high cy+en": "Lingua high-accuracy mode over Welsh and English only",
    "new": "product after: aggregator.extract.language.detect_language (Lingua over the 6, no hint)",
}


# --- data ------------------------------------------------------------------------------------------


def load_texts(limit: int | None) -> list[Text]:
    """Return the test texts, at most ``limit`` per set, language and source (a fixed sample)."""
    rows: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    with (DATA / "texts.tsv").open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            set_name, lang, source, text = line.rstrip("\n").split("\t")
            rows[set_name, lang, source].append(text)
    rng = random.Random(SEED)
    texts = []
    for (set_name, lang, source), items in sorted(rows.items()):
        if limit and len(items) > limit:
            items = rng.sample(items, limit)
        texts += [Text(set_name, lang, source, t) for t in items]
    return texts


def load_pages() -> list[dict[str, str]]:
    """Return the test pages: language, source, title and ~5 kB of text."""
    with (DATA / "pages.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


# --- 1. sets ---------------------------------------------------------------------------------------


def run_sets(texts: list[Text]) -> None:
    """Print accuracy per set and language, the share of others taken for Welsh, and CPU per text."""
    answers: dict[str, list[str | None]] = {}
    cpu: dict[tuple[str, str], float] = {}
    for name, factory in DETECTORS.items():
        detect = factory()
        # Every model a detector uses loads before the clock: a long text, short ones in every language.
        detect("Warm up: every model loads on first use, before the clock starts, for a fair comparison.")
        for warm_up in {(t.set, t.lang): t.text for t in texts}.values():
            detect(warm_up)
        answers[name] = []
        for set_name in SETS:
            chosen = [t.text for t in texts if t.set == set_name]
            start = time.process_time()
            answers[name] += [detect(t) for t in chosen]
            cpu[name, set_name] = (time.process_time() - start) / len(chosen)
    order = [t for set_name in SETS for t in texts if t.set == set_name]
    names = list(DETECTORS)
    print("\n## 1. Accuracy (% right) per set and language\n")
    print("Languages in parentheses are outside the product's list (gd and br are not in Lingua): the")
    print("figure for them is the share *not* taken for Welsh or English. `today` answers None below")
    print("twelve words when nothing is declared: wrong for a listed language, 'not cy or en' otherwise.\n")
    _row(["set", "lang", "n", *names])
    _row(["---"] * (3 + len(names)))
    for set_name in SETS:
        for lang in LANGUAGES:
            idx = [i for i, t in enumerate(order) if t.set == set_name and t.lang == lang]
            if not idx:
                continue
            cells = [_share(answers[n], idx, lang) for n in names]
            label = lang if lang in LISTED else f"({lang})"
            _row([set_name, label, str(len(idx)), *cells])
        for lang, source in (("cy", "demo"), ("en", "wcxb")):
            idx = [
                i for i, t in enumerate(order) if t.set == set_name and t.lang == lang and t.source == source
            ]
            if len(idx) > 1:
                _row(
                    [
                        set_name,
                        f"{lang} ({source} only)",
                        str(len(idx)),
                        *[_share(answers[n], idx, lang) for n in names],
                    ]
                )
        for label, keep in (("listed others taken for cy", LISTED), ("unlisted taken for cy", LANGUAGES)):
            others = [
                i for i, t in enumerate(order) if t.set == set_name and t.lang != "cy" and t.lang in keep
            ]
            if label.startswith("unlisted"):
                others = [i for i in others if order[i].lang not in LISTED]
            cells = [f"{100 * sum(answers[n][i] == 'cy' for i in others) / len(others):.1f}" for n in names]
            _row([set_name, label, str(len(others)), *cells])
        welsh = [i for i, t in enumerate(order) if t.set == set_name and t.lang == "cy"]
        cells = [f"{100 * sum(answers[n][i] == 'en' for i in welsh) / len(welsh):.1f}" for n in names]
        _row([set_name, "cy taken for en", str(len(welsh)), *cells])
        _row([set_name, "CPU µs/text", "", *[f"{cpu[n, set_name] * 1e6:.0f}" for n in names]])
    long = [i for i, t in enumerate(order) if len(t.text.strip()) >= 120 and t.lang in LISTED]
    differ = sum(answers["lingua low 6"][i] != answers["lingua high 6"][i] for i in long)
    low, high = (sum(answers[n][i] == order[i].lang for i in long) for n in ("lingua low 6", "lingua high 6"))
    print(f"\nOn the {len(long)} texts of 120 characters or more in a listed language, Lingua's two modes")
    print(f"differ on {differ}; the low-accuracy mode is right on {low}, the high-accuracy one on {high}.")


def _share(answers: list[str | None], idx: list[int], lang: str) -> str:
    if lang in LISTED:
        right = sum(answers[i] == lang for i in idx)
    else:
        right = sum(answers[i] not in ("cy", "en") for i in idx)
    return f"{100 * right / len(idx):.1f}"


def _row(cells: list[str]) -> None:
    print("| " + " | ".join(cells) + " |")


# --- 2. titles in context --------------------------------------------------------------------------


def run_context(texts: list[Text], pages: list[dict[str, str]]) -> None:
    """Print short-text accuracy with context (a title's page text, a feed's language), right or not."""
    from aggregator.extract.language import detect_language, detect_title_language
    from bench.support.language_before import detect_language as detect_before

    weighed_all = _weighed_over_all()
    # A title's context is what the detector finds in a real page of that language.
    contexts: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    for page in pages:
        sample = page["text"][:PRODUCT_SAMPLE_CHARS]
        contexts[page["lang"]].append((detect_before(sample), detect_language(sample)))
    contexts["en"] = contexts["en"][:5]
    print("\n## 2. Short texts with context (% right)\n")
    print("Titles over their page's text (detected from a real page of that language), word pairs and")
    print("words with a declared language (the feed's or page's, passed as the hint). `same`: the context")
    print("is the text's own language; `other`: the other of cy and en (for ga, de, fr, es: English).")
    print("Below twelve words, today's product answered the context's language: the item had one.\n")
    methods = ("today", "new, alone", "new, with context", "variant: all 6 weighed")
    _row(["set", "lang", "context", "n", *methods])
    _row(["---"] * (4 + len(methods)))
    cpu: dict[str, float] = defaultdict(float)
    count = 0
    for set_name in ("titles", "pairs", "words"):
        for lang in ("cy", "en", "ga", "de", "fr", "es"):
            chosen = [t.text for t in texts if t.set == set_name and t.lang == lang]
            for case, context_lang in (("same", lang), ("other", "cy" if lang == "en" else "en")):
                right = dict.fromkeys(methods, 0)
                for i, text in enumerate(chosen):
                    before, after = contexts[context_lang][i % len(contexts[context_lang])]
                    start = time.process_time()
                    answers = {"today": before, "new, alone": detect_language(text)}
                    middle = time.process_time()
                    if set_name == "titles":
                        answers["new, with context"] = detect_title_language(text, context=after)
                    else:
                        answers["new, with context"] = detect_language(text, hint=context_lang)
                    end = time.process_time()
                    answers["variant: all 6 weighed"] = weighed_all(text, after)
                    cpu["alone"] += middle - start
                    cpu["context"] += end - middle
                    count += 1
                    for method, answer in answers.items():
                        right[method] += answer == lang
                cells = [f"{100 * right[m] / len(chosen):.1f}" for m in methods]
                _row([set_name, lang, f"{case} ({context_lang})", str(len(chosen)), *cells])
    alone, with_context = cpu["alone"] / count * 1e6, cpu["context"] / count * 1e6
    print(f"\nCPU per text: alone {alone:.0f} µs, with context {with_context:.0f} µs")


def _weighed_over_all() -> Callable[[str, str | None], str | None]:
    """The rejected variant: every listed language a candidate, primary x2 and context x1.5."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_iso_codes_639_1(
        *(IsoCode639_1.from_str(c) for c in LISTED)
    ).build()

    def detect(title: str, context: str | None) -> str | None:
        best, best_score = None, 0.0
        for value in detector.compute_language_confidence_values(title):
            code = value.language.iso_code_639_1.name.lower()
            weight = (2.0 if code in ("cy", "en") else 1.0) * (1.5 if code == context else 1.0)
            if value.value * weight > best_score:
                best, best_score = code, value.value * weight
        return best or context

    return detect


# --- 3. pages --------------------------------------------------------------------------------------


def run_pages(pages: list[dict[str, str]]) -> None:
    """Print page accuracy (text and title) and CPU per page, today's call against the new one."""
    from aggregator.extract.language import detect_page_languages
    from bench.support.language_before import detect_language as detect_before

    def today(page: dict[str, str]) -> tuple[str | None, str | None]:
        language = detect_before(page["text"][:PRODUCT_SAMPLE_CHARS])
        return language, language  # the item had one language, the text's

    def new_1000(page: dict[str, str]) -> tuple[str | None, str | None]:
        found = detect_page_languages(page["title"], page["text"][:PRODUCT_SAMPLE_CHARS])
        return found.text, found.title

    def new_5k(page: dict[str, str]) -> tuple[str | None, str | None]:
        found = detect_page_languages(page["title"], page["text"])
        return found.text, found.title

    print("\n## 3. Pages: title and ~5 kB of text\n")
    sizes = [len(p["text"]) for p in pages]
    languages = ", ".join(f"{lang} {n}" for lang, n in _count(pages).items())
    longest_title = max(len(p["title"].split()) for p in pages)
    print(f"{len(pages)} pages ({languages}), text of {min(sizes)}-{max(sizes)} characters, titles of")
    print(f"1-{longest_title} words. The product hands the detector the text's first 1,000 characters.\n")
    _row(["call", "text right %", "title right %", "CPU ms/page", "pages"])
    _row(["---"] * 5)
    methods = (
        ("today: detect_language(text[:1000])", today),
        ("new: detect_page_languages(title, text[:1000])", new_1000),
        ("new: detect_page_languages(title, text) (5 kB; cut at 3,000)", new_5k),
    )
    # Alternating rounds, so a change in the machine's speed falls on every call alike.
    spent = dict.fromkeys(range(len(methods)), 0.0)
    found: dict[int, list[tuple[str | None, str | None]]] = {}
    for _, method in methods:
        method(pages[0])
    rounds = 5
    for _ in range(rounds):
        for number, (_, method) in enumerate(methods):
            start = time.process_time()
            found[number] = [method(p) for p in pages]
            spent[number] += time.process_time() - start
    for number, (label, _) in enumerate(methods):
        text_right = sum(f[0] == p["lang"] for f, p in zip(found[number], pages, strict=True))
        title_right = sum(f[1] == p["lang"] for f, p in zip(found[number], pages, strict=True))
        per_page = spent[number] / rounds / len(pages)
        _row(
            [
                label,
                f"{100 * text_right / len(pages):.1f}",
                f"{100 * title_right / len(pages):.1f}",
                f"{per_page * 1e3:.3f}",
                str(len(pages)),
            ]
        )


def _count(pages: list[dict[str, str]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for page in pages:
        counts[page["lang"]] += 1
    return dict(counts)


# --- 5. the weights --------------------------------------------------------------------------------


def run_weights(texts: list[Text]) -> None:
    """Print title accuracy for other values of the module's two weights (how they were chosen)."""
    import aggregator.extract.language as language

    titles = [t for t in texts if t.set == "titles"]
    chosen = {lang: [t.text for t in titles if t.lang == lang] for lang in LISTED}
    saved = language.PRIMARY_WEIGHT, language.HINT_WEIGHT
    print("\n## 5. The weights: titles (% right) for other values\n")
    print("Without context, Welsh and English weighed by PRIMARY_WEIGHT (the product: 2):\n")
    _row(["PRIMARY_WEIGHT", *LISTED])
    _row(["---"] * (1 + len(LISTED)))
    try:
        for weight in (1.0, 1.5, 2.0, 3.0):
            language.PRIMARY_WEIGHT = weight
            detector = language.LanguageDetector()
            cells = [
                f"{100 * sum(detector.detect(t) == lang for t in items) / len(items):.1f}"
                for lang, items in chosen.items()
            ]
            _row([f"{weight:g}", *cells])
        language.PRIMARY_WEIGHT = saved[0]
        print("\nOver a page's text, its language weighed by HINT_WEIGHT (the product: 1.5); same / other:\n")
        _row(["HINT_WEIGHT", "cy, cy page", "cy, en page", "en, en page", "en, cy page"])
        _row(["---"] * 5)
        for weight in (1.0, 1.5, 2.0, 3.0):
            language.HINT_WEIGHT = weight
            detector = language.LanguageDetector()
            cells = []
            for lang, context in (("cy", "cy"), ("cy", "en"), ("en", "en"), ("en", "cy")):
                right = sum(detector.detect_title(t, context) == lang for t in chosen[lang])
                cells.append(f"{100 * right / len(chosen[lang]):.1f}")
            _row([f"{weight:g}", *cells])
    finally:
        language.PRIMARY_WEIGHT, language.HINT_WEIGHT = saved


# --- 4. start-up and memory ------------------------------------------------------------------------

STARTUP_CASES = {
    "today": "product before (py3langid)",
    "new": "product after (Lingua, the 6 languages)",
    "lingua high 6, preloaded": "Lingua high-accuracy over the 6, with_preloaded_language_models",
}


def startup_child(case: str) -> None:
    """In a fresh interpreter: print, as JSON, the cost of importing and first use, then of more texts."""
    pages = load_pages()
    texts = load_texts(50)
    detect: Callable[[str, str | None], object]
    page_calls: Callable[[str, str, str | None], object]
    before = _rss_mb()
    start = time.process_time()
    if case == "today":
        from bench.support.language_before import detect_language as before_issue

        def page_calls(title: str, text: str, hint: str | None) -> object:
            return before_issue(text[:PRODUCT_SAMPLE_CHARS], hint=hint)

        detect = before_issue
    elif case == "new":
        from aggregator.extract.language import detect_language, detect_page_languages

        def page_calls(title: str, text: str, hint: str | None) -> object:
            return detect_page_languages(title, text[:PRODUCT_SAMPLE_CHARS], hint)

        detect = detect_language
    else:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = (IsoCode639_1.from_str(c) for c in LISTED)
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models()
        preloaded = builder.build()

        def detect(text: str, hint: str | None) -> object:
            return preloaded.detect_language_of(text)

        def page_calls(title: str, text: str, hint: str | None) -> object:
            return detect(text[:PRODUCT_SAMPLE_CHARS], hint), detect(title, hint)

    page_calls(pages[-1]["title"], pages[-1]["text"], pages[-1]["lang"])
    first = time.process_time() - start
    first_rss = _rss_mb()
    # The product's sources: Welsh and English pages, and short Welsh and English feed texts, each
    # with its declared language (<html lang>, the feed's <language>).
    for page in pages:
        if page["lang"] in ("cy", "en"):
            page_calls(page["title"], page["text"], page["lang"])
    for item in texts:
        if item.lang in ("cy", "en"):
            detect(item.text, item.lang)
    declared_rss = _rss_mb()
    # Then everything, with nothing declared: every short text weighed among all six languages.
    for page in pages:
        page_calls(page["title"], page["text"], None)
    for item in texts:
        detect(item.text, None)
    result = {
        "first_cpu": first,
        "first_mb": first_rss - before,
        "declared_mb": declared_rss - before,
        "all_mb": _rss_mb() - before,
    }
    print(json.dumps(result))


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_startup() -> None:
    """Print each case's start-up cost, measured in fresh interpreters (three runs, the median)."""
    print("\n## 4. What an extraction worker pays: import and first detection, memory\n")
    print("Fresh interpreter each (median of 3); memory is resident set growth over the bare interpreter")
    print("(which has numpy loaded already, as trafilatura loads it in every worker).\n")
    _row(
        [
            "case",
            "import + first page, CPU s",
            "RSS after the first page, MB",
            "then cy and en pages and short texts, language declared",
            "then every text of every language, none declared",
        ]
    )
    _row(["---"] * 5)
    for case, label in STARTUP_CASES.items():
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, __file__, "--startup-child", case],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        median = {key: sorted(run[key] for run in runs)[1] for key in runs[0]}
        cells = [
            f"{median['first_cpu']:.2f}",
            f"{median['first_mb']:.0f}",
            f"{median['declared_mb']:.0f}",
            f"{median['all_mb']:.0f}",
        ]
        _row([label, *cells])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="at most N texts per set, language and source"
    )
    parser.add_argument("--startup-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.startup_child:
        import numpy  # noqa: F401  (every extraction worker has it: trafilatura imports it)

        startup_child(args.startup_child)
        return
    import py3langid

    from aggregator.extract.language import DEFAULT_LANGUAGES

    if tuple(DEFAULT_LANGUAGES) != LISTED:
        sys.exit(f"the product now lists {DEFAULT_LANGUAGES}: update LISTED (and LANGUAGES) here")
    print("# Language detection benchmark\n")
    lingua_version = _version("lingua-language-detector")
    python = sys.version.split()[0]
    print(f"py3langid {py3langid.__version__}, lingua-language-detector {lingua_version}, Python {python}")
    print(f"(py3langid knows {len(py3langid.langid._get_identifier().labels)} languages)\n")
    for name, description in DESCRIPTIONS.items():
        print(f"* `{name}`: {description}")
    texts = load_texts(args.limit)
    pages = load_pages()
    run_sets(texts)
    run_context(texts, pages)
    run_pages(pages)
    run_startup()
    run_weights(texts)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    main()
