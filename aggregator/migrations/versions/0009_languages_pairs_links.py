"""Topic terms per language (a Welsh list beside the English one), pairs of an item and its version
in the other language (with the alternates a page announced, so whichever is stored second finds the
first), the archived copy's address a curator gives a gone article, and the last check of each
published entry's link.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs, never a batch rebuild: on SQLite, rebuilding items or topics drops the old
    # table, and with foreign keys on that empties item_topics and item_events (ON DELETE CASCADE)
    # and clears every duplicate_of_id and parent_id (ON DELETE SET NULL).
    op.add_column("topics", sa.Column("language_terms", sa.JSON(), nullable=False, server_default="{}"))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference inline, and cannot add the constraint apart.
        op.execute("ALTER TABLE items ADD COLUMN pair_id INTEGER REFERENCES items (id) ON DELETE SET NULL")
    else:
        op.add_column("items", sa.Column("pair_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_items_pair_id_items", "items", "items", ["pair_id"], ["id"], ondelete="SET NULL"
        )
    op.add_column("items", sa.Column("pair_origin", sa.String(16), nullable=True))
    op.add_column("items", sa.Column("archived_url", sa.String(2000), nullable=True))
    op.create_index("ix_items_pair_id", "items", ["pair_id"])
    op.create_table(
        "item_alternates",
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("language", sa.String(16), nullable=False),
    )
    op.create_index("ix_item_alternates_url", "item_alternates", ["url"])
    op.create_table(
        "link_checks",
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.String(2000), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("gone_in_row", sa.Integer(), nullable=False),
    )
    op.create_index("ix_link_checks_state", "link_checks", ["state"])


def downgrade() -> None:
    # PostgreSQL only: on SQLite, dropping pair_id needs a rebuild of items (see upgrade).
    op.drop_table("link_checks")
    op.drop_table("item_alternates")
    op.drop_index("ix_items_pair_id", table_name="items")
    op.drop_constraint("fk_items_pair_id_items", "items", type_="foreignkey")
    op.drop_column("items", "archived_url")
    op.drop_column("items", "pair_origin")
    op.drop_column("items", "pair_id")
    op.drop_column("topics", "language_terms")
