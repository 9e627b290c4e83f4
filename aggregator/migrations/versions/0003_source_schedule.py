"""Per-source schedule: interval, next check, parking after repeated failures, and a crawl lease.

Revision ID: 0003; Revises: 0002; Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("interval_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("parked_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease_owner", sa.String(200), nullable=True))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_sources_next_check_at", "sources", ["next_check_at"])


def downgrade() -> None:
    op.drop_index("ix_sources_next_check_at", table_name="sources")
    with op.batch_alter_table("sources") as batch:
        for column in ("lease_until", "lease_owner", "parked_at", "next_check_at", "interval_seconds"):
            batch.drop_column(column)
