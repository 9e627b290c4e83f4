"""Reading a newsletter issue as it was written: its intro paragraphs and its stories' bullets.

An issue (a Mailchimp email, or the same newsletter republished as a web post) opens with a paragraph
or two, then lists several stories. A story's bullet has a title (its bold lead, or its link when the
bullet opens with it), a text, and the words of its link, which may be the title ("Why do they work?")
or words at the end ("Watch/Read Sarah's Q&A"). The three are kept apart, so a topic page prints the
bullet as the newsletter did. Everything that is chrome (unsubscribe, preferences, "view in browser",
social buttons, the site's own menus) is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from aggregator.records import json_record
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


_LEAD_TAGS = frozenset({"strong", "b", "h3", "h4"})


@dataclass(frozen=True, slots=True)
class Story:
    """One story of an issue: where it links, its title, the rest of its bullet, and its link's words."""

    url: str
    title: str
    text: str
    link_words: str = ""

    def as_bullet(self) -> dict[str, Any]:
        """Return the story as its issue stores it (``items.bullets``), not hidden."""
        return json_record(self, extra={"hidden": False})


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue as written: the paragraphs before its first story, and its stories in order."""

    intro: tuple[str, ...]
    stories: tuple[Story, ...]


def split_stories(html: str, base_url: str, selector: str | None = None) -> list[Story]:
    """Return the stories of an issue, in order, each link once; ``selector`` picks the story units."""
    return list(read_issue(html, base_url, selector).stories)


def read_issue(html: str, base_url: str, selector: str | None = None) -> Issue:
    """Return the issue's intro paragraphs and stories; ``selector`` picks the story units."""
    try:
        root = lxml_html.fromstring(html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return Issue((), ())
    if root is None:
        return Issue((), ())
    units = _units(root, selector)
    stories: list[Story] = []
    seen: set[str] = {base_url}
    first_story: Any = None
    for unit in units:
        story = _story(unit, base_url)
        if story is not None and story.url not in seen:
            seen.add(story.url)
            stories.append(story)
            first_story = unit if first_story is None else first_story
    intro = _intro(root, first_story) if first_story is not None and selector is None else ()
    return Issue(intro=intro, stories=tuple(stories))


def _intro(root: Any, first_story: Any) -> tuple[str, ...]:
    """Return the paragraphs of the issue's content that come before its first story."""
    blocks = root.cssselect(".mcnTextContent") or next(
        (found[:1] for area in _CONTENT_AREAS if (found := root.cssselect(area))), [root]
    )
    paragraphs: list[str] = []
    for block in blocks:
        for element in block.iter("p", "li"):
            if element is first_story or first_story in element.iterancestors():
                return tuple(paragraphs)
            if first_story in element.iterdescendants():
                return tuple(paragraphs)
            text = " ".join(element.text_content().split())
            if element.tag == "p" and text and not _CHROME_WORDS.search(text):
                paragraphs.append(text)
    return tuple(paragraphs)


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
        words = " ".join(link.text_content().split())
        if not is_http_url(href) or not words or _is_chrome(href, words):
            continue
        text = " ".join(unit.text_content().split())
        if _CHROME_WORDS.search(text) and len(text) < 2 * len(words) + 40:
            return None
        lead = _lead(unit)
        title = lead if lead and text.startswith(lead) else words if text.startswith(words) else ""
        if not title:
            # A bullet with no title of its own: its whole text, with its link somewhere inside.
            return Story(url=href, title="", text=text, link_words=words)
        rest = text[len(title) :].lstrip(_SEPARATORS)
        return Story(url=href, title=title, text=rest or title, link_words=words)
    return None


def _lead(unit: Any) -> str:
    """Return the bold words a bullet opens with (its title), or "" when it opens otherwise."""
    if (unit.text or "").strip():
        return ""
    first = next(iter(unit), None)
    if first is None or not isinstance(first.tag, str) or first.tag not in _LEAD_TAGS:
        return ""
    return " ".join(first.text_content().split())


def _is_chrome(href: str, title: str) -> bool:
    host = host_of(href)
    # A mailer's click-tracking link leads to a story (the target is on the mailer's server): only
    # the mailer's own pages (unsubscribe, preferences, archive) are chrome.
    tracked = host.endswith("list-manage.com") and "/track/click" in href
    return (bool(_CHROME_HOSTS.search(host)) and not tracked) or bool(_CHROME_WORDS.search(title))
