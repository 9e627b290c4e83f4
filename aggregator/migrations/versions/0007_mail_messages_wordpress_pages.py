"""Mailbox sources remember the messages they read (UID and Message-ID, stored or skipped and why),
and topics remember the WordPress page they were published to (to update it, never make a second,
and notice edits made in WordPress since).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.String(1000), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="SET NULL"), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source_id", "uidvalidity", "uid", name="uq_mail_messages_uid"),
    )
    op.create_index("ix_mail_messages_source_message", "mail_messages", ["source_id", "message_id"])
    op.create_table(
        "wordpress_pages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("topic_id", sa.Integer(), sa.ForeignKey("topics.id", ondelete="CASCADE"), nullable=False),
        sa.Column("site_url", sa.String(2000), nullable=False),
        sa.Column("page_id", sa.BigInteger(), nullable=False),
        sa.Column("link", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("modified_gmt", sa.String(40), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("topic_id", "site_url", name="uq_wordpress_pages_topic_site"),
    )


def downgrade() -> None:
    op.drop_table("wordpress_pages")
    op.drop_index("ix_mail_messages_source_message", table_name="mail_messages")
    op.drop_table("mail_messages")
