"""aggregator: harvest articles, let curators choose, publish what they approve."""

__version__ = "0.1.0"
