"""Polling a mailbox source: each message not read before is stored as an issue or reported, once.

A message is known by its folder UID (for the folder's UIDVALIDITY) and by its Message-ID, both kept
in ``mail_messages`` with what became of it. So a second poll reads nothing it read before, a message
moved to another UID is not stored twice, and a message that was skipped (too large, malformed MIME,
no newsletter, a sender not allowed) is reported on the poll that met it and not again.
"""

from __future__ import annotations

import email.parser
import email.policy
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from aggregator.db import Database
from aggregator.errors import InvalidInput
from aggregator.models import Item, MailMessage
from aggregator.netguard import Network
from aggregator.reader.imap import Account, Mailbox, parse_address
from aggregator.services.newsletters import MessageResult, NewsletterService, Result
from aggregator.services.topics import TopicView
from aggregator.services.views import SourceView
from aggregator.urls import canonical_url

_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.default)


@dataclass(slots=True)
class PollReport:
    """What one poll of a mailbox did: a result per message it read for the first time."""

    results: list[MessageResult] = field(default_factory=list)
    already_read: int = 0

    def count(self, result: Result) -> int:
        """Return how many messages ended as ``result``."""
        return sum(1 for r in self.results if r.result is result)


def account_of(source: SourceView) -> Account:
    """Return the IMAP account of a mailbox source, its password read now; raise InvalidInput if unset."""
    host, port, tls, user, folder = parse_address(source.url)
    tls = bool(source.setting("tls")) if source.settings.get("tls") is not None else tls
    port = source.setting("port") or port or (993 if tls else 143)
    return Account(
        host=source.text("host") or host,
        port=int(port),
        tls=tls,
        user=source.text("user") or user,
        folder=source.text("folder") or folder,
        password=_password(source),
    )


def _password(source: SourceView) -> str:
    variable = source.text("password_env")
    if variable:
        value = os.environ.get(variable)
        if not value:
            raise InvalidInput(f"mailbox {source.name!r}: the environment variable {variable} is not set")
        return value
    path = source.text("password_file")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip("\r\n")
        except OSError as exc:
            raise InvalidInput(f"mailbox {source.name!r}: password file {path}: {exc.strerror}") from None
    raise InvalidInput(f"mailbox {source.name!r} has no password_env or password_file setting")


class MailboxService:
    """Reads the new messages of mailbox sources and remembers each one read."""

    def __init__(self, db: Database, newsletters: NewsletterService) -> None:
        self._db = db
        self._newsletters = newsletters

    def poll(
        self,
        source: SourceView,
        topics: Sequence[TopicView],
        *,
        timeout: float = 30.0,
        allow_private: bool = False,
        allowed: tuple[Network, ...] = (),
    ) -> PollReport:
        """Read the messages of ``source``'s folder not read before; raise FetchError if the server fails."""
        account = account_of(source)
        senders = tuple(source.setting("senders") or ())
        max_bytes = int(source.setting("max_bytes"))
        mark_seen = bool(source.setting("mark_seen"))
        report = PollReport()
        box = Mailbox(
            account, writable=mark_seen, timeout=timeout, allow_private=allow_private, allowed=allowed
        )
        with box:
            read_before = self._uids(source.id, box.uidvalidity)
            present = box.uids()
            fresh = [uid for uid in present if uid not in read_before][: int(source.setting("max_messages"))]
            report.already_read = len(present) - len(fresh)
            sizes = box.sizes(fresh) if fresh else {}
            for uid in fresh:
                result = self._one(source, box, uid, sizes.get(uid, 0), topics, max_bytes, senders)
                report.results.append(result)
                if mark_seen and result.result is not Result.SKIPPED:
                    box.mark_seen(uid)
        return report

    def _one(
        self,
        source: SourceView,
        box: Mailbox,
        uid: int,
        size: int,
        topics: Sequence[TopicView],
        max_bytes: int,
        senders: tuple[str, ...],
    ) -> MessageResult:
        if size > max_bytes:
            # Not fetched at all: its size is known from the server.
            result = MessageResult(
                Result.SKIPPED, None, reason=f"message too large ({size:,} bytes; the limit is {max_bytes:,})"
            )
            self._remember(source.id, box.uidvalidity, uid, f"uid-{uid}@{box.uidvalidity}", result)
            return result
        raw = box.fetch(uid)
        message_id = _message_id(raw)
        earlier = self._by_message_id(source.id, message_id) if message_id else None
        if earlier is not None:
            # The same message under another UID (moved, copied, or the folder rebuilt).
            result = MessageResult(Result.KNOWN, message_id)
        else:
            result = self._newsletters.record_message(
                source.id, raw, topics, max_bytes=max_bytes, senders=senders
            )
        self._remember(
            source.id, box.uidvalidity, uid, result.message_id or message_id or f"uid-{uid}", result
        )
        return result

    def _uids(self, source_id: int, uidvalidity: int) -> set[int]:
        query = select(MailMessage.uid).where(
            MailMessage.source_id == source_id, MailMessage.uidvalidity == uidvalidity
        )
        with self._db.read() as session:
            return set(session.scalars(query))

    def _by_message_id(self, source_id: int, message_id: str) -> MailMessage | None:
        query = select(MailMessage).where(
            MailMessage.source_id == source_id, MailMessage.message_id == message_id[:1000]
        )
        with self._db.read() as session:
            found = session.scalars(query.limit(1)).first()
            if found is not None:
                session.expunge(found)
            return found

    def _remember(
        self, source_id: int, uidvalidity: int, uid: int, message_id: str, result: MessageResult
    ) -> None:
        with self._db.write() as session:
            item_id = None
            if result.url:
                item_id = session.scalar(
                    select(Item.id).where(Item.canonical_url == canonical_url(result.url))
                )
            session.add(
                MailMessage(
                    source_id=source_id,
                    uidvalidity=uidvalidity,
                    uid=uid,
                    message_id=message_id[:1000],
                    outcome="skipped" if result.result is Result.SKIPPED else "stored",
                    reason=result.reason,
                    item_id=item_id,
                )
            )


def _message_id(raw: bytes) -> str | None:
    try:
        value = str(_HEADERS.parsebytes(raw).get("Message-ID", "") or "").strip().strip("<>").strip()
    except (ValueError, TypeError, IndexError):
        return None
    return value or None
