"""Login throttling: each attempt is admitted (and counted) before its password is checked.

Attempts are rows in the database, not memory, so every app process (and a restart) sees them. An
attempt is recorded first and the count read after, in one transaction, so forty guesses sent at
once cannot all pass the check before any is counted (they did: 21 to 36 of 40 were verified). A
name from an address gets ``MAX_FAILURES`` tries a window; an address, whatever the names it tries,
``MAX_PER_ADDRESS`` (random names were never throttled, and each try costs an argon2 hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import delete, func, select, text

from aggregator.db import Database
from aggregator.models import LoginAttempt, utcnow

MAX_FAILURES = 5
MAX_PER_ADDRESS = 20
WINDOW = dt.timedelta(minutes=15)


class LoginThrottle:
    """Admits login attempts per (name, address) and per address over a sliding window."""

    def __init__(
        self,
        db: Database,
        *,
        max_failures: int = MAX_FAILURES,
        max_per_address: int = MAX_PER_ADDRESS,
        window: dt.timedelta = WINDOW,
    ) -> None:
        self._db = db
        self.max_failures = max_failures
        self.max_per_address = max_per_address
        self.window = window

    def admit(self, name: str, address: str) -> bool:
        """Record an attempt and return whether its password may be checked.

        An admitted attempt stays recorded as a failure until ``succeeded`` forgets it; a refused
        one is not kept (a flood of refused tries must not fill the table).
        """
        now = utcnow()
        key = _key(name)
        with self._db.write() as session:
            if self._db.dialect == "postgresql":
                # SQLite's writers already take one lock (BEGIN IMMEDIATE); PostgreSQL's run side by
                # side, so the attempts of one address queue here.
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(address)})
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - self.window))
            attempt = LoginAttempt(name=key, address=address, at=now)
            session.add(attempt)
            session.flush()
            recent = LoginAttempt.at >= now - self.window
            by_pair = select(func.count()).where(
                LoginAttempt.name == key, LoginAttempt.address == address, recent
            )
            by_address = select(func.count()).where(LoginAttempt.address == address, recent)
            over = (session.scalar(by_pair) or 0) > self.max_failures or (
                session.scalar(by_address) or 0
            ) > self.max_per_address
            if over:
                session.delete(attempt)
            return not over

    def succeeded(self, name: str, address: str) -> None:
        """Forget this pair's attempts after a good login."""
        with self._db.write() as session:
            session.execute(
                delete(LoginAttempt).where(LoginAttempt.name == _key(name), LoginAttempt.address == address)
            )


def _key(name: str) -> str:
    return name.strip()[:200]


def _lock_key(address: str) -> int:
    # A signed 64-bit number, as pg_advisory_xact_lock takes.
    return int.from_bytes(hashlib.blake2b(address.encode(), digest_size=8).digest(), "little", signed=True)
