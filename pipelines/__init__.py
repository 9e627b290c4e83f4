"""Scrapy item pipelines: extraction, then storage through the service layer."""
