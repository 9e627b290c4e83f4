"""Login sessions kept in the database: logging out ends one for every copy of its cookie.

The cookie carries a random token; the database keeps only its SHA-256 (a stolen database gives no
working cookie). A session lasts ``LIFETIME`` from login, and ends earlier on logout, on a new
password, on its user's removal, or when an admin revokes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from aggregator.db import Database
from aggregator.errors import InvalidInput, NotFound
from aggregator.models import LoginSession, User, utcnow

LIFETIME = dt.timedelta(hours=12)
# last_seen_at is a write: kept at most this often, so reading pages does not queue for SQLite's lock.
TOUCH_EVERY = dt.timedelta(minutes=5)
# An admin names a session by the start of its id, as git names commits.
MIN_PREFIX = 8


@dataclass(frozen=True, slots=True)
class SessionView:
    """A live session as an admin sees it (never the token)."""

    id: str
    user: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    address: str
    user_agent: str


class SessionService:
    """Starts, checks, ends and lists login sessions."""

    def __init__(self, db: Database, lifetime: dt.timedelta = LIFETIME) -> None:
        self._db = db
        self.lifetime = lifetime

    def start(self, user_id: int, *, address: str = "", user_agent: str = "") -> str:
        """Open a session for ``user_id`` and return its token (for the cookie only)."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with self._db.write() as session:
            # Expired sessions go as new ones come: the table holds only the living.
            session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
            session.add(
                LoginSession(
                    id=_digest(token),
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + self.lifetime,
                    address=address[:64],
                    user_agent=user_agent[:300],
                )
            )
        return token

    def user_of(self, token: str) -> int | None:
        """Return the user of a live session with this token, or None."""
        if not token:
            return None
        now = utcnow()
        key = _digest(token)
        with self._db.read() as session:
            found = session.get(LoginSession, key)
            if found is None or found.expires_at <= now:
                return None
            user_id, seen = found.user_id, found.last_seen_at
        if now - seen > TOUCH_EVERY:
            with self._db.write() as session:
                session.execute(update(LoginSession).where(LoginSession.id == key).values(last_seen_at=now))
        return user_id

    def end(self, token: str) -> None:
        """End the session with this token (logging out); unknown tokens are ignored."""
        if token:
            with self._db.write() as session:
                session.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))

    def end_all(self, user_id: int) -> int:
        """End every session of a user; return how many there were."""
        with self._db.write() as session:
            result = session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
            return int(getattr(result, "rowcount", 0) or 0)

    def all(self, *, user: str | None = None) -> list[SessionView]:
        """Return the live sessions (of one user), newest first."""
        query = (
            select(LoginSession, User.name)
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.expires_at > utcnow())
            .order_by(LoginSession.created_at.desc())
        )
        if user is not None:
            query = query.where(User.name == user)
        with self._db.read() as session:
            return [
                SessionView(
                    id=row.id[:16],
                    user=name,
                    created_at=row.created_at,
                    last_seen_at=row.last_seen_at,
                    expires_at=row.expires_at,
                    address=row.address,
                    user_agent=row.user_agent,
                )
                for row, name in session.execute(query)
            ]

    def revoke(self, prefix: str) -> SessionView:
        """End the one session whose id starts with ``prefix``; return it."""
        prefix = prefix.strip().lower()
        if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
            raise InvalidInput(f"a session is named by at least {MIN_PREFIX} hex digits of its id")
        matches = [s for s in self.all() if s.id.startswith(prefix)]
        if not matches:
            raise NotFound(f"no live session {prefix!r}")
        if len(matches) > 1:
            raise InvalidInput(f"{prefix!r} names {len(matches)} sessions: give more of the id")
        with self._db.write() as session:
            session.execute(delete(LoginSession).where(LoginSession.id.startswith(prefix)))
        return matches[0]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
