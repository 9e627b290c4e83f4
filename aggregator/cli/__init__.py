"""The command line: click commands over the services; errors become one line and a non-zero exit."""

from aggregator.cli import crawling, distributed, links, report, review, sources, web
from aggregator.cli.app import main

__all__ = ["crawling", "distributed", "links", "main", "report", "review", "sources", "web"]
