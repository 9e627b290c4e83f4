"""Services: every rule about sources, items, topics, users and crawl runs.

The CLI, the web app and the Scrapy pipelines call these and decide nothing on their own.
"""
