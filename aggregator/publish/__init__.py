"""Publish: approved entries as topic pages, feeds and data files.

``service`` streams entries out of the database, ``entries`` is what a published entry says,
``sanitize`` is the one sanitizer, and ``formats/`` holds one module per format and their registry.
"""
