"""${message}

Revision ID: ${up_revision}; Revises: ${down_revision | comma,n}; Create Date: ${create_date}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}
revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
% if branch_labels:
branch_labels: str | tuple[str, ...] | None = ${repr(branch_labels)}
% endif
% if depends_on:
depends_on: str | tuple[str, ...] | None = ${repr(depends_on)}
% endif


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "raise NotImplementedError('the first schema has nothing to go back to')"}
