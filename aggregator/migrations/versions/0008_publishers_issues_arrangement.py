"""Publishers apart from sources, newsletter issues as written, and arranged topic pages.

- ``publishers``: who writes the pages of a host (the Guardian, the Institute of Welsh Affairs with its
  "(Click on Wales)" suffix, Involve), so an article reached through a newsletter is still headed by
  its own publisher. Seeded with those three; curators add more.
- ``items.publisher`` (a curator's choice, else resolved) and ``items.site_name`` (the page's
  ``og:site_name``, the resolution's last clue before the host).
- ``items.issue_intro`` and ``items.bullets``: an issue's intro paragraphs and its stories as the
  newsletter wrote them (title, text, link words, link, hidden), so approving or rejecting a story as
  an item of its own never changes its issue's bullets.
- ``items.entry_word``: what a curator calls an item in its heading when not "article" ("report").
- ``topics.entry_order`` (oldest, newest, manual) and ``item_topics.position`` (the manual order).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied as they stood, so this revision seeds the same rows whatever the defaults later become.
_SEED = (
    ("www.theguardian.com", "Guardian", ""),
    ("www.iwa.wales", "Institute of Welsh Affairs", "(Click on Wales)"),
    ("involve.org.uk", "Involve", ""),
)


def upgrade() -> None:
    publishers = op.create_table(
        "publishers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("host", sa.String(300), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("suffix", sa.String(300), nullable=False, server_default=""),
        sa.UniqueConstraint("host", name="uq_publishers_host"),
    )
    op.bulk_insert(publishers, [{"host": h, "name": n, "suffix": s} for h, n, s in _SEED])
    # Plain ADD COLUMNs, no batch: on SQLite a batch copies the table and drops the old one, and
    # dropping items (or topics) fires their ON DELETE actions on the rows that point at them.
    op.add_column("items", sa.Column("publisher", sa.String(300), nullable=True))
    op.add_column("items", sa.Column("site_name", sa.String(300), nullable=True))
    op.add_column("items", sa.Column("entry_word", sa.String(32), nullable=True))
    op.add_column("items", sa.Column("issue_intro", sa.Text(), nullable=False, server_default=""))
    op.add_column("items", sa.Column("bullets", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("topics", sa.Column("entry_order", sa.String(16), nullable=False, server_default="oldest"))
    op.add_column("item_topics", sa.Column("position", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("item_topics", "position")
    op.drop_column("topics", "entry_order")
    for column in ("bullets", "issue_intro", "entry_word", "site_name", "publisher"):
        op.drop_column("items", column)
    op.drop_table("publishers")
