"""The key that signs session cookies: from the config, or generated once and kept in the database."""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError

from aggregator.core import Aggregator
from aggregator.models import AppSetting

_KEY = "session_secret"


def session_secret(core: Aggregator) -> str:
    """Return AGGREGATOR_SECRET_KEY, else the key stored in app_settings, creating it on first use.

    Kept in the database rather than a file so every app process (and every host) using the same
    database signs and accepts the same cookies, and sessions survive restarts.
    """
    if core.config.secret_key:
        return core.config.secret_key
    with core.db.read() as session:
        stored = session.get(AppSetting, _KEY)
        if stored is not None:
            return stored.value
    try:
        with core.db.write() as session:
            stored = session.get(AppSetting, _KEY)
            if stored is not None:
                return stored.value
            value = secrets.token_urlsafe(48)
            session.add(AppSetting(key=_KEY, value=value))
            return value
    except IntegrityError:
        # Another process created it between our read and our write: use theirs.
        with core.db.read() as session:
            return session.get_one(AppSetting, _KEY).value
