"""Errors become answers here, at the boundary: JSON for /api/, a page or a redirect for browsers."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from aggregator.errors import AggregatorError, BlockedAddress, Conflict, FetchError, InvalidInput, NotFound
from aggregator.web.deps import CsrfRejected, Forbidden, NotLoggedIn, get_session
from aggregator.web.templating import render


class TooManyAttempts(Exception):
    """Too many login attempts for this name or from this address, or too many at once."""


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _status(exc: AggregatorError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, InvalidInput | BlockedAddress):
        return 422
    if isinstance(exc, FetchError):
        return 502
    return 400


def back_to(request: Request, fallback: str = "/queue") -> str:
    """Return the same-site page the request came from, else ``fallback``."""
    try:
        referer = urlsplit(request.headers.get("referer", ""))
    except ValueError:  # a malformed header is no page to go back to
        return fallback
    if referer.netloc and referer.netloc != request.url.netloc:
        return fallback
    if not referer.path.startswith("/") or referer.path.startswith("//"):
        return fallback
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _problem(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html", {"status": status, "message": message}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Register how each error reaches the caller."""

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, _exc: NotLoggedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "login required"}, status_code=401)
        target = request.url.path if request.method == "GET" else "/queue"
        if request.url.query and request.method == "GET":
            target += f"?{request.url.query}"
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return _problem(request, 403, str(exc))

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, _exc: CsrfRejected) -> Response:
        return _problem(request, 403, "missing or wrong CSRF token: reload the page and try again")

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, _exc: TooManyAttempts) -> Response:
        return _problem(request, 429, "too many logins from here: wait a few minutes and try again")

    @app.exception_handler(AggregatorError)
    async def _service_error(request: Request, exc: AggregatorError) -> Response:
        if not _is_api(request) and request.method == "POST":
            # A form that could not be applied: back to where it was, saying why.
            get_session(request).say(f"Not done: {exc}")
            return RedirectResponse(back_to(request), status_code=303)
        return _problem(request, _status(exc), str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _problem(request, exc.status_code, str(exc.detail))
