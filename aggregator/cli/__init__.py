"""The command line: click commands over the services; errors become one line and a non-zero exit."""

from aggregator.cli import crawling, distributed, mail, publishers, review, sources, web, wordpress
from aggregator.cli.app import main

__all__ = ["crawling", "distributed", "mail", "main", "publishers", "review", "sources", "web", "wordpress"]
