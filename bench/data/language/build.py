"""Rebuild the language benchmark's test sets (texts.tsv, pages.jsonl) from their public sources.

    pip download --no-deps --python-version 3.11 --only-binary :all: -d /tmp/lang-src \\
        django==5.2.19 wagtail==8.0.1
    .venv/bin/python bench/data/language/build.py /tmp/lang-src/django-5.2.19-py3-none-any.whl \\
        /tmp/lang-src/wagtail-8.0.1-py3-none-any.whl

Sources (README.md beside this file has their licences): the translation catalogs shipped inside the
Django and Wagtail wheels (human translations of the same English strings into Welsh, Irish, Scottish
Gaelic, Breton, German, French and Spanish), the WCXB corpus beside the project
(../shared/corpora/wcxb-dev: real English web pages with their titles) and the Welsh pages written for
the project's demo (aggregator/demo/snapshot). The output is deterministic: sorted, sampled with a fixed
seed.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import itertools
import json
import random
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
WCXB = ROOT.parent / "shared" / "corpora" / "wcxb-dev"
DEMO_PAGE = (
    ROOT
    / "aggregator/demo/snapshot/www.iwa.wales/agenda/2021/11"
    / "cynulliadau-dinasyddion-sut-y-gall-cymru-wrandon-well/index.html"
)
CATALOG_LANGUAGES = ("cy", "ga", "gd", "br", "de", "fr", "es", "it", "nl", "pl")
SEED = 19
# At most this many texts of one set, language and source (a run stays under a minute).
CAP = 400
# Pages: title plus about this much text, as the "typical page".
PAGE_CHARS = 5000
WCXB_PAGES = 40
WCXB_TITLES = 300
WCXB_SENTENCES = 400

_PLACEHOLDER = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}|\[[^\]]*\]\([^)]*\)"
)
_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
_URLISH = re.compile(r"https?://|www\.|\S+@\S+|\S+\.(?:html|py|txt|png|jpg|svg)\b")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘(]?[A-ZÂÊÎÔÛŴŶÁÉÍÓÚÀÈÌÒÙÄËÏÖÜ])")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("wheels", nargs="+", type=Path, help="the Django and Wagtail wheels")
    args = parser.parse_args()
    strings = catalog_strings(args.wheels)
    rows = catalog_sets(strings)
    rows += wcxb_sets()
    rows += demo_sets()
    rows.sort()
    with (HERE / "texts.tsv").open("w", encoding="utf-8", newline="\n") as out:
        out.write("set\tlang\tsource\ttext\n")
        for row in rows:
            out.write("\t".join(row) + "\n")  # texts hold no tab or newline (whitespace collapsed)
    pages = catalog_pages(strings) + wcxb_pages() + demo_pages()
    with (HERE / "pages.jsonl").open("w", encoding="utf-8") as out:
        for page in pages:
            out.write(json.dumps(page, ensure_ascii=False) + "\n")
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for set_name, lang, source, _ in rows:
        counts[set_name, lang, source] += 1
    for key in sorted(counts):
        print(*key, counts[key], sep="\t")
    print("pages", len(pages), sep="\t")


# --- catalogs --------------------------------------------------------------------------------------


def po_entries(text: str) -> Iterator[tuple[str, str, str]]:
    """Yield (msgctxt, msgid, msgstr) of the translated, non-fuzzy entries of a .po file's text."""
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        parts: dict[str, list[str]] = defaultdict(list)
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)\s+(".*")$', line)
            if match:
                current = match.group(1)
                parts[current].append(ast.literal_eval(match.group(2)))
            elif line.startswith('"') and current:
                parts[current].append(ast.literal_eval(line))
        msgid = "".join(parts["msgid"])
        msgstr = "".join(parts["msgstr"]) or "".join(parts["msgstr[0]"])
        if msgid and msgstr:
            yield "".join(parts["msgctxt"]), msgid, msgstr


