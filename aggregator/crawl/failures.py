"""One line for a failed request, the way a curator reading the crawl summary needs it."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionLost, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from aggregator.errors import AggregatorError


def describe(failure: Failure, timeout: float) -> str:
    """Return why a request failed, in a few words."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        location = exc.response.headers.get(b"Location")
        if 300 <= status < 400 and location:
            # Scrapy follows only http(s) redirects; say where this one wanted to go.
            target = location.decode("latin-1")[:200]
            return f"HTTP {status}: redirect to {target} not followed (only http and https are)"
        return f"HTTP {status}"
    if isinstance(exc, DownloadTimeoutError | TimeoutError | TCPTimedOutError):
        return f"timed out after {timeout:g}s"
    if isinstance(exc, CannotResolveHostError):
        return "host name not found"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ResponseDataLossError | ResponseNeverReceived | ResponseFailed | ConnectionLost):
        return "connection lost before the response was complete"
    if isinstance(exc, DownloadCancelledError):
        return "response larger than the download size limit"
    if isinstance(exc, UnsupportedURLSchemeError):
        return f"unsupported URL scheme ({exc})"
    if isinstance(exc, IgnoreRequest):
        reason = str(exc) or "request dropped"
        if "DOWNLOAD_MAXSIZE" in reason:
            decompressing = "during decompression" in reason
            return "response larger than the download size limit" + (
                " once decompressed" if decompressing else ""
            )
        return "forbidden by robots.txt" if reason == "Forbidden by robots.txt" else reason
    if isinstance(exc, DownloadFailedError | AggregatorError):
        return str(exc)
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
