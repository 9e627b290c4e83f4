"""The demo's sources: one of every kind, at the real sites' URLs; the crawl fetches them through the
replay server (AGGREGATOR_REPLAY_URL), so what is stored names the real sites."""

from __future__ import annotations

import secrets

from aggregator.core import Aggregator
from aggregator.errors import Conflict
from aggregator.services.defaults import DefaultSource

DEMO_USER = "demo"

_LISTING = {
    "links": "article.node--view-mode-teaser h3 a",
    "next": "li.pager__item--next a",
    "label": "Involve",
}

DEMO_SOURCES = (
    DefaultSource(
        "The Guardian (demo)",
        "https://content.guardianapis.com/search?q=citizens%20assembly",
        "guardian",
        {"page_size": 4, "label": "Guardian"},
    ),
    DefaultSource(
        "The Guardian UK feed (demo)", "https://www.theguardian.com/uk/rss", "feed", {"label": "Guardian"}
    ),
    DefaultSource(
        "Guardian news sitemap (demo)",
        "https://www.theguardian.com/sitemaps/news.xml",
        "sitemap",
        {"since": "2019-01-01", "label": "Guardian"},
    ),
    DefaultSource(
        "Institute of Welsh Affairs (demo)",
        "https://www.iwa.wales/",
        "wordpress",
        {"per_page": 5, "label": "Institute of Welsh Affairs", "label_suffix": "(Click on Wales)"},
    ),
    DefaultSource("Involve news (demo)", "https://involve.org.uk/news-opinion/news", "listing", _LISTING),
    DefaultSource("Involve (demo)", "https://involve.org.uk/feed", "feed", {"label": "Involve"}),
    DefaultSource(
        "Involve newsletter (demo)",
        "https://us4.campaign-archive.com/feed?u=5c6e4a1b2f3d4e5f6a7b8c9d0&id=1a2b3c4d5e",
        "newsletter",
        {"label": "Involve newsletter"},
    ),
    DefaultSource(
        "Involve newsletter, August 2019 (demo)",
        "https://involve.org.uk/news-opinion/news/involve-newsletter-august-2019-summer-citizens-assemblies",
        "newsletter",
        {"label": "Involve newsletter"},
    ),
)
# The replay server ignores API keys; the Guardian source needs one to use its API rather than RSS.
DEMO_GUARDIAN_KEY = "demo"


def add_demo_sources(core: Aggregator) -> list[str]:
    """Make sure each demo source exists at its real URL; return their names."""
    existing = {s.url: s.name for s in core.sources.all()}
    names = []
    for demo in DEMO_SOURCES:
        if demo.url in existing:
            names.append(existing[demo.url])
            continue
        try:
            source = core.sources.add(demo.url, name=demo.name, kind=demo.kind, settings=demo.settings)
        except Conflict:
            # A demo database of before, whose sources named the replay server's URLs.
            source = core.sources.add(demo.url, kind=demo.kind, settings=demo.settings)
        names.append(source.name)
    return names


def demo_login(core: Aggregator) -> tuple[str, str]:
    """Give the demo admin a fresh random password (creating the user once); return name and password."""
    password = secrets.token_urlsafe(12)
    if any(user.name == DEMO_USER for user in core.users.all()):
        core.users.set_password(DEMO_USER, password)
    else:
        core.users.add(DEMO_USER, role="admin", password=password)
    return DEMO_USER, password