def catalog_strings(wheels: list[Path]) -> dict[str, list[tuple[str, str]]]:
    """Return, per language ("en" for the English originals), the (source, cleaned text) of the catalogs."""
    found: dict[str, dict[str, str]] = defaultdict(dict)  # lang -> casefolded text -> source
    texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for wheel in wheels:
        source = wheel.name.split("-")[0].lower()
        with zipfile.ZipFile(wheel) as archive:
            names = sorted(archive.namelist())
            language_names = _django_language_names(archive) if source == "django" else set()
            for name in names:
                match = re.search(r"/locale/([a-z]{2})/LC_MESSAGES/[^/]+\.po$", name)
                if not match or match.group(1) not in CATALOG_LANGUAGES:
                    continue
                lang = match.group(1)
                for context, msgid, msgstr in po_entries(archive.read(name).decode("utf-8")):
                    if context or msgid in language_names:
                        continue  # abbreviations ("abbrev. month") and the list of language names
                    original, translated = clean(msgid), clean(msgstr)
                    if not original or not translated or original.casefold() == translated.casefold():
                        continue  # untranslated, or only placeholders and markup
                    for code, text in (("en", original), (lang, translated)):
                        if text.casefold() not in found[code]:
                            found[code][text.casefold()] = source
                            texts[code].append((source, text))
    return texts


def _django_language_names(archive: zipfile.ZipFile) -> set[str]:
    settings = archive.read("django/conf/global_settings.py").decode("utf-8")
    return set(re.findall(r'gettext_noop\("([^"]+)"\)', settings))


def clean(text: str) -> str:
    """Return a catalog string without placeholders, markup and URLs, whitespace collapsed; "" if unusable."""
    if _URLISH.search(text):
        return ""
    text = _TAG.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = text.replace("_", "").replace("\\n", " ")
    text = re.sub(r"\s+([,.;:!?…])", r"\1", text)
    text = re.sub(r"\s+", " ", text).strip(" -–—:;,·|/")
    words = _WORD.findall(text)
    if not words or (len(words) == 1 and len(words[0]) < 4):
        return ""
    return text


def words_of(text: str) -> list[str]:
    """Return the words of ``text`` (letters, with inner apostrophes and hyphens)."""
    return _WORD.findall(text)


def catalog_sets(strings: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, str, str]]:
    """Return (set, lang, source, text) rows: sentences, titles, word pairs and single words per language."""
    # A word or pair also found in another language's strings has no single right answer: left out.
    vocab: dict[str, set[str]] = {}
    pairs_of: dict[str, set[str]] = {}
    for lang, items in strings.items():
        vocab[lang] = {w.casefold() for _, text in items for w in words_of(text)}
        pairs_of[lang] = {p.casefold() for _, text in items for p in _pairs(words_of(text))}
    rng = random.Random(SEED)
    rows: list[tuple[str, str, str, str]] = []
    for lang in sorted(strings):
        other_vocab = set().union(*(v for code, v in vocab.items() if code != lang))
        other_pairs = set().union(*(v for code, v in pairs_of.items() if code != lang))
        by_set: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        for source, text in strings[lang]:
            words = words_of(text)
            for sentence in _SENTENCE_END.split(text):
                if len(words_of(sentence)) >= 6 and sentence.rstrip('"”’)').endswith((".", "!", "?")):
                    by_set["sentences", source].setdefault(sentence.casefold(), sentence)
            if 2 <= len(words) <= 12 and not text.endswith("."):
                by_set["titles", source].setdefault(text.casefold(), text)
            for word in words:
                if len(word) >= 3 and word.casefold() not in other_vocab:
                    by_set["words", source].setdefault(word.casefold(), word)
            for pair in _pairs(words):
                if pair.casefold() not in other_pairs:
                    by_set["pairs", source].setdefault(pair.casefold(), pair)
        for (set_name, source), texts in sorted(by_set.items()):
            chosen = sorted(texts.values())
            if len(chosen) > CAP:
                chosen = sorted(rng.sample(chosen, CAP))
            rows += [(set_name, lang, source, text) for text in chosen]
    return rows


def _pairs(words: list[str]) -> list[str]:
    return [f"{a} {b}" for a, b in itertools.pairwise(words)]


