"""The errors the service layer raises; the CLI and web app turn them into messages at their boundary.

AggregatorError
 ├── ConfigError          a setting cannot be read
 ├── DatabaseNotReady     the database has no schema yet (run ``aggregator init``)
 ├── NotFound             a source, item or topic that does not exist
 ├── Conflict             something with that name or URL already exists
 ├── InvalidInput         a value a user gave is unusable (bad URL, bad OPML, bad status ...)
 ├── FetchError           a source could not be fetched or parsed
 │    ├── BlockedAddress  the URL resolves to a private or loopback address
 │    ├── HostNotFound    the URL's host name does not resolve (DNS)
 │    └── FeedError       the response is not a feed feedparser can read
 └── ExtractionError      a page could not be turned into an article (too large, no text)
"""

from __future__ import annotations


class AggregatorError(Exception):
    """Base of every error that should reach a user as one clear line."""


class ConfigError(AggregatorError):
    """A setting cannot be read."""


class DatabaseNotReady(AggregatorError):
    """The database has no schema yet."""


class NotFound(AggregatorError):
    """A source, item or topic that does not exist."""


class Conflict(AggregatorError):
    """Something with that name or URL already exists."""


class InvalidInput(AggregatorError):
    """A value a user gave is unusable."""


class FetchError(AggregatorError):
    """A source could not be fetched or parsed."""


class BlockedAddress(FetchError):
    """The URL resolves to a private, loopback or link-local address."""


class HostNotFound(FetchError):
    """The URL's host name does not resolve."""


class FeedError(FetchError):
    """The response is not a feed that can be read."""


class ExtractionError(AggregatorError):
    """A page could not be turned into an article."""


def brief(exc: BaseException | None) -> str:
    """Return an error as one short line: a database error's own first line, without the statement.

    SQLAlchemy's message carries the SQL and its parameters (a whole page's text, for an item);
    printed on stderr and kept in a run's summary it told nothing more and said too much.
    """
    if exc is None:
        return "unknown error"
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".rstrip(": ")
