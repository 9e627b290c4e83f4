"""Crawling on many machines: rounds seeded into a shared Redis, crawled by any number of workers.

A seeding round (``aggregator crawl --distributed`` or the scheduler) leases the due sources, opens a
crawl run and pushes one job per source into Redis; ``aggregator worker`` processes turn jobs into
requests on the shared scrapy-redis queue and store into the shared database. Redis keeps, per source
and round, the set of requests and items still open: the worker that closes the last one records the
source's health and validators, so a round that lost work (a killed worker) never stores validators
that would hide what it lost, and its source is seeded again once the round's lease lapses.
"""
