"""Full-text search over items, failed-login tracking, persisted app settings (the session key), and
the indexes the review queue reads (languages, a topic's items by score).

SQLite: an FTS5 table over items (title, summary, text, author) with items as its external content,
kept in step by triggers. PostgreSQL: a GIN index over the same columns' tsvector, which the search
query repeats word for word so the planner uses it.

Revision ID: 0004; Revises: 0003; Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.services.search import (
    drop_postgres_search_index,
    drop_sqlite_search,
    install_postgres_search_index,
    install_sqlite_search,
)

revision: str = "0004"
down_revision: str | None = "0003"


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_attempts_name_address_at", "login_attempts", ["name", "address", "at"])
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_index("ix_items_language", "items", ["language"])
    op.create_index("ix_item_topics_topic_score", "item_topics", ["topic_id", "score"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        install_sqlite_search(conn)
    elif conn.dialect.name == "postgresql":
        install_postgres_search_index(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        drop_sqlite_search(conn)
    elif conn.dialect.name == "postgresql":
        drop_postgres_search_index(conn)
    op.drop_index("ix_item_topics_topic_score", table_name="item_topics")
    op.drop_index("ix_items_language", table_name="items")
    op.drop_table("app_settings")
    op.drop_index("ix_login_attempts_name_address_at", table_name="login_attempts")
    op.drop_table("login_attempts")
