"""Server-side login sessions (logging out ends a session for every copy of its cookie; admins list
and revoke them), warnings kept apart from errors (a source's last one, a crawl's per source), and the
process that runs a crawl (so a run left "running" by a killed crawl is closed), and what became of
each entry of a crawl (updated, unchanged, failed beside new and duplicates, so the counts add up).

Revision ID: 0005; Revises: 0004; Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
    )
    op.create_index("ix_login_sessions_user_id", "login_sessions", ["user_id"])
    op.create_index("ix_login_sessions_expires_at", "login_sessions", ["expires_at"])
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("last_warning", sa.Text(), nullable=True))
    with op.batch_alter_table("crawl_run_sources") as batch:
        batch.add_column(sa.Column("warnings", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("warning", sa.Text(), nullable=True))
        for name in ("updated", "unchanged", "failed"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("owner", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("owner")
    with op.batch_alter_table("crawl_run_sources") as batch:
        for name in ("updated", "unchanged", "failed"):
            batch.drop_column(name)
        batch.drop_column("warning")
        batch.drop_column("warnings")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("last_warning")
    op.drop_index("ix_login_sessions_expires_at", table_name="login_sessions")
    op.drop_index("ix_login_sessions_user_id", table_name="login_sessions")
    op.drop_table("login_sessions")
