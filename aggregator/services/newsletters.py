"""Newsletter issues that came by mail, stored as the web's are: the issue, and a story per bullet.

A mailbox poll and ``aggregator newsletters import`` both end here, so a message gives the same
items whichever way it arrived, and the same items as the issue's web copy would: the stories
are scored against the topics and offered their bullet as the excerpt, as the crawl's pipelines do.
Storage is the crawl's idempotent upsert, so a message read twice stores nothing the second time.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aggregator.curate.excerpts import excerpt_candidates
from aggregator.curate.relevance import score_topic
from aggregator.enums import ContentOrigin, ItemKind
from aggregator.extract.result import SUMMARY_CHARS
from aggregator.reader.mail import MailIssue, MessageRejected, read_message
from aggregator.services.harvested import Harvested, Outcome, TopicMatch
from aggregator.services.items import ItemService
from aggregator.services.topics import TopicView
from aggregator.text import first_sentences

EXCERPT_CANDIDATES = 3


class Result(enum.StrEnum):
    """What became of one message."""

    STORED = "stored"  # a new issue (its new stories with it)
    KNOWN = "known"  # the issue was stored already
    SKIPPED = "skipped"  # not read as an issue: the reason says why


@dataclass(frozen=True, slots=True)
class MessageResult:
    """One message's outcome: the issue's URL and new stories when stored, the reason when skipped."""

    result: Result
    message_id: str | None
    url: str | None = None
    title: str = ""
    new_stories: int = 0
    reason: str | None = None


@dataclass(slots=True)
class ImportReport:
    """What a batch of messages gave."""

    results: list[MessageResult] = field(default_factory=list)

    def count(self, result: Result) -> int:
        """Return how many messages ended as ``result``."""
        return sum(1 for r in self.results if r.result is result)


class NewsletterService:
    """Reads messages as issues and stores them under a source."""

    def __init__(self, items: ItemService) -> None:
        self._items = items

    def record_message(
        self,
        source_id: int,
        raw: bytes,
        topics: Sequence[TopicView],
        *,
        max_bytes: int,
        senders: tuple[str, ...] = (),
    ) -> MessageResult:
        """Store ``raw`` as an issue of ``source_id``; a rejected message is reported, not raised."""
        try:
            issue = read_message(raw, max_bytes=max_bytes, senders=senders)
        except MessageRejected as exc:
            return MessageResult(Result.SKIPPED, exc.message_id, reason=exc.reason)
        return self.record_issue(source_id, issue, topics)

    def record_issue(self, source_id: int, issue: MailIssue, topics: Sequence[TopicView]) -> MessageResult:
        """Store ``issue`` and its stories under ``source_id`` (idempotent); return what was new."""
        batch = issue_items(source_id, issue, topics)
        outcomes = self._items.record_many(batch)
        failed = [o for o in outcomes if isinstance(o, Exception)]
        if failed:
            raise failed[0]
        new_stories = sum(1 for o in outcomes[1:] if o in (Outcome.NEW, Outcome.SYNDICATED))
        fresh = outcomes[0] in (Outcome.NEW, Outcome.SYNDICATED)
        return MessageResult(
            Result.STORED if fresh else Result.KNOWN,
            issue.message_id,
            url=issue.url,
            title=issue.subject,
            new_stories=new_stories,
        )

    def import_messages(
        self, source_id: int, messages: Iterable[bytes], topics: Sequence[TopicView], *, max_bytes: int
    ) -> ImportReport:
        """Store each message of a saved file as an issue; bad ones are reported and the rest go on."""
        report = ImportReport()
        for raw in messages:
            report.results.append(self.record_message(source_id, raw, topics, max_bytes=max_bytes))
        return report


def issue_items(source_id: int, issue: MailIssue, topics: Sequence[TopicView]) -> list[Harvested]:
    """Return the issue and its stories as storage records them, scored against ``topics``."""
    # The language model is loaded at first use: importing it costs a CLI command a second.
    from aggregator.extract.language import detect_language

    terms = [term for topic in topics for term in topic.include_terms]
    text = issue.text
    language = detect_language(text)
    items = [
        Harvested(
            source_id=source_id,
            url=issue.url,
            guid=issue.message_id,
            title=issue.subject,
            author=None,
            published=issue.sent,
            language=language,
            text=text,
            summary=first_sentences(text, SUMMARY_CHARS),
            content_origin=ContentOrigin.ARTICLE,
            kind=ItemKind.NEWSLETTER,
            excerpt_candidates=tuple(excerpt_candidates(text, terms, limit=EXCERPT_CANDIDATES)),
            topic_matches=_matches(issue.subject, text, topics),
        )
    ]
    for position, story in enumerate(issue.stories, start=1):
        proposed = excerpt_candidates(story.text, terms, limit=EXCERPT_CANDIDATES)
        proposed = [story.text, *(p for p in proposed if p != story.text)][:EXCERPT_CANDIDATES]
        items.append(
            Harvested(
                source_id=source_id,
                url=story.url,
                guid=None,
                title=story.title,
                author=None,
                published=issue.sent,
                language=detect_language(story.text, hint=language),
                text=story.text,
                summary=first_sentences(story.text, SUMMARY_CHARS),
                content_origin=ContentOrigin.BULLET,
                kind=ItemKind.STORY,
                parent_url=issue.url,
                position=position,
                excerpt=story.text,
                excerpt_candidates=tuple(proposed),
                topic_matches=_matches(story.title, story.text, topics),
            )
        )
    return items


def _matches(title: str, text: str, topics: Sequence[TopicView]) -> tuple[TopicMatch, ...]:
    found = []
    for topic in topics:
        score = score_topic(
            title, first_sentences(text, SUMMARY_CHARS), text, topic.include_terms, topic.exclude_terms
        )
        if score.score > 0:
            found.append(TopicMatch(topic.id, score.score, score.matched))
    return tuple(found)
