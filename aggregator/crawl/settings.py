"""Scrapy settings, derived from the product's Config so ``scrapy crawl`` and the CLI crawl alike."""

from __future__ import annotations

from typing import Any

from aggregator.config import Config

BOT_NAME = "aggregator"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# The download slot every Guardian Content API call shares, so its rate limit holds across sources.
GUARDIAN_API_SLOT = "guardian-content-api"


REPLAY_HANDLER = "aggregator.crawl.replay.ReplayDownloadHandler"


def scrapy_settings(config: Config) -> dict[str, Any]:
    """Return the Scrapy settings for ``config``."""
    return {
        "BOT_NAME": BOT_NAME,
        "SPIDER_MODULES": SPIDER_MODULES,
        "NEWSPIDER_MODULE": NEWSPIDER_MODULE,
        "USER_AGENT": config.user_agent,
        "ROBOTSTXT_OBEY": config.obey_robots_txt,
        "DOWNLOAD_TIMEOUT": config.fetch_timeout,
        # Every fetch answered by a replay server instead of the network (the offline demo).
        **(
            {"DOWNLOAD_HANDLERS": dict.fromkeys(("http", "https"), REPLAY_HANDLER)}
            if config.replay_url
            else {}
        ),
        "DOWNLOAD_MAXSIZE": config.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_DELAY": config.download_delay,
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        # At least the per-host figure: a bulk crawl of one site asking for 64 at once gets 64.
        "CONCURRENT_REQUESTS": max(16, config.concurrent_requests_per_host),
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrent_requests_per_host,
        # Scrapy starts this many tasks for every response, whatever it yields: 100 by default, a
        # sixth of a bulk crawl's CPU, while a page yields one item and a feed's requests are cheap.
        "CONCURRENT_ITEMS": 16,
        # Scrapy stops downloading while the responses being processed weigh more than this (5 MB
        # by default): about 55 news pages, of which up to 32 wait for their storage batch, which
        # left the extraction workers waiting for pages in a bulk crawl.
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 20_000_000,
        "AUTOTHROTTLE_ENABLED": config.download_delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(config.download_delay, 0.1),
        "RETRY_ENABLED": config.fetch_retries > 0,
        "RETRY_TIMES": config.fetch_retries,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": config.log_level.upper(),
        "REDIRECT_MAX_TIMES": 5,
        # Resolves names for the connections themselves, dropping private addresses (DNS rebinding).
        "DNS_RESOLVER": "aggregator.crawl.resolver.GuardedResolver",
        "DOWNLOADER_MIDDLEWARES": {
            # Replayed fetches go to the replay server and nowhere else: no address to guard.
            "aggregator.crawl.middlewares.AddressGuardMiddleware": None if config.replay_url else 50,
            # Scrapy's own treats an unreachable robots.txt as "allow all"; ours as "disallow".
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "aggregator.crawl.middlewares.StrictRobotsTxtMiddleware": 100,
            # Above RetryMiddleware (550), so a 429 / 503 with Retry-After is waited out here first.
            "aggregator.crawl.middlewares.RetryAfterMiddleware": 560,
            # Scrapy's own raises on a refresh to mailto: (and the page is lost); ours reads the page.
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "aggregator.crawl.middlewares.HttpMetaRefreshMiddleware": 580,
            # Byte and status counters nobody reads (a run's own tally is what the product keeps).
            "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
        },
        # Link depth is not a limit here (sitemaps bound their own nesting): its bookkeeping ran on
        # every request a page or a feed yields.
        "SPIDER_MIDDLEWARES": {"scrapy.spidermiddlewares.depth.DepthMiddleware": None},
        "ITEM_PIPELINES": {
            "pipelines.canonical.CanonicalPipeline": 100,
            "pipelines.dedup.DedupPipeline": 200,
            "pipelines.extract.ExtractPipeline": 300,
            "pipelines.excerpts.ExcerptPipeline": 400,
            "pipelines.topics.TopicPipeline": 500,
            "pipelines.store.StorePipeline": 900,
        },
        "DOWNLOAD_SLOTS": {
            GUARDIAN_API_SLOT: {
                "concurrency": 1,
                "delay": config.guardian_api_delay,
                "randomize_delay": False,
            }
        },
        "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": config.allow_private_networks,
        "AGGREGATOR_ALLOWED_NETWORKS": config.allowed_networks,
        "AGGREGATOR_REPLAY_URL": config.replay_url,
        "AGGREGATOR_MAX_PAGE_BYTES": config.max_page_bytes,
        "AGGREGATOR_MAX_FEED_ENTRIES": config.max_feed_entries,
        "AGGREGATOR_RETRY_AFTER_MAX": config.retry_after_max,
        "AGGREGATOR_GUARDIAN_API_KEY": config.guardian_api_key,
    }


# `scrapy crawl <spider>` from the project root reads this module as its settings; the values come
# from the same AGGREGATOR_* variables the CLI reads.
globals().update(scrapy_settings(Config.from_env()))
