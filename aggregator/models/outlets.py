"""What passed through outside systems: mail read from mailboxes, pages published to WordPress."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from aggregator.models.base import Base, utcnow


class MailMessage(Base):
    """A message a mailbox source has read, by folder UID and Message-ID, and what became of it.

    Re-polling reads only UIDs not listed here (for the folder's current UIDVALIDITY), and a message
    met again under a new UID (moved, or the folder rebuilt) is known by its Message-ID: so a
    message is stored or reported once, however often the mailbox is polled.
    """

    __tablename__ = "mail_messages"
    __table_args__ = (
        UniqueConstraint("source_id", "uidvalidity", "uid", name="uq_mail_messages_uid"),
        Index("ix_mail_messages_source_message", "source_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str] = mapped_column(String(1000))
    # "stored", or "skipped" with the reason (too large, malformed, not a newsletter, sender).
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WordPressPage(Base):
    """The WordPress page a topic was published to, and what it held when it was last written.

    One row per topic and site: publishing again updates that page, never a second one; and a page
    whose modification time in WordPress differs from the one recorded here was edited there since.
    """

    __tablename__ = "wordpress_pages"
    __table_args__ = (UniqueConstraint("topic_id", "site_url", name="uq_wordpress_pages_topic_site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    site_url: Mapped[str] = mapped_column(String(2000))
    page_id: Mapped[int] = mapped_column(BigInteger)
    link: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(20))
    # WordPress's own "modified_gmt" and content after our last write: the test for edits made there.
    modified_gmt: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str] = mapped_column(String(200), default="")
