"""API tokens: what scripts and integrations send as ``Authorization: Bearer <token>``.

A token acts for one user, with that user's role, on the JSON API only (the web layer decides that);
it is shown once, when made, and the database keeps only its SHA-256 (tokens are 256 random bits, so a
fast hash is enough: there is nothing to guess). Revoking keeps the row, so listings say who had which
token until when, and refuses the token from then on; so does removing its user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from aggregator.db import Database
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import ApiToken, User, utcnow

# Tokens say what they are, so a leaked one is recognised by secret scanners and by people.
PREFIX = "agg_"
# last_used_at is a write: kept at most this often, so a busy script does not queue for SQLite's lock.
TOUCH_EVERY = dt.timedelta(minutes=5)
_NOTE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class TokenView:
    """A token as listings show it: never its value."""

    id: int
    user: str
    note: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def live(self) -> bool:
        """Return whether the token still authenticates."""
        return self.revoked_at is None


class TokenService:
    """Makes, checks, lists and revokes API tokens."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def issue(self, user: str, *, note: str = "") -> tuple[TokenView, str]:
        """Make a token for ``user``; return it as listed and its value (shown this once only)."""
        note = note.strip()
        if len(note) > _NOTE_LIMIT:
            raise InvalidInput(f"a token's note has at most {_NOTE_LIMIT} characters")
        value = PREFIX + secrets.token_urlsafe(32)
        with self._db.write() as session:
            owner = session.scalar(select(User).where(User.name == user))
            if owner is None:
                raise NotFound(f"no user {user!r}")
            token = ApiToken(digest=_digest(value), user_id=owner.id, note=note, created_at=utcnow())
            session.add(token)
            session.flush()
            return _view(token, owner.name), value

    def user_of(self, value: str) -> int | None:
        """Return the user a live token acts for, or None for an unknown or revoked one."""
        if not value.startswith(PREFIX):
            return None
        now = utcnow()
        with self._db.read() as session:
            token = session.scalar(select(ApiToken).where(ApiToken.digest == _digest(value)))
            if token is None or token.revoked_at is not None:
                return None
            token_id, user_id, used = token.id, token.user_id, token.last_used_at
        if used is None or now - used > TOUCH_EVERY:
            with self._db.write() as session:
                session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        return user_id

    def all(self, *, user: str | None = None) -> list[TokenView]:
        """Return the tokens (of one user), newest first, revoked ones included."""
        query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
        if user is not None:
            query = query.where(User.name == user)
        with self._db.read() as session:
            rows = session.execute(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
            return [_view(token, name) for token, name in rows]

    def revoke(self, token_id: int) -> TokenView:
        """Refuse the token with this id from now on; return it."""
        with self._db.write() as session:
            query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
            found = session.execute(query.where(ApiToken.id == token_id)).first()
            if found is None:
                raise NotFound(f"no token {token_id}")
            token, name = found
            if token.revoked_at is None:
                token.revoked_at = utcnow()
            return _view(token, name)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _view(token: ApiToken, user: str) -> TokenView:
    return TokenView(token.id, user, token.note, token.created_at, token.last_used_at, token.revoked_at)
