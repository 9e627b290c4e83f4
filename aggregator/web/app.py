"""The app factory: one core in, one FastAPI app out; no globals, so tests build as many as they like."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from aggregator.core import Aggregator
from aggregator.web.errors import install_error_handlers
from aggregator.web.headers import add_security_headers
from aggregator.web.password_gate import PasswordGate
from aggregator.web.published import published_routes
from aggregator.web.routes import api, auth, coverage, items, links, queue, runs, sources, topics
from aggregator.web.secret import session_secret
from aggregator.web.sessions import SessionCodec

_STATIC = Path(__file__).resolve().parent / "static"


def create_app(core: Aggregator) -> FastAPI:
    """Return the curator app over ``core``: pages, the JSON API, static files and the public feeds."""
    app = FastAPI(
        title="aggregator curator API",
        version="1",
        description="Review harvested items, manage topics and sources. Every call needs a session "
        "(log in at /login; state-changing calls then need the X-CSRF-Token header) or an API token "
        "(`aggregator users token NAME`) sent as `Authorization: Bearer <token>`.",
        # Served behind the session by the API router instead.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.core = core
    app.state.password_gate = PasswordGate()
    codec = SessionCodec(session_secret(core))
    # The public feeds and topic pages: no session, feed readers fetch them.
    app.include_router(published_routes(core))

    @app.middleware("http")
    async def _session_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request.state.session = codec.load(request)
        response = await call_next(request)
        codec.store(request, response, request.state.session)
        # What a logged-in curator sees (and the login form) is never cached; static files and the
        # public feeds may be.
        private = request.state.session.token is not None or request.url.path.startswith(("/api/", "/login"))
        add_security_headers(response, private=private)
        return response

    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    install_error_handlers(app)
    for module in (auth, queue, items, topics, sources, runs, links, coverage, api):
        app.include_router(module.router)
    return app
