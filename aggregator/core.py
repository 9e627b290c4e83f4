"""The core object: one config, one database, the services over them; built once, passed explicitly."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aggregator.config import Config
from aggregator.db import Database
from aggregator.migrations import current_revision, head_revision, upgrade
from aggregator.services.coverage import CoverageService
from aggregator.services.items import ItemService
from aggregator.services.links import LinkService
from aggregator.services.mailboxes import MailboxService
from aggregator.services.newsletters import NewsletterService
from aggregator.services.publishers import PublisherService
from aggregator.services.runs import RunService
from aggregator.services.scheduling import SchedulePolicy
from aggregator.services.sessions import SessionService
from aggregator.services.sources import SourceService
from aggregator.services.tokens import TokenService
from aggregator.services.topics import TopicService
from aggregator.services.users import UserService

if TYPE_CHECKING:
    from aggregator.reader.discovery import Discovered


class Aggregator:
    """What the CLI, the web app and the crawl pipelines share: config, database and services."""

    def __init__(self, config: Config, db: Database | None = None) -> None:
        self.config = config
        self.db = db or Database(config.database_url)
        self.sources = SourceService(
            self.db,
            SchedulePolicy(park_after=config.park_after_failures),
            discover=lambda url: _discover(url, config),
        )
        self.items = ItemService(self.db)
        self.newsletters = NewsletterService(self.items)
        self.mailboxes = MailboxService(self.db, self.newsletters)
        self.topics = TopicService(self.db)
        self.publishers = PublisherService(self.db)
        self.links = LinkService(self.db, gone_after=config.link_gone_after)
        self.coverage = CoverageService(self.db)
        self.runs = RunService(self.db)
        self.users = UserService(self.db)
        self.sessions = SessionService(self.db)
        self.tokens = TokenService(self.db)

    def init_db(self) -> tuple[str | None, str | None]:
        """Create or migrate the schema; return the revisions before and after. Safe to repeat."""
        before = current_revision(self.db.engine)
        upgrade(self.db.engine)
        return before, head_revision(self.db.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()


def _discover(url: str, config: Config) -> Discovered:
    # Imported when a page is looked at: httpx and feedparser stay out of every other command's start.
    from aggregator.reader.discovery import discover_feed

    return discover_feed(url, config)
