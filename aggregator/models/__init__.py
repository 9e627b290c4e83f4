"""The stored shapes: sources, items, topics, users, crawl runs and the audit trail of item events.

One module a group of tables; everything is re-exported here, so `from aggregator.models import Item`
keeps working and the mapper sees every table once the package is imported.
"""

from aggregator.models.activity import ApiToken, AppSetting, ItemEvent, LoginAttempt, LoginSession, User
from aggregator.models.base import (
    CONTENT_ORIGINS,
    ITEM_KINDS,
    ITEM_STATUSES,
    RUN_STATUSES,
    Base,
    UTCDateTime,
    utcnow,
)
from aggregator.models.content import (
    Item,
    ItemAlternate,
    ItemSketch,
    ItemTopic,
    LinkCheck,
    Publisher,
    Source,
    Topic,
)
from aggregator.models.outlets import MailMessage, WordPressPage
from aggregator.models.runs import CrawlRun, CrawlRunSource

__all__ = [
    "CONTENT_ORIGINS",
    "ITEM_KINDS",
    "ITEM_STATUSES",
    "RUN_STATUSES",
    "ApiToken",
    "AppSetting",
    "Base",
    "CrawlRun",
    "CrawlRunSource",
    "Item",
    "ItemAlternate",
    "ItemEvent",
    "ItemSketch",
    "ItemTopic",
    "LinkCheck",
    "LoginAttempt",
    "LoginSession",
    "MailMessage",
    "Publisher",
    "Source",
    "Topic",
    "UTCDateTime",
    "User",
    "WordPressPage",
    "utcnow",
]
