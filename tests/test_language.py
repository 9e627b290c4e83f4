from __future__ import annotations

import py3langid
import pytest

from aggregator.extract.language import detect_language

WELSH_ASSEMBLIES = (
    "Mae cynulliadau dinasyddion yn dod â phobl gyffredin at ei gilydd i drafod cwestiynau anodd. "
    "Dros sawl penwythnos, mae'r aelodau'n clywed gan arbenigwyr, yn holi cwestiynau ac yn cytuno ar "
    "argymhellion i'r llywodraeth. Yng Nghymru, mae sawl cyngor sir wedi defnyddio'r dull hwn i "
    "benderfynu sut i ymateb i'r argyfwng hinsawdd."
)
WELSH_COPRODUCTION = (
    "Mae cyd-gynhyrchu yn golygu bod pobl sy'n defnyddio gwasanaethau cyhoeddus yn gweithio ochr yn "
    "ochr â'r staff sy'n eu darparu. Yn hytrach na chynllunio gwasanaeth ar ran pobl, mae'r cyngor yn ei "
    "gynllunio gyda nhw. Mae'r dull hwn wedi cael ei ddefnyddio ym maes gofal cymdeithasol, tai ac iechyd "
    "meddwl ledled Cymru."
)
ENGLISH = (
    "Co-production means that people who use public services work alongside the staff who provide "
    "them. Rather than planning a service on people's behalf, the council plans it with them, and the "
    "approach has been used in social care, housing and mental health services across Wales."
)
GERMAN = (
    "Die Stadtverwaltung hat am Dienstag angekündigt, dass die Bürgerinnen und Bürger künftig stärker an "
    "der Planung öffentlicher Dienstleistungen beteiligt werden sollen. Ein Bürgerrat aus fünfzig "
    "zufällig ausgewählten Menschen wird im Herbst zum ersten Mal zusammenkommen."
)


@pytest.mark.parametrize("text", [WELSH_ASSEMBLIES, WELSH_COPRODUCTION])
def test_welsh_paragraphs_are_welsh(text: str) -> None:
    assert detect_language(text) == "cy"
    assert detect_language(text, hint="en") == "cy"


def test_english_is_english_even_with_a_welsh_hint() -> None:
    assert detect_language(ENGLISH) == "en"
    assert detect_language(ENGLISH, hint="cy") == "en"


def test_german_is_not_forced_into_english_or_welsh() -> None:
    assert detect_language(GERMAN) == "de"
    assert detect_language(GERMAN, hint="cy-GB") == "de"


def test_short_text_falls_back_to_the_normalised_hint() -> None:
    assert detect_language("Council meets on Tuesday", hint="en-GB") == "en"
    assert detect_language("Cyfarfod y cyngor ddydd Mawrth", hint="cy_GB") == "cy"
    assert detect_language("Council meets on Tuesday", hint=" EN ") == "en"
    assert detect_language("Council meets on Tuesday") is None
    assert detect_language("Council meets on Tuesday", hint="not a language") is None


def test_empty_text_is_none_or_the_hint() -> None:
    assert detect_language("") is None
    assert detect_language("   \n ") is None
    assert detect_language("", hint="cy") == "cy"


def test_only_the_start_of_a_long_text_is_read() -> None:
    # Welsh first, then far more English than Welsh: only the opening few thousand characters count.
    text = (WELSH_ASSEMBLIES + " ") * 8 + (ENGLISH + " ") * 200
    assert detect_language(text) == "cy"


def test_a_celtic_neighbour_guess_becomes_welsh_when_the_text_is_welsh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(py3langid, "classify", lambda _text: ("br", -100.0))
    assert detect_language(WELSH_COPRODUCTION) == "cy"


def test_a_celtic_neighbour_guess_becomes_welsh_when_the_hint_is_welsh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(py3langid, "classify", lambda _text: ("ga", -100.0))
    irish = "Tá an chomhairle ag iarraidh ar mhuintir an bhaile páirt a ghlacadh sa phlé faoin todhchaí"
    assert detect_language(irish, hint="cy-GB") == "cy"
    assert detect_language(irish, hint="ga") == "ga"
    assert detect_language(irish) == "ga"


def test_only_celtic_neighbour_guesses_are_overruled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(py3langid, "classify", lambda _text: ("fr", -100.0))
    assert detect_language(WELSH_COPRODUCTION, hint="cy") == "fr"
