"""Folds made by the sketch alone re-checked on the two texts; copies that fail are unfolded, audited.

Before this revision a new text was folded into a stored one when 8 of their 16 sketch values were
shared, and two stories on one template (two trial abstracts in one field, one issuer's press
releases) were folded that way and hidden from the queue. The rule now checks each candidate on the
whole texts (``curate/duplicates``: the shorter text's 5-shingles nearly all in the longer one). This
revision applies that check to the folds already stored: a copy that fails it becomes a queue item of
its own again, with an "unfold" event on both items by "aggregator (migration 0006)".

Sketches are unchanged (the same 16 smallest hashes of the same shingles), so nothing is recomputed.
The check is copied here as it stood, so that this revision does the same thing whatever the rule
later becomes. Downgrading keeps the unfolded copies unfolded: which of them the old rule would fold
again is not worth guessing.

Revision ID: 0006; Revises: 0005; Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
import re
from hashlib import blake2b

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"

ACTOR = "aggregator (migration 0006)"
MIN_WORDS = 50
MIN_CONTAINMENT = 0.9
_WORD = re.compile(r"[^\W_]+")
_CHUNK = 200

_items = sa.table(
    "items", sa.column("id", sa.Integer), sa.column("text", sa.Text), sa.column("duplicate_of_id", sa.Integer)
)
_events = sa.table(
    "item_events",
    sa.column("item_id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("detail", sa.JSON),
    sa.column("at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    conn = op.get_bind()
    copies = [
        (row.id, row.duplicate_of_id)
        for row in conn.execute(
            sa.select(_items.c.id, _items.c.duplicate_of_id)
            .where(_items.c.duplicate_of_id.is_not(None))
            .order_by(_items.c.id)
        )
    ]
    now = dt.datetime.now(dt.UTC)
    if conn.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as the models store it there: UTC, no zone
    # One timestamp for the whole revision: its unfolds are one decision.
    audit = {"actor": ACTOR, "action": "unfold", "at": now}
    for start in range(0, len(copies), _CHUNK):
        chunk = copies[start : start + _CHUNK]
        wanted = sorted({i for pair in chunk for i in pair})
        texts = dict(conn.execute(sa.select(_items.c.id, _items.c.text).where(_items.c.id.in_(wanted))).all())
        wrong = [(c, o) for c, o in chunk if not _same_story(texts.get(c) or "", texts.get(o) or "")]
        for copy_id, original_id in wrong:
            conn.execute(sa.update(_items).where(_items.c.id == copy_id).values(duplicate_of_id=None))
            conn.execute(
                sa.insert(_events),
                [
                    {"item_id": copy_id, "detail": {"from": original_id}, **audit},
                    {"item_id": original_id, "detail": {"copy": copy_id}, **audit},
                ],
            )


def downgrade() -> None:
    pass


def _same_story(a: str, b: str) -> bool:
    first, second = _shingles(a), _shingles(b)
    if not first or not second:
        return False
    return len(first & second) / min(len(first), len(second)) >= MIN_CONTAINMENT


def _shingles(text: str) -> frozenset[int]:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return frozenset()
    return frozenset(
        int.from_bytes(blake2b(" ".join(words[i : i + 5]).encode("utf-8"), digest_size=8).digest(), "little")
        for i in range(len(words) - 4)
    )
