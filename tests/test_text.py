"""Text repair: double-decoded UTF-8 is turned back, correct text is left alone."""

from __future__ import annotations

import pytest

from aggregator.text import repair_mojibake

# Double-decoded text -> what it meant.
MEANT = {
    "CafÃ© Cymraeg": "Café Cymraeg",
    "Itâ€™s a â€œquoteâ€\x9d": "It’s a “quote”",
    "Eisteddfod â€“ 2024": "Eisteddfod – 2024",
    "Ysgol GymrÃ¢eg": "Ysgol Gymrâeg",
}


@pytest.mark.parametrize(("garbled", "meant"), MEANT.items())
def test_double_decoded_utf8_is_repaired(garbled: str, meant: str) -> None:
    assert repair_mojibake(garbled) == meant


@pytest.mark.parametrize("text", ["Café Cymraeg", "plain words", "Ŵyl Gŵyl", "naïve façade – “quoted”", ""])
def test_correct_text_is_untouched(text: str) -> None:
    assert repair_mojibake(text) == text
