"""A published entry: an approved item with what the knowledge base prints around it.

The knowledge base heads every entry with when, which source and what kind ("July 2019 Guardian
article:", "From the Involve newsletter in August 2019:"), then the linked title, then the excerpt
(as a quotation when it is one), then, for a newsletter, its stories as bullets. Every string here is
already plain text and every link already filtered, so each format only has to escape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Any

from aggregator.enums import ItemKind
from aggregator.publish import markdown
from aggregator.publish.sanitize import clean_html, one_line, plain_text, safe_url, text_to_html
from aggregator.services.views import ItemView

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_OPENING_QUOTES = "\"“‘«„'"
_CLOSING_QUOTES = '"”’»'


@dataclass(frozen=True, slots=True)
class SourceLabel:
    """How a source is named in entry headings: its label, a suffix, and the word for its articles."""

    label: str
    suffix: str = ""
    article_word: str = "article"

    @classmethod
    def from_settings(cls, name: str, settings: dict[str, Any]) -> SourceLabel:
        """Return the label a source's settings ask for (``label``, ``label_suffix``, ``entry_kind``)."""
        label = one_line(_text_setting(settings, "label")) or one_line(name) or "Unknown source"
        suffix = one_line(_text_setting(settings, "label_suffix"))
        word = one_line(_text_setting(settings, "entry_kind")) or "article"
        return cls(label=label, suffix=suffix, article_word=word)


@dataclass(frozen=True, slots=True)
class Story:
    """One bullet of a newsletter entry, as the newsletter wrote it: title, text, link words, link."""

    text: str
    url: str | None
    title: str = ""
    link_words: str = ""

    @property
    def line(self) -> str:
        """Return the bullet as one line of plain text: "Title? Text" or "Title: Text"."""
        if not self.title or not self.text or self.text == self.title:
            return self.title or self.text
        return f"{self.title}{_separator(self.title)} {self.text}"

    def html(self) -> str:
        """Return the bullet's inner HTML: the title in bold, the link on the newsletter's own words."""
        link, words = self.url, self.link_words
        if not self.title or not self.text or self.text == self.title:
            whole = self.title or self.text
            return _linked(whole, words or whole, link)
        if link and words == self.title:
            head = f'<a href="{escape(link)}"><strong>{escape(self.title)}</strong></a>'
            body = escape(self.text)
        else:
            head = f"<strong>{escape(self.title)}</strong>"
            body = _linked(self.text, words, link)
        return f"{head}{escape(_separator(self.title))} {body}"


# What the link to an entry's other-language version says, in that language.
OTHER_LANGUAGE_LABELS = {"cy": "Darllen yn Gymraeg", "en": "Read in English"}


@dataclass(frozen=True, slots=True)
class OtherLanguage:
    """The entry's version in another language: where it is, and the words of the link to it."""

    language: str
    url: str

    @property
    def label(self) -> str:
        """Return the link's words, in the language it leads to ("Darllen yn Gymraeg")."""
        return OTHER_LANGUAGE_LABELS.get(self.language, f"Read in another language ({self.language})")


