"""First pipeline: the canonical URL, an item's identity from here on."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from aggregator.crawl.candidate import Candidate
from aggregator.errors import InvalidInput
from aggregator.urls import canonical_url
from pipelines.base import HarvestPipeline


class CanonicalPipeline(HarvestPipeline):
    """Lower-cased host, no fragment, no tracking parameters; an unusable link is dropped and counted."""

    def process_item(self, item: Candidate) -> Candidate:
        # Every item passes here first: this is where each entry that reaches the pipelines counts.
        self.spider.tally(item.source_id).entries += 1
        if item.canonical_url:
            return item  # the spider computed it when it vetted the link
        try:
            item.canonical_url = canonical_url(item.link)
        except InvalidInput as exc:
            self.spider.tally(item.source_id).failed += 1
            self.spider.fail(item.source_id, f"entry link {item.link!r}: {exc}")
            raise DropItem(str(exc), log_level="DEBUG") from None
        return item
