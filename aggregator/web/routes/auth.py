"""Logging in and out: argon2-checked passwords, throttled failures, a fresh session on success."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aggregator.services.login_throttle import LoginThrottle
from aggregator.web.deps import check_csrf, get_core, get_session
from aggregator.web.errors import TooManyAttempts
from aggregator.web.password_gate import GateFull, PasswordGate
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
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/queue",
) -> Response:
    """Start a session for a good name and password; refuse past the throttle or when the gate is full."""
    core = get_core(request)
    throttle = LoginThrottle(core.db)
    address = request.client.host if request.client else "unknown"
    if not await run_in_threadpool(throttle.admit, name, address):
        raise TooManyAttempts
    gate: PasswordGate = request.app.state.password_gate
    try:
        user = await gate.run(core.users.authenticate, name, password)
    except GateFull:
        raise TooManyAttempts from None
    if user is None:
        context = {"next": _local(next), "name": name, "error": "Wrong name or password."}
        return render(request, "login.html", context, status_code=401)
    agent = request.headers.get("user-agent", "")
    await run_in_threadpool(throttle.succeeded, name, address)
    token = await run_in_threadpool(core.sessions.start, user.id, address=address, user_agent=agent)
    get_session(request).login(token)
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session, for every copy of its cookie."""
    session = get_session(request)
    get_core(request).sessions.end(session.token or "")
    session.logout()
    return RedirectResponse("/login", status_code=303)
