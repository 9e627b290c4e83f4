"""What a new installation is offered: the knowledge base's three sources and an example topic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aggregator.errors import Conflict
from aggregator.services.sources import SourceService
from aggregator.services.topics import TopicService


@dataclass(frozen=True, slots=True)
class DefaultSource:
    """A source every new installation is offered."""

    name: str
    url: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)


DEFAULT_SOURCES = (
    # A Content API search with AGGREGATOR_GUARDIAN_API_KEY; without one, the politics section's feed.
    DefaultSource(
        "The Guardian",
        "https://content.guardianapis.com/search?q=citizens%20assembly",
        "guardian",
        {"rss": "https://www.theguardian.com/politics/rss", "page_size": 50, "label": "Guardian"},
    ),
    DefaultSource(
        "Institute of Welsh Affairs",
        "https://www.iwa.wales/",
        "wordpress",
        {"per_page": 20, "label": "Institute of Welsh Affairs", "label_suffix": "(Click on Wales)"},
    ),
    DefaultSource(
        "Involve",
        "https://involve.org.uk/news-opinion/news",
        "listing",
        {
            "links": "article.node--view-mode-teaser h3 a",
            "next": "li.pager__item--next a",
            "max_pages": 3,
            "label": "Involve",
        },
    ),
)

EXAMPLE_TOPIC = {
    "slug": "citizens-assemblies",
    "name": "Citizens assemblies",
    "intro": "Citizens' assemblies bring together a representative group of people, chosen by lottery, "
    "to learn, deliberate and make recommendations on a question of public concern.",
    "include": [
        "citizens' assembly",
        "citizens' jury",
        "deliberative democracy",
        "deliberation",
        "mini-public",
    ],
    "exclude": [],
}


def add_defaults(sources: SourceService, topics: TopicService) -> list[str]:
    """Add the default sources and the example topic where missing; return what was added."""
    added = []
    known_urls = {s.url for s in sources.all()}
    for default in DEFAULT_SOURCES:
        if default.url in known_urls:
            continue
        try:
            sources.add(default.url, name=default.name, kind=default.kind, settings=default.settings)
        except Conflict:
            continue
        added.append(f"source {default.name!r}")
    if add_example_topic(topics):
        added.append(f"topic {EXAMPLE_TOPIC['slug']!r}")
    return added


def add_example_topic(topics: TopicService) -> bool:
    """Add the "Citizens assemblies" topic unless it exists; return whether it was added."""
    if EXAMPLE_TOPIC["slug"] in {t.slug for t in topics.all()}:
        return False
    topics.add(
        str(EXAMPLE_TOPIC["slug"]),
        name=str(EXAMPLE_TOPIC["name"]),
        intro=str(EXAMPLE_TOPIC["intro"]),
        include=list(EXAMPLE_TOPIC["include"]),
        exclude=list(EXAMPLE_TOPIC["exclude"]),
    )
    return True
