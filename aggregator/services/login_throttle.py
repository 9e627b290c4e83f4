"""Login throttling: too many failed logins for one name from one address, and that pair waits.

Failures are rows in the database, not memory, so every app process (and a restart) sees them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select

from aggregator.db import Database
from aggregator.models import LoginAttempt, utcnow

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)


class LoginThrottle:
    """Counts failed logins per (name, address) over a sliding window."""

    def __init__(
        self, db: Database, *, max_failures: int = MAX_FAILURES, window: dt.timedelta = WINDOW
    ) -> None:
        self._db = db
        self.max_failures = max_failures
        self.window = window

    def blocked(self, name: str, address: str) -> bool:
        """Return True when this name from this address failed too often within the window."""
        since = utcnow() - self.window
        query = select(func.count()).where(
            LoginAttempt.name == _key(name), LoginAttempt.address == address, LoginAttempt.at >= since
        )
        with self._db.read() as session:
            return int(session.scalar(query) or 0) >= self.max_failures

    def failed(self, name: str, address: str) -> None:
        """Record a failed login, forgetting failures older than the window."""
        now = utcnow()
        with self._db.write() as session:
            session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - self.window))
            session.add(LoginAttempt(name=_key(name), address=address, at=now))

    def succeeded(self, name: str, address: str) -> None:
        """Forget this pair's failures after a good login."""
        with self._db.write() as session:
            session.execute(
                delete(LoginAttempt).where(LoginAttempt.name == _key(name), LoginAttempt.address == address)
            )


def _key(name: str) -> str:
    return name.strip()[:200]
