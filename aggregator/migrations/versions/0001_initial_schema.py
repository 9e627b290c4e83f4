"""initial schema

Revision ID: 0001; Revises: (none); Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None


def _table(name: str, *columns: sa.schema.SchemaItem) -> None:
    """Create table ``name``: an integer ``id`` primary key, then ``columns`` and constraints."""
    op.create_table(
        name, sa.Column("id", sa.Integer(), nullable=False), *columns, sa.PrimaryKeyConstraint("id")
    )


def upgrade() -> None:

    _table(
        "crawl_runs",
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.CheckConstraint("status IN ('running', 'finished', 'failed')", name="crawl_run_status"),
    )
    _table(
        "sources",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("url"),
    )
    _table(
        "topics",
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("include_terms", sa.JSON(), nullable=False),
        sa.Column("exclude_terms", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("slug"),
    )
    _table(
        "users",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name"),
    )
    _table(
        "crawl_run_sources",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        *(
            sa.Column(count, sa.Integer(), nullable=False)
            for count in ("entries", "fetched", "new", "duplicates", "errors")
        ),
        sa.Column("not_modified", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("run_id", "source_id"),
    )
    with op.batch_alter_table("crawl_run_sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crawl_run_sources_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_crawl_run_sources_source_id"), ["source_id"], unique=False)

    _table(
        "items",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("canonical_url", sa.String(length=2000), nullable=False),
        sa.Column("guid", sa.String(length=2000), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=500), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("content_origin", sa.String(length=16), nullable=False),
        sa.Column("fetch_attempts", sa.Integer(), nullable=False),
        sa.Column("last_fetch_error", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("curator_note", sa.Text(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("content_origin IN ('article', 'feed')", name="item_content_origin"),
        sa.CheckConstraint("status IN ('new', 'approved', 'rejected')", name="item_status"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("canonical_url"),
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_source_guid", ["source_id", "guid"], unique=False)
        batch_op.create_index(batch_op.f("ix_items_source_id"), ["source_id"], unique=False)
        batch_op.create_index("ix_items_status_published", ["status", "published_at"], unique=False)

    _table(
        "item_events",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
    )
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_events_item_id"), ["item_id"], unique=False)

    op.create_table(
        "item_topics",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_terms", sa.JSON(), nullable=False),
        sa.Column("assigned", sa.Boolean(), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["topic_id"], ["topics.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "topic_id"),
    )


def downgrade() -> None:

    op.drop_table("item_topics")
    with op.batch_alter_table("item_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_events_item_id"))

    op.drop_table("item_events")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_status_published")
        batch_op.drop_index(batch_op.f("ix_items_source_id"))
        batch_op.drop_index("ix_items_source_guid")

    op.drop_table("items")
    with op.batch_alter_table("crawl_run_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crawl_run_sources_source_id"))
        batch_op.drop_index(batch_op.f("ix_crawl_run_sources_run_id"))

    op.drop_table("crawl_run_sources")
    op.drop_table("users")
    op.drop_table("topics")
    op.drop_table("sources")
    op.drop_table("crawl_runs")
