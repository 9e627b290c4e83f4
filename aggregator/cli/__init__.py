"""The command line: click commands over the services; errors become one line and a non-zero exit."""

from aggregator.cli import crawling, distributed, publishers, review, sources, web
from aggregator.cli.app import main

__all__ = ["crawling", "distributed", "main", "publishers", "review", "sources", "web"]
