"""Logging in and out: argon2-checked passwords, throttled failures, a fresh session on success."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aggregator.services.login_throttle import LoginThrottle
from aggregator.web.deps import check_csrf, get_core, get_session
from aggregator.web.errors import TooManyAttempts
from aggregator.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


def _local(target: str) -> str:
    # Only a path on this site: "//evil.example", "/\\evil.example" (browsers read it as "//") or
    # "https://..." would make the login an open redirect.
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/queue"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/queue") -> Response:
    """Return the login form."""
    return render(request, "login.html", {"next": _local(next), "name": ""})


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Start a session for a good name and password; count a bad one; refuse after too many."""
    core = get_core(request)
    throttle = LoginThrottle(core.db)
    address = request.client.host if request.client else "unknown"
    if throttle.blocked(name, address):
        raise TooManyAttempts
    user = core.users.authenticate(name, password)
    if user is None:
        throttle.failed(name, address)
        context = {"next": _local(next), "name": name, "error": "Wrong name or password."}
        return render(request, "login.html", context, status_code=401)
    throttle.succeeded(name, address)
    get_session(request).login(user.id, user.stamp)
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session."""
    get_session(request).logout()
    return RedirectResponse("/login", status_code=303)
