"""Second pipeline: drop what is stored already, before any extraction is spent on it.

Spiders filter before fetching where they can; this catches what they could not (API results that
arrive with their text, the same link offered twice in one crawl). Issues and stories pass: storing
them again links a story to its issue or marks an article as an issue, and storage is idempotent.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from aggregator.crawl.candidate import Candidate
from aggregator.enums import ItemKind
from pipelines.base import HarvestPipeline


class DedupPipeline(HarvestPipeline):
    """Drops an article whose canonical URL or GUID is settled; near-duplicate text is caught at storage."""

    def process_item(self, item: Candidate) -> Candidate:
        if item.kind != ItemKind.ARTICLE or item.fetch_error is not None:
            return item
        # A vetted item was looked up moments ago, before its fetch: asking storage again would cost
        # a query per page for nothing. Storage still upserts, so a race with another worker is safe.
        in_flight = not self.harvest.claim(item.canonical_url)
        settled = not in_flight and not item.vetted and self._settled(item)
        if settled:
            self.harvest.release(item.canonical_url)
        if in_flight or settled:
            tally = self.spider.tally(item.source_id)
            # In flight: another source offered the same link in this crawl.
            if in_flight:
                tally.duplicates += 1
            else:
                tally.unchanged += 1
            self.harvest.changed(item.source_id)
            raise DropItem(f"already stored: {item.canonical_url}", log_level="DEBUG")
        return item

    def _settled(self, item: Candidate) -> bool:
        return bool(self.harvest.core.items.settled(item.source_id, [(item.canonical_url, item.guid)]))