def catalog_pages(strings: dict[str, list[tuple[str, str]]]) -> list[dict[str, str]]:
    """Return pages assembled from one language's catalog sentences: a title phrase and ~5 kB of text."""
    rng = random.Random(SEED)
    pages: list[dict[str, str]] = []
    for lang in ("cy", "ga", "de", "fr", "es"):
        sentences = sorted(
            {t for _, text in strings[lang] for t in _SENTENCE_END.split(text) if len(words_of(t)) >= 6}
        )
        titles = sorted({t for _, t in strings[lang] if 3 <= len(words_of(t)) <= 12 and not t.endswith(".")})
        for _ in range(4):
            rng.shuffle(sentences)
            text = ""
            for sentence in sentences:
                if len(text) >= PAGE_CHARS:
                    break
                text += sentence + " "
            pages.append(
                {"lang": lang, "source": "catalog", "title": rng.choice(titles), "text": text.strip()}
            )
    return pages


# --- WCXB (English web pages) ----------------------------------------------------------------------


def _wcxb_articles() -> list[tuple[str, dict[str, str]]]:
    if not WCXB.is_dir():
        sys.exit(f"WCXB corpus not found at {WCXB}")
    items: dict[str, dict[str, str]] = json.loads((WCXB / "ground-truth.json").read_text("utf-8"))["items"]
    articles = []
    for key, item in sorted(items.items()):
        with gzip.open(WCXB / "html" / f"{key}.html.gz") as page:
            head = page.read(4000).decode("utf-8", "replace")
        lang = re.search(r"<html[^>]*\blang=[\"']?([A-Za-z]{2})", head)
        if lang and lang.group(1).lower() == "en" and item.get("type") == "article":
            articles.append((key, item))
    return articles


def wcxb_sets() -> list[tuple[str, str, str, str]]:
    """Return English titles and sentences of real web articles (one sentence per page)."""
    rng = random.Random(SEED)
    titles, sentences = [], []
    for _, item in _wcxb_articles():
        title = re.sub(r"\s+", " ", item.get("title") or "").strip()
        if 2 <= len(words_of(title)) <= 12:
            titles.append(title)
        body = [
            s.strip()
            for para in (item.get("articleBody") or "").splitlines()
            for s in _SENTENCE_END.split(para)
            if 6 <= len(words_of(s)) <= 40 and s.strip().endswith((".", "!", "?")) and not _URLISH.search(s)
        ]
        if body:
            sentences.append(rng.choice(body))
    titles = sorted(rng.sample(sorted(set(titles)), min(WCXB_TITLES, len(set(titles)))))
    sentences = sorted(rng.sample(sorted(set(sentences)), min(WCXB_SENTENCES, len(set(sentences)))))
    return [("titles", "en", "wcxb", t) for t in titles] + [("sentences", "en", "wcxb", s) for s in sentences]


def wcxb_pages() -> list[dict[str, str]]:
    """Return real English article pages: title and the first ~5 kB of their reference text."""
    rng = random.Random(SEED)
    long_ones = [(k, i) for k, i in _wcxb_articles() if len(i.get("articleBody") or "") >= PAGE_CHARS]
    chosen = sorted(rng.sample(long_ones, min(WCXB_PAGES, len(long_ones))))
    return [
        {
            "lang": "en",
            "source": "wcxb",
            "title": re.sub(r"\s+", " ", item.get("title") or "").strip(),
            "text": _cut(item["articleBody"]),
        }
        for _, item in chosen
    ]


def _cut(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text[: text.rfind(" ", 0, PAGE_CHARS)] if len(text) > PAGE_CHARS else text


# --- the demo's Welsh page -------------------------------------------------------------------------


def _demo_article() -> tuple[str, str]:
    sys.path.insert(0, str(ROOT))
    from aggregator.extract.page import extract

    page = extract(DEMO_PAGE.read_bytes(), "https://www.iwa.wales/agenda/2021/11/")
    assert page is not None
    return page.title, page.text


def demo_sets() -> list[tuple[str, str, str, str]]:
    """Return the demo page's Welsh title and sentences (text written for the project, see README)."""
    title, text = _demo_article()
    sentences = sorted(
        {s for para in text.splitlines() for s in _SENTENCE_END.split(para) if len(words_of(s)) >= 6}
    )
    return [("titles", "cy", "demo", title)] + [("sentences", "cy", "demo", s) for s in sentences]


def demo_pages() -> list[dict[str, str]]:
    """Return the demo's Welsh page (title and text)."""
    title, text = _demo_article()
    return [{"lang": "cy", "source": "demo", "title": title, "text": _cut(text)}]


if __name__ == "__main__":
    main()
