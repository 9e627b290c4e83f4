"""The base of every source spider: loads its sources through the service layer and keeps the tallies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any, ClassVar, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.crawl.candidate import Candidate
from aggregator.crawl.failures import describe
from aggregator.crawl.harvest import Harvest, Validators
from aggregator.enums import RunStatus
from aggregator.errors import InvalidInput, brief
from aggregator.services.runs import SourceTally
from aggregator.services.scheduling import max_age
from aggregator.services.views import SourceView
from aggregator.urls import canonical_url, without_secrets

# Scrapy works through each response's output with CONCURRENT_ITEMS tasks, however little it holds.
# A spider whose source documents yield only requests, and whose pages one item each, needs one:
# the other fifteen cost a tenth of a bulk crawl's own process. Spiders whose documents yield many
# items (API results, a newsletter's stories) keep the project's figure, so those items are stored
# together in one batch.
ONE_ITEM_PER_RESPONSE: dict[str, Any] = {"CONCURRENT_ITEMS": 1}

# What extraction can read; a PDF, an image or a video is left as the source described it.
_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})


class SourceSpider(scrapy.Spider):
    """Crawls every enabled source of its ``kind`` (or those whose ids it is given).

    The CLI hands it a shared Harvest; run as ``scrapy crawl <kind> [-a source=NAME]`` it builds its
    own from the AGGREGATOR_* environment and closes that run itself.
    """

    kind: ClassVar[str]

    def __init__(
        self,
        *args: Any,
        harvest: Harvest | None = None,
        source_ids: Iterable[int] = (),
        source: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._given_harvest = harvest
        self.source_ids = list(source_ids)
        self.source_names = [n.strip() for n in source.split(",")] if source else []
        self.owns_harvest = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._callback_failed, signal=signals.spider_error)
        crawler.signals.connect(spider._item_failed, signal=signals.item_error)
        crawler.signals.connect(spider._page_dropped, signal=signals.request_dropped)
        return spider

    @property
    def harvest(self) -> Harvest:
        """Return the crawl this spider writes into, starting its own on first use if none was given."""
        if self._given_harvest is None:
            core = Aggregator(Config.from_env())
            core.db.require_schema()
            self._given_harvest = Harvest.start(core, trigger=f"scrapy:{self.name}")
            self.owns_harvest = True
        return self._given_harvest

    @property
    def max_feed_entries(self) -> int:
        """Return how many entries of one feed a crawl reads at most."""
        return int(self.settings.getint("AGGREGATOR_MAX_FEED_ENTRIES", 1000))

    @property
    def timeout(self) -> float:
        """Return the download timeout in seconds, for error messages."""
        return float(self.settings.getfloat("DOWNLOAD_TIMEOUT"))

    def sources(self) -> list[SourceView]:
        """Return the sources this spider is to crawl."""
        chosen = self.harvest.core.sources.to_crawl(kind=self.kind, names=self.source_names)
        if self.source_ids:
            wanted = set(self.source_ids)
            chosen = [s for s in chosen if s.id in wanted]
        return chosen

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources():
            self.harvest.begin_source(source.id, source.name)
            for request in self.requests_for(source):
                yield request

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        """Return the first requests for one source."""
        raise NotImplementedError

    # --- shared by every kind: conditional source requests, page fetches, known-link filtering ---

    def api_page_request(self, source: SourceView, url: str, page: int, **kwargs: Any) -> scrapy.Request:
        """Return a request for page ``page`` of a source's JSON API.

        The first page stands for the whole source: it carries the validators, and a 304 there means
        nothing is new. The callback gets ``page`` beside what ``cb_kwargs`` names.
        """
        kwargs["cb_kwargs"] = {"page": page, **kwargs.get("cb_kwargs", {})}
        headers = {"Accept": "application/json"}
        return self.source_request(source, url, conditional=page == 1, headers=headers, **kwargs)

    def source_request(
        self, source: SourceView, url: str | None = None, *, conditional: bool | None = None, **kwargs: Any
    ) -> scrapy.Request:
        """Return a request for a source's own document, conditional on what it answered last time.

        A source's validators belong to its own URL, or (``conditional=True``) to the one document
        that stands for it, such as the first page of an API.
        """
        headers: dict[str, str] = dict(kwargs.pop("headers", {}))
        if conditional if conditional is not None else url in (None, source.url):
            if source.etag:
                headers["If-None-Match"] = source.etag
            if source.last_modified:
                headers["If-Modified-Since"] = source.last_modified
        meta = {"handle_httpstatus_list": [304], **kwargs.pop("meta", {})}
        return scrapy.Request(
            url or source.url,
            headers=headers,
            errback=kwargs.pop("errback", self.source_failed),
            cb_kwargs={"source": source, **kwargs.pop("cb_kwargs", {})},
            meta=meta,
            dont_filter=True,
            priority=10,
            **kwargs,
        )

    def not_modified(self, response: Response, source: SourceView) -> bool:
        """Return True (and count it) when the source's document answered 304."""
        if response.status != 304:
            return False
        self.tally(source.id).not_modified = True
        self.tally(source.id).fresh_for = max_age(_header(response, b"Cache-Control"))
        self.harvest.changed(source.id)
        return True

    def keep_validators(self, response: Response, source: SourceView, *, own: bool = False) -> None:
        """Remember the ETag / Last-Modified of a source's own document for the next crawl."""
        asked = response.request.url if response.request is not None else response.url
        if asked != source.url and not own:
            return  # validators of another document (a fallback, a later page) mean nothing there
        headers = response.headers
        etag = headers.get(b"ETag")
        modified = headers.get(b"Last-Modified")
        self.harvest.feed_read(
            source.id,
            Validators(
                etag=etag.decode("latin-1") if etag else None,
                last_modified=modified.decode("latin-1") if modified else None,
                fresh_for=max_age(_header(response, b"Cache-Control")),
            ),
        )

    def source_failed(self, failure: Failure) -> None:
        """Errback of a source's own document: the whole source failed this time."""
        source: SourceView = failure.request.cb_kwargs["source"]  # type: ignore[attr-defined]
        url = without_secrets(failure.request.url)  # type: ignore[attr-defined]
        retry_after = failure.request.meta.get("retry_after")  # type: ignore[attr-defined]
        self.fail(
            source.id, f"{url}: {self.failure_text(failure)}", source_level=True, retry_after=retry_after
        )

    def unsettled(self, source: SourceView, candidates: Sequence[Candidate]) -> list[Candidate]:
        """Return the candidates worth fetching: new links, once each; the rest count as duplicates."""
        unique: dict[str, Candidate] = {}
        for candidate in candidates:
            try:
                canon = canonical_url(candidate.link)
            except InvalidInput:
                continue
            if canon not in unique:
                # The item's identity from here on: the pipelines and storage reuse it.
                candidate.canonical_url = canon
                unique[canon] = candidate
        tally = self.tally(source.id)
        settled = self.harvest.core.items.settled(source.id, [(c, e.guid) for c, e in unique.items()])
        # Known links end here, unchanged; the rest are counted as entries when they reach the
        # pipelines (the first counts every item), so each entry is counted once, with its outcome.
        tally.entries += len(settled)
        tally.unchanged += len(settled)
        self.harvest.changed(source.id)
        fresh = [candidate for canon, candidate in unique.items() if canon not in settled]
        for candidate in fresh:
            candidate.vetted = True
        return fresh

    def page_requests(self, candidates: Iterable[Candidate]) -> Iterator[scrapy.Request]:
        """Return requests for the pages of candidates, each handed on whether or not it answers."""
        started = False
        for candidate in candidates:
            if not started:
                self.harvest.extractor.prestart()
                started = True
            yield scrapy.Request(
                candidate.link,
                callback=self.parse_page,
                errback=self.page_failed,
                cb_kwargs={"item": candidate},
            )

    def retry_requests(self, source: SourceView) -> Iterator[scrapy.Request]:
        """Return requests for pages that failed on earlier crawls, whatever the source says now."""
        retries = [
            Candidate(
                source_id=source.id,
                link=r.url,
                guid=r.guid,
                source_title=r.title,
                source_author=r.author,
                source_published=r.published,
                source_content_html=r.text_html,
            )
            for r in self.harvest.core.items.retry_candidates(source.id)
        ]
        return self.page_requests(retries)

    def parse_page(self, response: Response, item: Candidate) -> Iterator[Candidate]:
        """Hand a fetched page on to extraction; anything but HTML is kept as the source described it."""
        self.tally(item.source_id).fetched += 1
        content_type = (_header(response, b"Content-Type") or "").split(";")[0].strip().lower()
        if content_type and content_type not in _PAGE_TYPES:
            reason = f"not an HTML page ({content_type})"
            self.fail(item.source_id, f"article {item.link}: {reason}")
            item.fetch_error = reason
            yield item
            return
        item.html = response.body
        item.encoding = getattr(response, "encoding", None)
        yield item

    def page_failed(self, failure: Failure) -> Iterator[Candidate]:
        """Hand on a candidate whose page failed: it is stored from what the source said, and retried."""
        item: Candidate = failure.request.cb_kwargs["item"]  # type: ignore[attr-defined]
        reason = self.failure_text(failure)
        self.fail(item.source_id, f"article {item.link}: {reason}")
        item.fetch_error = reason
        yield item

    def tally(self, source_id: int) -> SourceTally:
        """Return the running counts of one source."""
        return self.harvest.tally(source_id)

    def fail(
        self, source_id: int, message: str, *, source_level: bool = False, retry_after: float | None = None
    ) -> None:
        """Count an error against a source; a source-level one also goes to its health and schedule."""
        self.tally(source_id).fail(message)
        if source_level:
            self.harvest.core.sources.record_failure(source_id, message, retry_after=retry_after)
        self.harvest.changed(source_id)

    def warn(self, source_id: int, message: str) -> None:
        """Note what a source gave only leniently: shown as a warning, apart from its errors."""
        self.tally(source_id).warn(message)
        self.harvest.changed(source_id)

    def failure_text(self, failure: Failure) -> str:
        """Return a failed request's reason in a few words."""
        return describe(failure, self.timeout)

    def _callback_failed(self, failure: Failure, response: Any, spider: scrapy.Spider) -> None:
        # A bug or a storage error inside a callback must show in the summary, not only in a log.
        kwargs = getattr(getattr(response, "request", None), "cb_kwargs", {}) or {}
        holder = kwargs.get("source") or kwargs.get("item")
        source_id = getattr(holder, "id", None) or getattr(holder, "source_id", None)
        if spider is self and isinstance(source_id, int) and source_id in self.harvest.tallies:
            self.fail(source_id, f"{response.url}: {brief(failure.value)}")

    def _page_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        # The dupefilter drops a page another source asked for in this crawl: that entry is a
        # duplicate, and is counted here since it never reaches the pipelines.
        item = request.cb_kwargs.get("item")
        if spider is self and isinstance(item, Candidate) and item.source_id in self.harvest.tallies:
            tally = self.tally(item.source_id)
            tally.entries += 1
            tally.duplicates += 1
            self.harvest.changed(item.source_id)

    def _item_failed(self, item: Any, response: Any, spider: scrapy.Spider, failure: Failure) -> None:
        source_id = getattr(item, "source_id", None)
        if spider is self and isinstance(item, Candidate) and self._given_harvest is not None:
            self.harvest.release(item.canonical_url)
        if spider is self and isinstance(source_id, int) and source_id in self.harvest.tallies:
            self.tally(source_id).failed += 1
            link = getattr(item, "link", None) or getattr(item, "url", "")
            self.fail(source_id, f"storing {link}: {brief(failure.value)}")

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is not self or self._given_harvest is None:
            return
        if reason != "finished":  # Scrapy's close reason
            self.harvest.interrupted = reason
        for source_id in list(self.harvest.tallies):
            self.harvest.source_done(source_id)
        if self.owns_harvest:
            self.harvest.finish(status=RunStatus.FINISHED if reason == "finished" else RunStatus.FAILED)
            self.harvest.core.close()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
