"""Security headers on every response: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from starlette.responses import Response

# No inline script or style anywhere: harvested text that slipped through escaping still could not
# run, load a resource from elsewhere, or be framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def add_security_headers(response: Response, *, private: bool) -> None:
    """Set the headers every answer carries, unless a route set its own; never cache ``private`` ones."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Opening an original article tells its site nothing about the curator's queue; our own forms
    # still say which queue page they came from, so a bulk action returns to the same filters.
    headers.setdefault("Referrer-Policy", "same-origin")
    if private:
        response.headers["Cache-Control"] = "no-store"
