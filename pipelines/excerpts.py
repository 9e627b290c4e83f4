"""Fourth pipeline: the sentences most worth quoting, for the curator to pick from."""

from __future__ import annotations

from aggregator.crawl.candidate import Candidate
from aggregator.curate.excerpts import excerpt_candidates
from pipelines.base import HarvestPipeline

EXCERPT_CANDIDATES = 3


class ExcerptPipeline(HarvestPipeline):
    """Proposes quotations and sentences carrying the topics' terms; a story's bullet comes first, an
    issue's intro (as the newsletter wrote it) likewise."""

    def process_item(self, item: Candidate) -> Candidate:
        proposed = excerpt_candidates(item.text, self.harvest.topic_terms, limit=EXCERPT_CANDIDATES)
        first = item.excerpt or item.issue_intro
        if first:
            proposed = [first, *(p for p in proposed if p != first)][:EXCERPT_CANDIDATES]
        item.excerpt_candidates = proposed
        return item
