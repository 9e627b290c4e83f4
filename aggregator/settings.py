"""Scrapy settings, derived from the product's Config so ``scrapy crawl`` and the CLI crawl alike."""

from __future__ import annotations

from typing import Any

from aggregator.config import Config

BOT_NAME = "aggregator"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"


def scrapy_settings(config: Config) -> dict[str, Any]:
    """Return the Scrapy settings for ``config``."""
    return {
        "BOT_NAME": BOT_NAME,
        "SPIDER_MODULES": SPIDER_MODULES,
        "NEWSPIDER_MODULE": NEWSPIDER_MODULE,
        "USER_AGENT": config.user_agent,
        "ROBOTSTXT_OBEY": config.obey_robots_txt,
        "DOWNLOAD_TIMEOUT": config.fetch_timeout,
        "DOWNLOAD_MAXSIZE": config.max_page_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_DELAY": config.download_delay,
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": config.concurrent_requests_per_host,
        "AUTOTHROTTLE_ENABLED": config.download_delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(config.download_delay, 0.1),
        "RETRY_ENABLED": config.fetch_retries > 0,
        "RETRY_TIMES": config.fetch_retries,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": config.log_level.upper(),
        "REDIRECT_MAX_TIMES": 5,
        "DOWNLOADER_MIDDLEWARES": {"spiders.middlewares.AddressGuardMiddleware": 50},
        "ITEM_PIPELINES": {
            "pipelines.extract.ExtractPipeline": 300,
            "pipelines.store.StorePipeline": 900,
        },
        "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": config.allow_private_networks,
        "AGGREGATOR_MAX_PAGE_BYTES": config.max_page_bytes,
    }


# `scrapy crawl <spider>` from the project root reads this module as its settings; the values come
# from the same AGGREGATOR_* variables the CLI reads.
globals().update(scrapy_settings(Config.from_env()))
