"""The session cookie, signed: the login session's token, the CSRF token, one message for the next page.

Who is logged in is the database's to say (``SessionService``): the token names a session there, so
logging out (or an admin) ends it for every copy of the cookie.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "aggregator_session"
MAX_AGE = 12 * 3600
FLASH_LIMIT = 600


@dataclass
class SessionData:
    """What the cookie carries; ``changed`` says it must be sent again."""

    token: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    flash: str | None = None
    # The item whose approve or reject the next page offers to undo (with the message).
    undo: int | None = None
    changed: bool = False
    cleared: bool = False
    # A session the browser does not hold yet; sent only once a page needs it (it shows the token).
    fresh: bool = False

    def login(self, token: str) -> None:
        """Carry a new login session: a new CSRF token too, so none issued before login works."""
        self.token = token
        self.csrf = secrets.token_urlsafe(32)
        self.changed = True

    def logout(self) -> None:
        """Forget the login session (the caller ends it in the database)."""
        self.token = None
        self.cleared = True

    def say(self, message: str) -> None:
        """Keep ``message`` for the next page shown."""
        # The message rides in the cookie, and browsers drop cookies past 4 kB (logging the user out).
        self.flash = message if len(message) <= FLASH_LIMIT else message[: FLASH_LIMIT - 1] + "…"
        self.changed = True

    def offer_undo(self, item_id: int) -> None:
        """Offer, on the next page shown, to undo the decision just taken on ``item_id``."""
        self.undo = item_id
        self.changed = True

    def take_flash(self) -> str | None:
        """Return the pending message once."""
        message, self.flash = self.flash, None
        if message is not None:
            self.changed = True
        return message

    def take_undo(self) -> int | None:
        """Return the item whose decision can be undone, once."""
        item_id, self.undo = self.undo, None
        if item_id is not None:
            self.changed = True
        return item_id


class SessionCodec:
    """Reads and writes the session cookie, signed with the app's secret."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="aggregator.session")

    def load(self, request: Request) -> SessionData:
        """Return the request's session; a missing, forged or expired cookie gives a new empty one."""
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                data: dict[str, Any] = self._serializer.loads(raw, max_age=MAX_AGE)
            except BadSignature:
                data = {}
            if isinstance(data, dict) and isinstance(data.get("c"), str):
                token = data.get("t")
                flash = data.get("f")
                undo = data.get("u")
                return SessionData(
                    token=token if isinstance(token, str) else None,
                    csrf=data["c"],
                    flash=flash if isinstance(flash, str) else None,
                    undo=undo if isinstance(undo, int) and not isinstance(undo, bool) else None,
                )
        return SessionData(fresh=True)

    def store(self, request: Request, response: Response, session: SessionData) -> None:
        """Send the session back when it changed (or remove it after logout)."""
        secure = request.url.scheme == "https"
        if session.cleared:
            response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
            return
        if not session.changed:
            return
        value = self._serializer.dumps(
            {"t": session.token, "c": session.csrf, "f": session.flash, "u": session.undo}
        )
        response.set_cookie(
            COOKIE, value, max_age=MAX_AGE, path="/", secure=secure, httponly=True, samesite="lax"
        )
