"""Splitting a newsletter issue into its stories: each linked bullet becomes a candidate of its own.

An issue (a Mailchimp email, or the same newsletter republished as a web post) lists several stories,
each a link followed by a sentence or two. Each becomes a story whose excerpt is that bullet's text.
Everything that is chrome (unsubscribe, preferences, "view in browser", social buttons, the site's
own menus) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from aggregator.urls import absolute_http, host_of, is_http_url

_PARSER = lxml_html.HTMLParser(remove_comments=True, no_network=True, huge_tree=False, encoding="utf-8")
_CHROME_HOSTS = re.compile(
    r"(^|\.)(facebook\.com|twitter\.com|x\.com|linkedin\.com|instagram\.com|youtube\.com|mailchimp\.com|"
    r"list-manage\.com|campaign-archive\.com|mailchi\.mp)$",
    re.IGNORECASE,
)
_CHROME_WORDS = re.compile(
    r"unsubscribe|update (your )?preferences|view (this email )?in (your )?browser|forward to a friend|"
    r"subscribe|sign up|privacy policy|follow us|share on|manage your",
    re.IGNORECASE,
)
_SEPARATORS = " \t\n:–—-|·"
# Where a republished issue keeps its own content, most specific first.
_CONTENT_AREAS = (
    ".field--name-body",
    ".entry-content",
    ".post-content",
    "article",
    "main",
    "body",
)


@dataclass(frozen=True, slots=True)
class Story:
    """One story of an issue: where it links, its title (the link text) and its bullet's text."""

    url: str
    title: str
    text: str


def split_stories(html: str, base_url: str, selector: str | None = None) -> list[Story]:
    """Return the stories of an issue, in order, each link once; ``selector`` picks the story units."""
    try:
        root = lxml_html.fromstring(html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return []
    if root is None:
        return []
    units = _units(root, selector)
    stories: list[Story] = []
    seen: set[str] = {base_url}
    for unit in units:
        story = _story(unit, base_url)
        if story is not None and story.url not in seen:
            seen.add(story.url)
            stories.append(story)
    return stories


def _units(root: Any, selector: str | None) -> list[Any]:
    if selector:
        return list(root.cssselect(selector))
    blocks = root.cssselect(".mcnTextContent")
    if not blocks:
        blocks = next((found for area in _CONTENT_AREAS if (found := root.cssselect(area))), [root])[:1]
    units: list[Any] = []
    for block in blocks:
        items = block.cssselect("li")
        units.extend(items if items else block.cssselect("p"))
    return units


def _story(unit: Any, base_url: str) -> Story | None:
    for link in unit.iter("a"):
        href = absolute_http(link.get("href") or "", base_url) or ""
        title = " ".join(link.text_content().split())
        if not is_http_url(href) or not title or _is_chrome(href, title):
            continue
        text = " ".join(unit.text_content().split())
        if _CHROME_WORDS.search(text) and len(text) < 2 * len(title) + 40:
            return None
        rest = text[len(title) :].lstrip(_SEPARATORS) if text.startswith(title) else text
        return Story(url=href, title=title, text=rest or title)
    return None


def _is_chrome(href: str, title: str) -> bool:
    host = host_of(href)
    # A mailer's click-tracking link leads to a story (the target is on the mailer's server): only
    # the mailer's own pages (unsubscribe, preferences, archive) are chrome.
    tracked = host.endswith("list-manage.com") and "/track/click" in href
    return (bool(_CHROME_HOSTS.search(host)) and not tracked) or bool(_CHROME_WORDS.search(title))
