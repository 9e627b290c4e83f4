"""Adding sources of every kind through the real CLI, pointed at the replay server."""

from __future__ import annotations

import json
from typing import Any

from aggregator.demo.replay import ReplayServer
from tests.support.cli import run_cli


def add_source(env: dict[str, str], url: str, name: str, kind: str, **settings: Any) -> None:
    args = ["sources", "add", url, "--name", name, "--kind", kind]
    for key, value in settings.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stderr


GUARDIAN_SEARCH = "https://content.guardianapis.com/search?q=citizens%20assembly"
IWA = "https://www.iwa.wales/"
INVOLVE_NEWS = "https://involve.org.uk/news-opinion/news"
INVOLVE_NEWSLETTER_POST = (
    "https://involve.org.uk/news-opinion/news/involve-newsletter-august-2019-summer-citizens-assemblies"
)
MAILCHIMP = "https://us4.campaign-archive.com/feed?u=5c6e4a1b2f3d4e5f6a7b8c9d0&id=1a2b3c4d5e"
GUARDIAN_NEWS_SITEMAP = "https://www.theguardian.com/sitemaps/news.xml"
IWA_SITEMAP = "https://www.iwa.wales/wp-sitemap.xml"
LISTING_SETTINGS = {"links": "article.node--view-mode-teaser h3 a", "next": "li.pager__item--next a"}


def local(replay: ReplayServer, url: str) -> str:
    return replay.local_url(url)
