"""Reader: a source's own documents read into entries.

Feeds (and the plain RSS fast path), OPML, newsletter issues split into stories, feed discovery.
"""
