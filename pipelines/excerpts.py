"""Fourth pipeline: the sentences most worth quoting, for the curator to pick from."""

from __future__ import annotations

from aggregator.crawl.candidate import Candidate
from aggregator.curate.excerpts import excerpt_candidates
from pipelines.base import HarvestPipeline

EXCERPT_CANDIDATES = 3


class ExcerptPipeline(HarvestPipeline):
    """Proposes quotations and sentences carrying the topics' terms; a story's bullet comes first."""

    def process_item(self, item: Candidate) -> Candidate:
        proposed = excerpt_candidates(item.text, self.harvest.topic_terms, limit=EXCERPT_CANDIDATES)
        if item.excerpt:
            proposed = [item.excerpt, *(p for p in proposed if p != item.excerpt)][:EXCERPT_CANDIDATES]
        item.excerpt_candidates = proposed
        return item
