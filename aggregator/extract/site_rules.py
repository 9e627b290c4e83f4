"""Rules for the page structure of the platforms the default sources run on: the Guardian and WordPress.

Each rule recognises a platform by markup that the platform itself emits (never by host name, so a
mirror or a recorded copy is recognised too) and names the regions around the article that are never
part of its text. Selecting on the Guardian's hashed class names is avoided: they change with every
release, while its ``data-gu-name`` region names are stable.
"""

from __future__ import annotations

# The Guardian names the regions of an article page; only the standfirst and the body are the article.
_GUARDIAN_MARK = 'data-gu-name="body"'
# A live blog repeats its pinned post inside the feed of posts and lists its key events as cards
# above it: both would put the same text twice.
_GUARDIAN_PRUNE = (
    '//*[@data-gu-name and not(@data-gu-name="body" or @data-gu-name="standfirst")'
    ' and not(.//*[@data-gu-name="body"])]'
    '|//*[@data-gu-marker="pinned-post"]|//*[@id="key-events-carousel"]'
)

# WordPress core and its two most common plugins (Jetpack, Yoast) put sharing buttons, related posts,
# author boxes and post navigation next to or inside ``entry-content``.
_WORDPRESS_MARK = "entry-content"
_WORDPRESS_CLASSES = (
    "sharedaddy",
    "jp-relatedposts",
    "jetpack-likes-widget-wrapper",
    "wpcnt",
    "post-navigation",
    "comments-area",
    "comment-respond",
    "yoast-breadcrumbs",
    "wp-block-post-navigation-link",
)
# contains() on the raw attribute, not a token test: a token test (concat, normalize-space) builds a
# string per element of the page, and these names do not occur inside other class names.
_WORDPRESS_PRUNE = "//*[" + " or ".join(f'contains(@class, "{name}")' for name in _WORDPRESS_CLASSES) + "]"


def prune_xpaths(page: str) -> list[str]:
    """Return XPath expressions for the regions of ``page`` (HTML text) that its platform marks as not
    the article; the platform is recognised by plain substring search, far cheaper than in the tree."""
    found: list[str] = []
    if _GUARDIAN_MARK in page:
        found.append(_GUARDIAN_PRUNE)
    if _WORDPRESS_MARK in page:
        found.append(_WORDPRESS_PRUNE)
    return found
