"""Language detection for harvested articles, a title apart from its text: the only import of Lingua.

Lingua (lingua-language-detector), restricted to the languages the product meets, tells Welsh from
English on two or three words, where py3langid, used before, took a fifth of short English titles
and more than a quarter of single Welsh words for another language (bench/language.py has the
figures). The rules, each measured there:

* A text of 120 characters or more is judged on trigrams alone, in Lingua's low-accuracy mode: its
  author documents that accuracy holds from that length on (on the benchmark's texts the two modes
  agreed on every one), and it needs a seventh of the memory.
* A shorter text is judged on every n-gram size (Lingua's high-accuracy mode). What its context says
  decides among which languages: with a hint (the declared language of its page or feed, or for a
  title the language of the text below it) among the primary languages (Welsh and English) and the
  hinted one, weighed by half as much again; without, among every listed language with the primary
  ones weighed double, so a few words need clear evidence to be anything else.
* The hint never overrules a long text, and a short text can contradict it: an English title over
  Welsh text reads as English.

A text in a language outside the list gets the nearest listed one: list what the sources hold (each
language costs about 4 MB of trigrams, 20 MB more once its short texts are met, and time per text).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from lingua import IsoCode639_1, LanguageDetectorBuilder
from lingua import LanguageDetector as _Lingua

# What the product meets: Welsh and English above all, the other Celtic language Lingua knows, and the
# languages of the European sources curators link to. Scottish Gaelic, Breton and Cornish are not in
# Lingua; their texts come out as Irish, Welsh or English.
DEFAULT_LANGUAGES = ("cy", "en", "ga", "de", "fr", "es")
# The languages a short text is presumed to be in unless it clearly is not.
PRIMARY_LANGUAGES = ("cy", "en")
# Lingua reads this much; the language of a page is settled well before (extract/page.py passes 600).
MAX_CHARS = 3000
# From this length on, Lingua's documentation says, its low-accuracy mode (trigrams only) loses next to
# nothing; on the benchmark's texts this long both modes gave the same answer every time.
LONG_TEXT_CHARS = 120
# Weights on Lingua's confidence values for short texts. Without context the primary languages count
# double (bench/language.py: English titles right 91% of the time among the six languages unweighed,
# 98% so); with context the hinted language counts half as much again as the other candidates.
PRIMARY_WEIGHT = 2.0
HINT_WEIGHT = 1.5

_WORD = re.compile(r"[^\W\d_]+")
_HINT = re.compile(r"^([A-Za-z]{2})(?:[-_].*)?$")


@dataclass(frozen=True, slots=True)
class PageLanguages:
    """The languages of a page's title and of its text (ISO 639-1 codes, None when unknown)."""

    title: str | None
    text: str | None


