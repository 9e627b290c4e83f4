"""Made-up items of a few themes for the learned-order tests: each text has its theme's words and filler."""

from __future__ import annotations

import random
from collections.abc import Iterator

THEMES = {
    "harbour": "harbour dockers strike port cargo vessels berth crane shipping pier",
    "budget": "council budget spending tax revenue deficit treasury finance grant",
    "garden": "garden allotment seeds compost planting soil harvest flowers hedge",
    "assembly": "citizens assembly deliberation jury democracy participants recommendations panel",
}
FILLER = ["said", "week", "people", "area", "report", "today", "local", "new", "plan", "group"]


def themed_texts(
    rng: random.Random, per_theme: int, themes: tuple[str, ...] = tuple(THEMES)
) -> Iterator[tuple[str, int, str, str]]:
    """Yield (theme, k, title, text) for ``per_theme`` items of each theme, in theme blocks."""
    for theme in themes:
        words = THEMES[theme].split()
        for k in range(per_theme):
            body = rng.sample(words, 5) + rng.sample(FILLER, 4)
            rng.shuffle(body)
            title = " ".join(rng.sample(words, 2) + rng.sample(FILLER, 1))
            yield theme, k, title, " ".join(body)
