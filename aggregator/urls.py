"""Canonical URLs: the identity of an item, so the same article linked two ways is stored once."""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from aggregator.errors import InvalidInput

_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid", "igshid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters no host name holds (white space, controls, and what would end or escape the authority).
_BAD_HOST = re.compile(r"[\x00-\x20\x7f<>\"{}|\\^`%]")
MESSAGE_SCHEME = "mid:"
_MESSAGE_URL = re.compile(r"mid:[A-Za-z0-9%._~!$&'()*+,;=:@-]{1,1990}")
_SECRET_PARAMS = frozenset({"api-key", "api_key", "apikey", "key", "token", "access_token"})


def canonical_url(url: str, base: str | None = None) -> str:
    """Return ``url`` (resolved against ``base``) with host lower-cased, no fragment, no tracking.

    A ``mid:`` URL (RFC 2392: a mail message by its Message-ID) is its own canonical form: a
    newsletter that came only by email has no web address, and its Message-ID is its identity.
    """
    if url.startswith(MESSAGE_SCHEME) and _MESSAGE_URL.fullmatch(url):
        return url
    parts, port = _split(url, base)
    if parts is None:
        raise InvalidInput(f"not an http(s) URL: {url!r}")
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_PARAMS


def message_url(message_id: str) -> str:
    """Return the ``mid:`` URL of a mail message from its Message-ID (angle brackets dropped)."""
    return MESSAGE_SCHEME + quote(message_id.strip().strip("<>"), safe="!$&'()*+,;=:@._~-")


def is_http_url(url: str) -> bool:
    """Return True when ``url`` is an absolute http or https URL with a well-formed host and port."""
    return _split(url)[0] is not None


def absolute_http(link: str, base: str) -> str | None:
    """Return ``link`` resolved against ``base`` when that is a well-formed http(s) URL, else None."""
    try:
        absolute = urljoin(base, link.strip())
    except ValueError:  # urljoin splits both, and raises on a bracket left open
        return None
    return absolute if is_http_url(absolute) else None


def host_of(url: str) -> str:
    """Return the lower-cased host of an http(s) URL, or "" when it has none or is malformed."""
    parts, _ = _split(url)
    return (parts.hostname or "").lower() if parts is not None else ""


def _split(url: str, base: str | None = None) -> tuple[SplitResult | None, int | None]:
    """Return the parts and port of an absolute http(s) URL, or (None, None) for anything else.

    urlsplit raises ValueError for a bracket left open or a port out of range, and accepts a host
    with spaces or control characters; one such link in a feed must cost its entry, not the feed.
    """
    try:
        absolute = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(absolute)
        port = parts.port
    except ValueError:
        return None, None
    host = parts.hostname or ""
    if parts.scheme.lower() not in _DEFAULT_PORTS or not host or _BAD_HOST.search(host):
        return None, None
    return parts, port


def without_secrets(url: str) -> str:
    """Return ``url`` with API keys and tokens in its query replaced by ``***``, for logs and errors."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs, safe="*"), parts.fragment))