class LanguageDetector:
    """Detects the language of texts and titles among ``languages`` (ISO 639-1 codes).

    Lingua's models load on first use and are shared by every detector in the process: trigrams of
    every listed language for long texts, all n-gram sizes of the languages short texts are weighed
    among (about 20 MB a language).
    """

    def __init__(
        self,
        languages: str | Iterable[str] = DEFAULT_LANGUAGES,
        primary: str | Iterable[str] = PRIMARY_LANGUAGES,
    ) -> None:
        self.languages = parse_languages(languages)
        self.primary = tuple(code for code in parse_languages(primary) if code in self.languages)
        self._detectors: dict[tuple[tuple[str, ...], bool], _Lingua] = {}
        self._lock = threading.Lock()

    def detect(self, text: str, hint: str | None = None) -> str | None:
        """Return the language of ``text``; for a text without letters, the hint's or None.

        ``hint`` is what the text's context says: the page's or feed's declared language, or the
        language of the text a title stands over.
        """
        hinted = normalise_hint(hint)
        sample = text[:MAX_CHARS].strip()
        if not _WORD.search(sample):
            return hinted
        if len(sample) >= LONG_TEXT_CHARS:
            return self._best(sample, self.languages, {}, long=True) or hinted
        if hinted in self.languages:
            # Among the primary languages and the hinted one only: the large models of the other
            # listed languages are never loaded for it, and a Welsh title over Welsh text stays
            # Welsh when its two words look French.
            candidates = tuple(sorted({*self.primary, hinted}))
            weights = {hinted: HINT_WEIGHT}
        else:
            candidates = self.languages
            weights = dict.fromkeys(self.primary, PRIMARY_WEIGHT)
        # None: no letter Lingua knows (another script); the declaration is all there is.
        return self._best(sample, candidates, weights, long=False) or hinted

    def detect_title(self, title: str, context: str | None = None, hint: str | None = None) -> str | None:
        """Return the language of ``title`` over a text in ``context`` (else the declared ``hint``)."""
        known = normalise_hint(context)
        return self.detect(title, context if known in self.languages else hint) or known

    def detect_page(self, title: str, text: str, hint: str | None = None) -> PageLanguages:
        """Return the languages of a page's title and text; the text's is the title's context."""
        text_language = self.detect(text, hint)
        return PageLanguages(title=self.detect_title(title, text_language, hint), text=text_language)

    def _best(
        self, text: str, candidates: tuple[str, ...], weights: dict[str, float], *, long: bool
    ) -> str | None:
        if len(candidates) == 1:
            return candidates[0]  # Lingua wants two languages to choose between
        values = self._lingua(candidates, long).compute_language_confidence_values(text)
        best, best_score = None, 0.0
        for value in values:
            code = value.language.iso_code_639_1.name.lower()
            score = value.value * weights.get(code, 1.0)
            if score > best_score:
                best, best_score = code, score
        return best

    def _lingua(self, candidates: tuple[str, ...], long: bool) -> _Lingua:
        key = (candidates, long)
        detector = self._detectors.get(key)
        if detector is None:
            with self._lock:
                detector = self._detectors.get(key)
                if detector is None:
                    detector = self._detectors[key] = _build(candidates, low_accuracy=long)
        return detector


def _build(codes: tuple[str, ...], *, low_accuracy: bool) -> _Lingua:
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*(IsoCode639_1.from_str(code) for code in codes))
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def parse_languages(languages: str | Iterable[str]) -> tuple[str, ...]:
    """Return the distinct ISO 639-1 codes in ``languages`` ("cy,en" or an iterable) that Lingua knows."""
    items = languages.split(",") if isinstance(languages, str) else languages
    codes: list[str] = []
    for item in items:
        code = item.strip().lower()
        if not code or code in codes:
            continue
        try:
            IsoCode639_1.from_str(code)
        except ValueError:
            raise ValueError(f"language {item!r} is not an ISO 639-1 code Lingua knows") from None
        codes.append(code)
    if not codes:
        raise ValueError("no language to detect")
    return tuple(codes)


def normalise_hint(hint: str | None) -> str | None:
    """Return the two-letter language of a tag such as "en-GB" or "cy_GB", or None if it has none."""
    match = _HINT.match((hint or "").strip())
    return match.group(1).lower() if match else None


_DEFAULT: dict[tuple[str, ...], LanguageDetector] = {}
_DEFAULT_LOCK = threading.Lock()


def detector(languages: str | Iterable[str] = DEFAULT_LANGUAGES) -> LanguageDetector:
    """Return the process's detector for ``languages`` (built once, shared)."""
    key = languages if isinstance(languages, tuple) else parse_languages(languages)
    found = _DEFAULT.get(key)
    if found is None:
        with _DEFAULT_LOCK:
            found = _DEFAULT.setdefault(key, LanguageDetector(key))
    return found


def detect_language(
    text: str, hint: str | None = None, *, languages: str | Iterable[str] = DEFAULT_LANGUAGES
) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language; for a text without letters, the hint's or None."""
    return detector(languages).detect(text, hint)


def detect_title_language(
    title: str,
    context: str | None = None,
    hint: str | None = None,
    *,
    languages: str | Iterable[str] = DEFAULT_LANGUAGES,
) -> str | None:
    """Return the language of ``title`` on a page whose text's language is ``context``."""
    return detector(languages).detect_title(title, context, hint)


def detect_page_languages(
    title: str, text: str, hint: str | None = None, *, languages: str | Iterable[str] = DEFAULT_LANGUAGES
) -> PageLanguages:
    """Return the languages of a page's title and of its text."""
    return detector(languages).detect_page(title, text, hint)
