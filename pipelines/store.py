"""Last pipeline: one short transaction per item through the items service, counted per source."""

from __future__ import annotations

from aggregator.recording import Harvested, Outcome
from pipelines.base import HarvestPipeline
from spiders.items import Candidate


class StorePipeline(HarvestPipeline):
    """Records each candidate; the service's upsert makes a re-run, a retry or a second worker harmless."""

    def process_item(self, item: Candidate) -> Candidate:
        try:
            outcome = self._record(item)
        finally:
            self.harvest.release(item.canonical_url)
        tally = self.spider.tally(item.source_id)
        if outcome is Outcome.NEW:
            tally.new += 1
        elif outcome in (Outcome.DUPLICATE, Outcome.SYNDICATED):
            tally.duplicates += 1
        # COMPLETED (a feed-only item whose page answered at last) is neither: it shows in "fetched".
        self.harvest.changed(item.source_id)
        return item

    def _record(self, item: Candidate) -> Outcome:
        return self.harvest.core.items.record(
            Harvested(
                source_id=item.source_id,
                url=item.link,
                guid=item.guid,
                title=item.title,
                author=item.author,
                published=item.published,
                language=item.language,
                text=item.text,
                summary=item.summary,
                content_origin=item.content_origin,
                fetch_error=item.fetch_error,
                kind=item.kind,
                parent_url=item.parent_url,
                position=item.position,
                excerpt=item.excerpt,
                excerpt_candidates=tuple(item.excerpt_candidates),
                topic_matches=tuple(item.topic_matches),
                sketch=item.sketch,
            )
        )
