"""The product's fixed vocabularies: an item's status, kind and content origin, a crawl run's status.

They are ``StrEnum``: stored and compared as the plain words, so rows and JSON read the same as before.
"""

from __future__ import annotations

import enum


class ItemStatus(enum.StrEnum):
    """Where an item stands with the curators."""

    NEW = "new"
    APPROVED = "approved"
    # A rejected item stays as a tombstone, so no crawl proposes it again.
    REJECTED = "rejected"


class ItemKind(enum.StrEnum):
    """What an item is."""

    ARTICLE = "article"
    NEWSLETTER = "newsletter"
    # Known only by its bullet in a newsletter issue; once its own page or API text is stored it is an
    # article (still linked to the issue).
    STORY = "story"


class ContentOrigin(enum.StrEnum):
    """Where an item's text came from."""

    API = "api"  # full text from the source's API
    ARTICLE = "article"  # extracted from the fetched page
    BULLET = "bullet"  # a newsletter story's bullet
    FEED = "feed"  # the page could not be fetched: the feed's text stands in until a retry succeeds


# Stand-in texts that the article page, once fetched, replaces.
UPGRADABLE_ORIGINS = (ContentOrigin.FEED, ContentOrigin.BULLET)


class RunStatus(enum.StrEnum):
    """Where a crawl run stands."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class EntryOrder(enum.StrEnum):
    """How a topic page runs its entries."""

    OLDEST = "oldest"  # the knowledge base's way
    NEWEST = "newest"
    MANUAL = "manual"  # the curator's own order (item_topics.position)
