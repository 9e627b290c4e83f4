"""Storage pipeline: one short transaction per item through the items service, counted per source."""

from __future__ import annotations

from scrapy.crawler import Crawler

from aggregator.items import Harvested, Outcome
from spiders.base import SourceSpider


class StorePipeline:
    """Records each harvested article; the service's upsert makes a re-run or a retry harmless."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Harvested) -> Harvested:
        spider = self.crawler.spider
        if not isinstance(spider, SourceSpider):
            raise TypeError("StorePipeline runs only under a SourceSpider")
        outcome = spider.harvest.core.items.record(item)
        tally = spider.tally(item.source_id)
        if outcome is Outcome.NEW:
            tally.new += 1
        elif outcome is Outcome.DUPLICATE:
            tally.duplicates += 1
        # COMPLETED (a feed-only item whose page answered at last) is neither: it shows in "fetched".
        spider.harvest.changed(item.source_id)
        return item
