"""Item kinds (article, newsletter, story), parent issues, syndication links and sketches, excerpts.

Revision ID: 0002; Revises: 0001; Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        # Server defaults give rows stored before this revision a value.
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="article"))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("parent_url", sa.String(2000), nullable=True))
        batch.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("excerpt_candidates", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_items_parent", "items", ["parent_id"], ["id"], ondelete="SET NULL")
        batch.create_foreign_key(
            "fk_items_duplicate_of", "items", ["duplicate_of_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_check_constraint("item_kind", "kind IN ('article', 'newsletter', 'story')")
        batch.drop_constraint("item_content_origin", type_="check")
        batch.create_check_constraint(
            "item_content_origin", "content_origin IN ('api', 'article', 'bullet', 'feed')"
        )
    op.create_index("ix_items_parent_id", "items", ["parent_id"])
    op.create_index("ix_items_parent_url", "items", ["parent_url"])
    op.create_index("ix_items_duplicate_of_id", "items", ["duplicate_of_id"])
    op.create_table(
        "item_sketches",
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", "value"),
    )
    op.create_index("ix_item_sketches_value", "item_sketches", ["value"])


def downgrade() -> None:
    op.drop_index("ix_item_sketches_value", table_name="item_sketches")
    op.drop_table("item_sketches")
    op.drop_index("ix_items_duplicate_of_id", table_name="items")
    op.drop_index("ix_items_parent_url", table_name="items")
    op.drop_index("ix_items_parent_id", table_name="items")
    with op.batch_alter_table("items") as batch:
        batch.drop_constraint("item_content_origin", type_="check")
        batch.create_check_constraint("item_content_origin", "content_origin IN ('article', 'feed')")
        batch.drop_constraint("item_kind", type_="check")
        batch.drop_constraint("fk_items_duplicate_of", type_="foreignkey")
        batch.drop_constraint("fk_items_parent", type_="foreignkey")
        for column in (
            "position",
            "excerpt_candidates",
            "duplicate_of_id",
            "parent_id",
            "kind",
        ):
            batch.drop_column(column)
