"""Mailboxes: each poll reads the folder's new messages over IMAP and stores them as newsletter issues.

Nothing here goes through Scrapy's downloader: IMAP is not HTTP. The poll runs in a thread (imaplib
blocks) from ``start``, through the same service the `newsletters import` command uses, and its
counts go into the crawl's tally like any source's, so the run summary, the source's health and its
schedule treat a mailbox as they treat a feed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from aggregator.crawl.harvest import Validators
from aggregator.errors import AggregatorError, brief
from aggregator.netguard import parse_networks
from aggregator.services.mailboxes import PollReport
from aggregator.services.newsletters import Result
from aggregator.services.views import SourceView
from spiders.base import SourceSpider


class MailboxSpider(SourceSpider):
    """Polls each mailbox source once; stores new issues, reports skipped messages."""

    name = "mailbox"
    kind = "mailbox"

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources():
            self.harvest.begin_source(source.id, source.name)
            try:
                report = await maybe_deferred_to_future(deferToThread(self._poll, source))
            except AggregatorError as exc:
                self.fail(source.id, f"{source.url}: {brief(exc)}", source_level=True)
                continue
            self._count(source, report)
        return
        yield  # an async generator that yields nothing: the poll stores through the service

    def requests_for(self, source: SourceView) -> Iterable[scrapy.Request]:
        """Poll now and ask for nothing: how a distributed worker (which calls this) reads a mailbox.

        The worker's reactor waits for the poll meanwhile (seconds for a folder's new messages); the
        single-process crawl polls in a thread from ``start`` instead.
        """
        try:
            self._count(source, self._poll(source))
        except AggregatorError as exc:
            self.fail(source.id, f"{source.url}: {brief(exc)}", source_level=True)
        return ()

    def _poll(self, source: SourceView) -> PollReport:
        core = self.harvest.core
        return core.mailboxes.poll(
            source,
            self.harvest.topics,
            timeout=self.timeout,
            allow_private=self.settings.getbool("AGGREGATOR_ALLOW_PRIVATE_NETWORKS"),
            allowed=parse_networks(self.settings.get("AGGREGATOR_ALLOWED_NETWORKS") or ""),
        )

    def _count(self, source: SourceView, report: PollReport) -> None:
        tally = self.tally(source.id)
        for line in report.results:
            tally.entries += 1 + line.new_stories
            tally.fetched += 1
            if line.result is Result.SKIPPED:
                # Reported, not an error of the source: the mailbox works, this message is no issue.
                tally.failed += 1
                tally.warn(f"skipped message {line.message_id or '(no Message-ID)'}: {line.reason}")
            else:
                tally.new += line.new_stories + (line.result is Result.STORED)
                tally.unchanged += line.result is Result.KNOWN
        # A poll that reached the server is a success for the source's health and schedule.
        self.harvest.feed_read(source.id, Validators(etag=None, last_modified=None))
        self.harvest.changed(source.id)
