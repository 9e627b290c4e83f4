"""One frozen configuration, built from ``AGGREGATOR_*`` environment variables and passed explicitly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from aggregator.errors import ConfigError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


DEFAULT_SITE_URL = "http://localhost:8000/"


@dataclass(frozen=True, slots=True)
class Config:
    """Every setting the product reads; field ``x`` comes from ``AGGREGATOR_X``."""

    database_url: str = "sqlite:///aggregator.db"
    allow_private_networks: bool = False
    # Comma-separated addresses or networks (CIDR) that may be fetched although they are private,
    # e.g. one intranet feed host, without opening every private network.
    allowed_networks: str = ""
    # A replay server (``aggregator demo --serve-only``) that answers every fetch in its place, so
    # a crawl of the real URLs reads recorded pages and stores the real URLs; empty: the network.
    replay_url: str = ""
    user_agent: str = "aggregator/0.1 (+https://github.com/aggregator; curated knowledge base harvester)"
    fetch_timeout: float = 30.0
    fetch_retries: int = 2
    download_delay: float = 1.0
    concurrent_requests_per_host: int = 2
    max_page_bytes: int = 10 * 1024 * 1024
    max_feed_entries: int = 1000
    obey_robots_txt: bool = True
    extract_workers: int = max(1, os.cpu_count() or 1)
    extract_time_limit: float = 20.0
    # Longest Retry-After a crawl waits for; a source asking for more is retried on a later crawl.
    retry_after_max: float = 120.0
    guardian_api_key: str = ""
    # The Content API's free tier allows about one call a second.
    guardian_api_delay: float = 1.0
    # Consecutive failures after which a source is parked (probed daily until it answers again).
    park_after_failures: int = 8
    site_title: str = "Curated entries"
    # Left at this default, the app links its pages and feeds at the address it is served on.
    site_url: str = DEFAULT_SITE_URL
    # A folder of templates (base.html, index.html, topic.html, entry.html, style.css) that replace
    # the default topic page templates one by one.
    templates_dir: str = ""
    # The app's feeds carry the newest entries only; `aggregator export` writes every entry.
    feed_limit: int = 100
    log_level: str = "WARNING"
    # A shared Redis (redis://host:6379/0) turns crawling distributed: `aggregator crawl --distributed`
    # and the scheduler seed due sources into it and `aggregator worker` processes crawl them. Empty:
    # everything runs in one process, as before.
    redis_url: str = ""
    # Every Redis key starts with this, so several installations can share one Redis.
    redis_prefix: str = "aggregator"
    # Seconds a seeded round holds its sources; a source whose round did not finish by then (a worker
    # was killed holding its pages) is seeded again by the next round.
    round_lease: int = 3600
    # Seconds a crawl worker may go silent before what it held (jobs, requests, items on their way to
    # storage) is put back on the queues for the others: a worker killed outright costs minutes.
    worker_visibility_timeout: int = 120
    # Signs the curator app's session cookies; when empty, one is generated once and kept in the
    # database (table app_settings), so sessions survive restarts and every app process agrees.
    secret_key: str = ""
    # The knowledge base's WordPress, where `aggregator publish wordpress` writes each topic's page:
    # its address, the user, that user's application password (Users -> Profile -> Application
    # Passwords; kept in the environment only) and the id of the page the topic pages go under (0: none).
    wordpress_url: str = ""
    wordpress_user: str = ""
    wordpress_app_password: str = ""
    wordpress_parent: int = 0
    # Addresses of the reverse proxies whose X-Forwarded-For / -Proto the app believes (comma-separated
    # addresses or networks, or "*"); empty: none, every client is who its connection says.
    forwarded_allow_ips: str = ""
    # Published entries' links: the scheduler checks them every this many days (0: never; `aggregator
    # links check` any time), asking this many hosts at once; a link is gone after this many 404, 410
    # or unknown-host answers in a row.
    link_check_days: float = 7.0
    link_check_hosts: int = 4
    link_gone_after: int = 3

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Return the config described by ``environ`` (``os.environ`` when omitted)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            key = f"AGGREGATOR_{field.name.upper()}"
            if key in env:
                values[field.name] = _convert(key, env[key], field.type)
        return cls(**values)

    def with_overrides(self, **changes: Any) -> Config:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


def _convert(key: str, raw: str, type_name: object) -> Any:
    text = raw.strip()
    try:
        if type_name == "bool":
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(raw)
        if type_name == "int":
            return int(text)
        if type_name == "float":
            return float(text)
    except ValueError:
        raise ConfigError(f"{key}={raw!r} is not a valid {type_name}") from None
    return text