@dataclass(frozen=True, slots=True)
class Entry:
    """An item ready to publish in any format."""

    item: ItemView
    source: SourceLabel
    updated: dt.datetime
    stories: tuple[Story, ...] = ()
    # A newsletter issue's intro paragraphs, as the issue wrote them.
    intro: tuple[str, ...] = ()
    other_language: OtherLanguage | None = None

    @property
    def id(self) -> str:
        """Return the entry's stable id: its canonical URL, which never changes once stored."""
        return safe_url(self.item.canonical_url) or f"urn:aggregator:item:{self.item.id}"

    @property
    def title(self) -> str:
        """Return the title as one line of plain text."""
        return one_line(self.item.title) or self.link or self.id

    @property
    def page_title(self) -> str:
        """Return the title as topic pages print it: an issue's title opens its bullets with a colon."""
        title = self.title
        if self.item.kind == ItemKind.NEWSLETTER and (self.stories or self.intro):
            return f"{title}{_separator(title)}"
        return title

    @property
    def link(self) -> str | None:
        """Return the entry's link (an archived copy's, once a curator recorded one), or None when unsafe."""
        archived = safe_url(self.item.archived_url) if self.item.archived_url else None
        return archived or safe_url(self.item.url) or safe_url(self.item.canonical_url)

    @property
    def author(self) -> str:
        """Return the item's author, or the source's label when the item names none."""
        return one_line(self.item.author) or self.source.label

    @property
    def published(self) -> dt.datetime | None:
        """Return when the item was published, if known."""
        return self.item.published_at

    @property
    def excerpt(self) -> str:
        """Return the curator's excerpt, or the summary (a newsletter's summary is left out)."""
        if self.item.excerpt:
            return plain_text(self.item.excerpt).strip()
        if self.item.kind == ItemKind.NEWSLETTER:
            return ""
        return plain_text(self.item.summary).strip()

    @property
    def summary(self) -> str:
        """Return the excerpt, else the summary, for feeds' summary fields."""
        return self.excerpt or plain_text(self.item.summary).strip()

    @property
    def note(self) -> str:
        """Return the curator's note (small Markdown) as plain text: links as their words."""
        return markdown.to_text(self.item.curator_note)

    @property
    def is_quotation(self) -> bool:
        """Return whether the excerpt is a quotation (opens or closes with a quote mark)."""
        excerpt = self.excerpt
        return bool(excerpt) and (excerpt[0] in _OPENING_QUOTES or excerpt[-1] in _CLOSING_QUOTES)

    @property
    def heading(self) -> str:
        """Return the entry's heading, e.g. "July 2019 Guardian article:"."""
        when = self.published
        month_year = f"{MONTHS[when.month - 1]} {when.year}" if when else ""
        label = self.source.label
        suffix = f" {self.source.suffix}" if self.source.suffix else ""
        if self.item.kind == ItemKind.NEWSLETTER:
            # "Involve newsletter" or "Involve newsletter (demo)" already say it.
            name = label if "newsletter" in label.lower() else f"{label} newsletter"
            return f"From the {name}{suffix} in {month_year}:" if when else f"From the {name}{suffix}:"
        word = one_line(self.item.entry_word) or (
            "story" if self.item.kind == ItemKind.STORY else self.source.article_word
        )
        return " ".join(part for part in (month_year, label, f"{word}{suffix}:") if part)

    @property
    def topics(self) -> tuple[str, ...]:
        """Return the slugs of the topics a curator put the entry on."""
        return self.item.topics

    def content_html(self) -> str:
        """Return the entry's body as sanitized HTML: excerpt, note, and a newsletter's stories."""
        parts = []
        if self.excerpt:
            body = text_to_html(self.excerpt)
            parts.append(f"<blockquote>{body}</blockquote>" if self.is_quotation else body)
        if self.note:
            parts.append(markdown.to_html(self.note))
        parts.extend(f"<p>{escape(p)}</p>" for p in self.intro)
        if self.stories:
            parts.append("<ul>" + "".join(f"<li>{s.html()}</li>" for s in self.stories) + "</ul>")
        other = self.other_language
        if other is not None:
            code, url = escape(other.language), escape(other.url)
            parts.append(f'<p><a href="{url}" hreflang="{code}">{escape(other.label)}</a></p>')
        return clean_html("".join(parts))

    def content_text(self) -> str:
        """Return the entry's body as plain text."""
        parts = [p for p in (self.excerpt, self.note) if p]
        parts.extend(self.intro)
        parts.extend(f"* {s.line}" + (f" ({s.url})" if s.url else "") for s in self.stories)
        if self.other_language is not None:
            parts.append(f"{self.other_language.label}: {self.other_language.url}")
        return "\n\n".join(parts)


def story_of(item: ItemView) -> Story:
    """Return a story item as a bullet, for an issue stored before issues kept their own bullets."""
    text = one_line(item.excerpt) or one_line(item.title) or "(untitled story)"
    return Story(text=text, url=safe_url(item.url) or safe_url(item.canonical_url))


def bullets_of(item: ItemView) -> tuple[Story, ...]:
    """Return the issue's own bullets that no curator hid, as the newsletter wrote them."""
    stories = []
    for bullet in item.bullets:
        if bullet.get("hidden"):
            continue
        title = one_line(_text_setting(bullet, "title"))
        text = one_line(_text_setting(bullet, "text"))
        if not (title or text):
            continue
        url = safe_url(_text_setting(bullet, "url"))
        words = one_line(_text_setting(bullet, "link_words"))
        stories.append(Story(text=text, url=url, title=title, link_words=words))
    return tuple(stories)


def intro_of(item: ItemView) -> tuple[str, ...]:
    """Return an issue's intro paragraphs as plain text."""
    return tuple(p for p in (one_line(x) for x in item.issue_intro.split("\n\n")) if p)


def _separator(title: str) -> str:
    # "Could it happen? Last week..." but "Six things I learnt: Just before...".
    return "" if title[-1:] in "?!:." else ":"


def _linked(text: str, words: str, url: str | None) -> str:
    """Return ``text`` escaped, its last occurrence of ``words`` linked to ``url``."""
    at = text.rfind(words) if words and url else -1
    if at < 0 or url is None:
        return escape(text)
    before, after = text[:at], text[at + len(words) :]
    return f'{escape(before)}<a href="{escape(url)}">{escape(words)}</a>{escape(after)}'


def _text_setting(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    return value if isinstance(value, str) else ""


def entry_html(entry: Entry) -> str:
    """Return the entry as the knowledge base prints it: heading, linked title, excerpt, stories."""
    title = escape(entry.page_title)
    linked = f'<a href="{escape(entry.link)}">{title}</a>' if entry.link else title
    return clean_html(f"<p><strong>{escape(entry.heading)}</strong><br>{linked}</p>{entry.content_html()}")
