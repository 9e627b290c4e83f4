"""Crawl: running a crawl with Scrapy.

Its settings and downloader middlewares, politeness, the guarded resolver, the scheduler, and
distributed/ (rounds and workers over Redis). The spiders themselves live in ``spiders/``.
"""
