"""The command line: click commands over the services; errors become one line and a non-zero exit."""

from aggregator.cli import (
    crawling,
    distributed,
    links,
    mail,
    publishers,
    report,
    review,
    sources,
    topics,
    web,
    wordpress,
)
from aggregator.cli.app import main

__all__ = [
    "crawling",
    "distributed",
    "links",
    "mail",
    "main",
    "publishers",
    "report",
    "review",
    "sources",
    "topics",
    "web",
    "wordpress",
]
