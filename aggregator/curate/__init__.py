"""Curate: what the product proposes to curators (excerpts, topic relevance, near-duplicate fingerprints)."""
