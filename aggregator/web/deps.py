"""What routes depend on: the core, the session, the logged-in user, permissions and the CSRF check."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from aggregator.core import Aggregator
from aggregator.services.users import UserView
from aggregator.web.sessions import SessionData

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class NotLoggedIn(Exception):
    """No valid session: pages send the browser to /login, the API answers 401."""


class Forbidden(Exception):
    """The user's role does not allow this."""


class CsrfRejected(Exception):
    """A state-changing request without the session's CSRF token."""


def get_core(request: Request) -> Aggregator:
    """Return the app's core."""
    core: Aggregator = request.app.state.core
    return core


def get_session(request: Request) -> SessionData:
    """Return the request's session (loaded by the session middleware)."""
    session: SessionData = request.state.session
    return session


def bearer_token(request: Request) -> str | None:
    """Return the API token an API call carries (``Authorization: Bearer``), None for none or a page.

    Pages never take a token: a token is for scripts, and a page is what a browser shows.
    """
    if not request.url.path.startswith("/api/"):
        return None
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def current_user(request: Request) -> UserView:
    """Return the logged-in user; raise NotLoggedIn without a live session (logged out, expired,
    revoked, ended by a new password) or when the user is gone.

    An API call with a bearer token is its token's user or nobody: the cookie is not looked at, so a
    wrong token never falls back to a browser's session (and its CSRF check).
    """
    cached: UserView | None = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    core = get_core(request)
    token = bearer_token(request)
    if token is not None:
        user_id = core.tokens.user_of(token)
    else:
        user_id = core.sessions.user_of(get_session(request).token or "")
    user = core.users.get(user_id) if user_id is not None else None
    if user is None:
        raise NotLoggedIn
    request.state.user = user
    return user


def require(permission: str) -> Callable[[UserView], UserView]:
    """Return a dependency giving the user, or raising Forbidden when their role lacks ``permission``."""

    def dependency(user: Annotated[UserView, Depends(current_user)]) -> UserView:
        if not user.can(permission):
            raise Forbidden(f"a {user.role} may not do this (needs {permission})")
        return user

    return dependency


async def check_csrf(request: Request) -> None:
    """Refuse a POST, PUT, PATCH or DELETE that does not carry the session's CSRF token.

    A call authenticated by an API token needs none: a browser never adds the Authorization header
    on its own, so another site cannot make it send one (and current_user ignores the cookie then).
    """
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    token: object = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if token is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        token = (await request.form()).get(CSRF_FIELD)
    expected = get_session(request).csrf
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected.encode()):
        raise CsrfRejected


CsrfCheck = Callable[[Request], Awaitable[None]]
