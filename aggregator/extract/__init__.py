"""Extract: one fetched page to an ``Extracted`` (text, title, author, date, language) and its worker pool.

Importing this package imports nothing heavy: ``page`` (trafilatura) and ``language`` (the language
model) are loaded by the extraction workers, so the crawl process stays light.
"""
