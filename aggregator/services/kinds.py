"""The one table of source kinds: what each kind is, which spider reads it, how often, and its settings.

Adding a kind is one row here and one spider in ``spiders/``. A source's settings are checked against
its kind's row when the source is added or changed (a curator hears about a typo at once, not at
the next crawl), and spiders read them through the same row, so a default or a bound lives here only.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aggregator import dates
from aggregator.errors import InvalidInput
from aggregator.reader.imap import parse_address
from aggregator.reader.mail import MAX_MESSAGE_BYTES


class SettingType(enum.StrEnum):
    """What a setting holds; each has one reading, the same when saved and when crawled."""

    TEXT = "text"
    INT = "integer"
    BOOL = "yes / no"
    DATE = "ISO date"
    LIST = "list"
    URL = "URL"
    PATTERN = "regular expression"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of a kind of source."""

    name: str
    type: SettingType
    help: str
    default: Any = None
    lowest: int = 1
    highest: int = 10_000

    def read(self, raw: Any) -> Any:
        """Return ``raw`` as this setting's type (its default when empty); raise InvalidInput if unusable."""
        if raw is None or raw == "" or raw == []:
            return self.default
        reader = _READERS[self.type]
        try:
            return reader(self, raw)
        except (TypeError, ValueError) as exc:
            reason = str(exc) or f"must be {_ARTICLE[self.type]} {self.type.value}"
            raise InvalidInput(f"setting {self.name!r}: {reason}") from None


def _text(setting: Setting, raw: Any) -> str:
    if not isinstance(raw, str | int | float) or isinstance(raw, bool):
        raise TypeError("must be text")
    return str(raw).strip()


