"""What every pipeline shares: the crawl's Harvest, reached through the running spider."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler

from aggregator.crawl.harvest import Harvest
from spiders.base import SourceSpider


class HarvestPipeline:
    """A pipeline that reads or writes through the crawl's Harvest."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def spider(self) -> SourceSpider:
        spider = self.crawler.spider
        if not isinstance(spider, SourceSpider):
            raise TypeError(f"{type(self).__name__} runs only under a SourceSpider")
        return spider

    @property
    def harvest(self) -> Harvest:
        return self.spider.harvest
