"""WordPress eXtended RSS (WXR 1.2): one topic's approved entries as draft posts to import.

The knowledge base is a WordPress site; its importer (Tools > Import > WordPress) reads this file
and creates one draft per entry, filed under the topic's category, for an editor to publish.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from email.utils import format_datetime
from typing import BinaryIO

from lxml import etree

from aggregator import __version__
from aggregator.publish.entries import Entry, entry_html
from aggregator.publish.formats.base import FeedInfo
from aggregator.publish.sanitize import one_line

WXR_VERSION = "1.2"
NS = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
# WordPress's own exports give drafts this GMT date: the post is dated when an editor publishes it.
_FLOATING = "0000-00-00 00:00:00"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_FALLBACK_AUTHOR = "aggregator"


def write(entries: Iterable[Entry], info: FeedInfo, out: BinaryIO) -> int:
    """Write a WXR file of ``entries`` as draft posts in ``info.topic``'s category; return the count."""
    posts = list(entries)
    slug, name = info.topic or ("uncategorized", "Uncategorized")
    rss = etree.Element("rss", version="2.0", nsmap=NS)
    channel = etree.SubElement(rss, "channel")
    _text(channel, "title", info.title)
    _text(channel, "link", info.site_url)
    _text(channel, "description", info.subtitle or info.title)
    _text(channel, "pubDate", format_datetime(info.updated, usegmt=True))
    _text(channel, "language", "en")
    _wp(channel, "wxr_version", WXR_VERSION)
    _wp(channel, "base_site_url", info.base_url or info.site_url)
    _wp(channel, "base_blog_url", info.base_url or info.site_url)
    for number, login in enumerate(sorted({_author_login(e) for e in posts}), start=1):
        author = _wp(channel, "author")
        _wp(author, "author_id", str(number))
        _wp(author, "author_login", login)
        _wp(author, "author_email", "")
        _wp(author, "author_display_name", login)
    category = _wp(channel, "category")
    _wp(category, "term_id", "1")
    _wp(category, "category_nicename", slug)
    _wp(category, "category_parent", "")
    _wp(category, "cat_name", name)
    _text(channel, "generator", f"aggregator {__version__}")
    for entry in posts:
        _post(channel, entry, slug, name)
    out.write(etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return len(posts)


def _post(channel: etree._Element, entry: Entry, slug: str, name: str) -> None:
    item = etree.SubElement(channel, "item")
    _text(item, "title", entry.title)
    _text(item, "link", entry.link or "")
    dated = entry.item.reviewed_at or entry.updated
    _text(item, "pubDate", format_datetime(dated, usegmt=True))
    _text(item, f"{{{NS['dc']}}}creator", _author_login(entry))
    guid = _text(item, "guid", entry.id)
    guid.set("isPermaLink", "false")
    _text(item, "description", "")
    _text(item, f"{{{NS['content']}}}encoded", entry_html(entry))
    _text(item, f"{{{NS['excerpt']}}}encoded", entry.excerpt)
    _wp(item, "post_id", str(entry.item.id))
    _wp(item, "post_date", dated.strftime("%Y-%m-%d %H:%M:%S"))
    _wp(item, "post_date_gmt", _FLOATING)
    _wp(item, "post_modified", entry.updated.strftime("%Y-%m-%d %H:%M:%S"))
    _wp(item, "post_modified_gmt", entry.updated.strftime("%Y-%m-%d %H:%M:%S"))
    _wp(item, "comment_status", "closed")
    _wp(item, "ping_status", "closed")
    _wp(item, "post_name", _slug(entry.title))
    _wp(item, "status", "draft")
    _wp(item, "post_parent", "0")
    _wp(item, "menu_order", "0")
    _wp(item, "post_type", "post")
    _wp(item, "post_password", "")
    _wp(item, "is_sticky", "0")
    category = _text(item, "category", name)
    category.set("domain", "category")
    category.set("nicename", slug)
    meta = _wp(item, "postmeta")
    _wp(meta, "meta_key", "aggregator_source_url")
    _wp(meta, "meta_value", entry.link or entry.id)


def _author_login(entry: Entry) -> str:
    # The post's author is the curator who approved it; WordPress maps logins to its users on import.
    return _slug(entry.item.reviewed_by or "") or _FALLBACK_AUTHOR


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", one_line(text)).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:200]


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


def _wp(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS['wp']}}}{name}")
    if text is not None:
        element.text = text
    return element