def _int(setting: Setting, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isascii():
        raise TypeError("must be a whole number")
    number = int(str(raw).strip())
    if not setting.lowest <= number <= setting.highest:
        raise ValueError(f"must be between {setting.lowest} and {setting.highest}")
    return number


def _bool(setting: Setting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    lowered = str(raw).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false")


def _date(setting: Setting, raw: Any) -> dt.datetime:
    # A setting may name a day ahead (start reading from then), so no future check here.
    found = dates.from_iso(raw, future_ok=True)
    if found is None:
        raise ValueError("must be an ISO date such as 2019-07-01")
    return found


def _list(setting: Setting, raw: Any) -> list[str]:
    values = raw if isinstance(raw, list) else str(raw).split(",")
    return [str(v).strip() for v in values if str(v).strip()]


def _url(setting: Setting, raw: Any) -> str:
    text = _text(setting, raw)
    if not re.match(r"^https?://[^/\s]+", text, re.IGNORECASE):
        raise ValueError("must be an http(s) URL")
    return text


def _pattern(setting: Setting, raw: Any) -> str:
    text = _text(setting, raw)
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"is not a regular expression ({exc})") from None
    return text


_READERS = {
    SettingType.TEXT: _text,
    SettingType.INT: _int,
    SettingType.BOOL: _bool,
    SettingType.DATE: _date,
    SettingType.LIST: _list,
    SettingType.URL: _url,
    SettingType.PATTERN: _pattern,
}
_ARTICLE = {t: "an" if t.value[0] in "aeiouIU" else "a" for t in SettingType}


@dataclass(frozen=True, slots=True)
class SourceKind:
    """A kind of source: its name, the spider that reads it, its default interval and its settings."""

    name: str
    spider: str  # the spider's class, by import path: services never import the spiders themselves
    interval: int  # seconds between crawls when all is well
    description: str
    settings: tuple[Setting, ...] = ()
    # A kind read over HTTP has an http(s) URL; a mailbox an imaps:// address.
    on_the_web: bool = True
    # Settings refused with a reason of their own (a password is never stored in the database).
    refused: tuple[tuple[str, str], ...] = ()

    def check_address(self, url: str) -> None:
        """Raise InvalidInput unless ``url`` is an address this (not web) kind can read."""
        if not self.on_the_web:
            parse_address(url)

    @property
    def all_settings(self) -> tuple[Setting, ...]:
        """Return the kind's own settings and those every kind has."""
        return (*self.settings, *COMMON_SETTINGS)

    def setting(self, name: str) -> Setting:
        """Return the setting ``name``; raise InvalidInput when this kind has none of that name."""
        for setting in self.all_settings:
            if setting.name == name:
                return setting
        known = ", ".join(s.name for s in self.all_settings)
        raise InvalidInput(f"a {self.name} source has no setting {name!r}; its settings: {known}")

    def check(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """Return ``settings`` with each value read as its type; raise InvalidInput on any bad one."""
        if not isinstance(settings, Mapping):
            raise InvalidInput("a source's settings are a JSON object")
        checked: dict[str, Any] = {}
        for name, raw in settings.items():
            for refused, reason in self.refused:
                if str(name).lower() == refused:
                    raise InvalidInput(f"setting {name!r}: {reason}")
            value = self.setting(str(name)).read(raw)
            if value is not None:
                # Stored as JSON: a date as the text it was given, the rest as read.
                checked[str(name)] = raw.strip() if isinstance(value, dt.datetime) else value
        return checked

    def value(self, settings: Mapping[str, Any], name: str) -> Any:
        """Return setting ``name`` of a stored source as its type, or its default."""
        return self.setting(name).read(settings.get(name))


# Every kind: how its entries are headed on published pages ("July 2019 Guardian article:").
COMMON_SETTINGS = (
    Setting("label", SettingType.TEXT, "the publisher's name in entry headings, e.g. Guardian"),
    Setting("label_suffix", SettingType.TEXT, "words after the label, e.g. (Click on Wales)"),
    Setting("entry_kind", SettingType.TEXT, "the word for its entries (default: article)"),
)

KINDS: dict[str, SourceKind] = {
    kind.name: kind
    for kind in (
        SourceKind("feed", "spiders.feed.FeedSpider", 3600, "an RSS 1.0/2.0, Atom or JSON Feed feed"),
        SourceKind(
            "guardian",
            "spiders.guardian.GuardianSpider",
            3600,
            "the Guardian's Content API (with a key), else the section or tag RSS feed",
            (
                Setting("from_date", SettingType.DATE, "only articles published since this day"),
                Setting("page_size", SettingType.INT, "results per API call", 50, 1, 200),
                Setting("max_pages", SettingType.INT, "API pages read per crawl", 5, 1, 100),
                Setting("rss", SettingType.URL, "the feed read without an API key"),
                Setting("q", SettingType.TEXT, "search words, where the URL gives none"),
                Setting("tag", SettingType.TEXT, "a Content API tag, e.g. politics/politics"),
                Setting("section", SettingType.TEXT, "a Content API section, e.g. politics"),
            ),
        ),
        SourceKind(
            "wordpress",
            "spiders.wordpress.WordPressSpider",
            3600,
            "a WordPress site: its REST API, else its /feed/",
            (
                Setting("per_page", SettingType.INT, "posts per API call", 20, 1, 100),
                Setting("max_pages", SettingType.INT, "API pages read per crawl", 5, 1, 100),
                Setting("categories", SettingType.LIST, "only posts of these category ids"),
                Setting("tags", SettingType.LIST, "only posts with these tag ids"),
            ),
        ),
        SourceKind(
            "listing",
            "spiders.listing.ListingSpider",
            86400,
            "a page listing articles, followed page by page",
            (
                Setting("links", SettingType.TEXT, "CSS selector of the article links"),
                Setting("links_xpath", SettingType.TEXT, "XPath of the article links (instead of links)"),
                Setting("next", SettingType.TEXT, "CSS selector of the next page's link"),
                Setting("next_xpath", SettingType.TEXT, "XPath of the next page's link (instead of next)"),
                Setting("max_pages", SettingType.INT, "listing pages read per crawl", 3, 1, 50),
                Setting("same_site", SettingType.BOOL, "ignore links to other hosts", True),
            ),
        ),
        SourceKind(
            "sitemap",
            "spiders.sitemap.SitemapSpider",
            86400,
            "a sitemap or news sitemap (and sitemap indexes)",
            (
                Setting("url_pattern", SettingType.PATTERN, "only URLs containing a match"),
                Setting("since", SettingType.DATE, "only URLs dated on or after this day"),
                Setting("since_days", SettingType.INT, "only the last N days (0: any)", 30, 0, 36_500),
                Setting("max_urls", SettingType.INT, "new URLs fetched per crawl", 200, 1, 10_000),
            ),
        ),
        SourceKind(
            "newsletter",
            "spiders.newsletter.NewsletterSpider",
            6 * 3600,
            "a newsletter: an archive feed of issues, or one issue's page, split into its stories",
            (Setting("stories", SettingType.TEXT, "CSS selector of the stories, where guessing fails"),),
        ),
        SourceKind(
            "mailbox",
            "spiders.mailbox.MailboxSpider",
            3600,
            "an IMAP folder where newsletters arrive (address imaps://USER@HOST/FOLDER); each message "
            "from an allowed sender is an issue split into its stories",
            (
                Setting("host", SettingType.TEXT, "the IMAP server (default: the address's)"),
                Setting(
                    "port",
                    SettingType.INT,
                    "its port (default: the address's, else 993 / 143)",
                    None,
                    1,
                    65535,
                ),
                Setting("tls", SettingType.BOOL, "TLS from the start (default: yes for imaps://)"),
                Setting("user", SettingType.TEXT, "the login (default: the address's)"),
                Setting("folder", SettingType.TEXT, "the folder read (default: the address's, else INBOX)"),
                Setting("password_env", SettingType.TEXT, "the environment variable holding the password"),
                Setting("password_file", SettingType.TEXT, "a file holding the password (instead)"),
                Setting("senders", SettingType.LIST, "allowed senders: addresses, or @domain (empty: all)"),
                Setting("mark_seen", SettingType.BOOL, "flag the messages read as seen", False),
                Setting(
                    "max_bytes",
                    SettingType.INT,
                    "larger messages are skipped",
                    MAX_MESSAGE_BYTES,
                    1000,
                    100_000_000,
                ),
                Setting("max_messages", SettingType.INT, "messages read per poll", 200, 1, 10_000),
            ),
            on_the_web=False,
            refused=(
                (
                    "password",
                    "a password is never stored: name an environment variable (password_env) or a "
                    "file (password_file) that holds it",
                ),
            ),
        ),
    )
}
DEFAULT_KIND = "feed"


def kind_of(name: str) -> SourceKind:
    """Return the kind ``name``; raise InvalidInput naming the known kinds otherwise."""
    found = KINDS.get(name)
    if found is None:
        raise InvalidInput(f"unknown source kind {name!r}; known kinds: {', '.join(KINDS)}")
    return found


def setting_of(kind: str, settings: Mapping[str, Any], name: str) -> Any:
    """Return setting ``name`` of a source of ``kind`` with ``settings``, typed, or its default."""
    try:
        return kind_of(kind).value(settings, name)
    except InvalidInput as exc:
        raise InvalidInput(f"{exc} (change it with `aggregator sources configure` or in the app)") from None
