"""A generated news site: article pages of a few KB with the usual chrome, section feeds and sitemaps.

Everything is built in memory at start, deterministically from the page count, so two processes that
build the same site agree byte for byte (the benchmark extracts the same pages the server serves).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape

SECTIONS = (
    "politics",
    "climate",
    "housing",
    "health",
    "education",
    "transport",
    "culture",
    "science",
    "opinion",
    "archive",
)
# The last two sections have no feed: their articles are found through a sitemap, as on sites whose
# older pages live only there.
FEED_SECTIONS = SECTIONS[:8]
SITEMAP_SECTIONS = SECTIONS[8:]
AUTHORS = (
    "Aisha Rahman",
    "Gareth Llewellyn",
    "Maria Kowalska",
    "Tom Whitfield",
    "Siân Pritchard",
    "Daniel Okafor",
    "Rhiannon Evans",
    "Peter Marsh",
    "Lucy Chen",
    "Owen Gwynne",
    "Hannah Boateng",
    "James Harcourt",
)
_TEXT = (
    "the council said residents would be asked to vote on the plan after months of consultation "
    "assembly members heard evidence from experts on housing costs and the climate emergency while "
    "campaigners argued that local people should decide how the budget is spent across the region a "
    "panel of citizens chosen by lot met over four weekends to weigh the options before making "
    "recommendations that ministers promised to answer within six months of publication in spring "
    "schools hospitals and transport links were among the services most often mentioned by those who "
    "took part many said they had never been asked their view before and found the process demanding "
    "but fair some members worried that the final report would be shelved by officials researchers "
    "at the university compared the results with earlier surveys and found broad support for "
    "stronger action on emissions provided the costs were shared fairly between households and "
    "businesses the government has not yet said whether it will adopt the proposals in full though a "
    "spokesperson described the work as a valuable contribution to a difficult national debate "
    "critics questioned whether a small group could represent the views of millions yet supporters "
    "pointed to similar exercises abroad where deliberation changed minds and built trust in "
    "politics"
)
_WORDS = _TEXT.split(" ")
_BASE = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Article:
    """One generated article: where it lives and what it says."""

    number: int
    section: str
    path: str
    title: str
    author: str
    published: dt.datetime
    standfirst: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Resource:
    """A served document with its validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: str
    modified_at: dt.datetime


def _sentence(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(_WORDS))
    picked = [_WORDS[(start + i * rng.randrange(1, 4)) % len(_WORDS)] for i in range(words)]
    # Swap in a few random words so no two articles share long runs of text (near-duplicate detection).
    for _ in range(max(1, words // 4)):
        picked[rng.randrange(words)] = rng.choice(_WORDS)
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


def article(number: int) -> Article:
    """Return the article numbered ``number`` (the same on every call and in every process)."""
    rng = random.Random(number)
    section = SECTIONS[number % len(SECTIONS)]
    # Newest first by number, a few hours apart, all within the last weeks before _BASE.
    published = _BASE - dt.timedelta(minutes=7 * number + rng.randrange(5))
    title_words = _sentence(rng, rng.randrange(6, 11)).rstrip(".")
    slug = "-".join(title_words.lower().split()[:8]) + f"-{number}"
    path = f"/{section}/{published:%Y/%b/%d}/{slug}".lower()
    paragraphs = tuple(
        " ".join(_sentence(rng, rng.randrange(14, 28)) for _ in range(rng.randrange(2, 5)))
        for _ in range(rng.randrange(6, 11))
    )
    return Article(
        number=number,
        section=section,
        path=path,
        title=title_words,
        author=AUTHORS[rng.randrange(len(AUTHORS))],
        published=published,
        standfirst=_sentence(rng, rng.randrange(16, 24)),
        paragraphs=paragraphs,
    )


def _nav(base: str) -> str:
    links = "".join(f'<li><a href="{base}/{s}">{s.title()}</a></li>' for s in SECTIONS)
    extra = "".join(
        f'<li><a href="{base}/{w}">{w.title()}</a></li>'
        for w in ("about", "contact", "newsletters", "events", "jobs", "donate", "podcasts", "video")
    )
    return f'<nav class="site-nav" aria-label="Sections"><ul>{links}{extra}</ul></nav>'


def article_html(a: Article, base: str, related: list[Article]) -> bytes:
    """Return the article's page: head metadata, JSON-LD, navigation, body, related links, footer."""
    url = base + a.path
    iso = a.published.isoformat()
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": iso,
        "dateModified": iso,
        "author": [{"@type": "Person", "name": a.author}],
        "publisher": {"@type": "Organization", "name": "The Bench Courier"},
        "mainEntityOfPage": url,
        "articleSection": a.section.title(),
    }
    body = "".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
    profile = f"{base}/profile/{a.author.lower().replace(' ', '-')}"
    related_html = "".join(f'<li><a href="{base}{r.path}">{escape(r.title)}</a></li>' for r in related)
    footer_links = "".join(
        f'<a href="{base}/{w}">{w.replace("-", " ").title()}</a> '
        for w in ("privacy", "cookies", "terms", "accessibility", "complaints", "advertise", "rss")
    )
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{escape(a.title)} | {a.section.title()} | The Bench Courier</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(a.standfirst)}">
<meta name="author" content="{escape(a.author)}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(a.title)}">
<meta property="og:description" content="{escape(a.standfirst)}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="The Bench Courier">
<meta property="article:published_time" content="{iso}">
<meta property="article:section" content="{a.section.title()}">
<link rel="alternate" type="application/rss+xml" href="{base}/{a.section}/rss">
<link rel="stylesheet" href="{base}/static/site.css">
<script type="application/ld+json">{json.dumps(ld)}</script>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"section": "{a.section}"}});</script>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="masthead"><a class="logo" href="{base}/">The Bench Courier</a>
<form class="search" action="{base}/search"><input name="q" placeholder="Search"><button>Go</button></form>
{_nav(base)}
</header>
<div class="breadcrumb"><a href="{base}/">Home</a> ›
<a href="{base}/{a.section}">{a.section.title()}</a></div>
<main id="main">
<article class="story">
<header>
<h1>{escape(a.title)}</h1>
<p class="standfirst">{escape(a.standfirst)}</p>
<p class="byline">By <a rel="author" href="{profile}">{escape(a.author)}</a>
· <time datetime="{iso}">{a.published:%-d %B %Y %H.%M} GMT</time></p>
</header>
<div class="story-body">{body}</div>
<div class="share">Share: <a href="https://twitter.com/intent/tweet?url={url}">X</a>
<a href="https://www.facebook.com/sharer.php?u={url}">Facebook</a>
<a href="mailto:?body={url}">Email</a></div>
</article>
<aside class="related"><h2>More from {a.section.title()}</h2><ul>{related_html}</ul></aside>
<section class="newsletter-signup"><h2>Sign up to our daily briefing</h2>
<p>The day's top stories, in your inbox every morning.</p>
<form action="{base}/newsletters/subscribe"><input name="email" type="email"><button>Sign up</button></form>
</section>
</main>
<footer class="site-footer">
{_nav(base)}
<p>{footer_links}</p>
<p>© 2026 The Bench Courier Ltd. All rights reserved. Registered in England and Wales No. 0000000.</p>
</footer>
</body>
</html>
"""
    return page.encode("utf-8")


def _rss(section: str, base: str, articles: list[Article]) -> bytes:
    items = []
    for a in articles:
        url = base + a.path
        description = escape(f"<p>{escape(a.standfirst)}</p>")
        items.append(
            f"<item><title>{escape(a.title)}</title><link>{url}</link>"
            f"<description>{description}</description>"
            f'<category domain="{base}/{a.section}">{a.section.title()}</category>'
            f"<pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>"
            f"<guid>{url}</guid><dc:creator>{escape(a.author)}</dc:creator></item>"
        )
    newest = max(a.published for a in articles)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{section.title()} | The Bench Courier</title><link>{base}/{section}</link>"
        f"<description>Latest {section} news</description><language>en-gb</language>"
        f"<lastBuildDate>{format_datetime(newest, usegmt=True)}</lastBuildDate>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def _urlset(base: str, articles: list[Article]) -> bytes:
    rows = "".join(
        f"<url><loc>{base}{a.path}</loc><lastmod>{a.published.isoformat()}</lastmod></url>" for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
    ).encode()


def _sitemap_index(base: str, names: list[str]) -> bytes:
    rows = "".join(f"<sitemap><loc>{base}/sitemaps/{n}.xml</loc></sitemap>" for n in names)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</sitemapindex>'
    ).encode()


def _resource(body: bytes, content_type: str, modified_at: dt.datetime) -> Resource:
    return Resource(
        body=body,
        content_type=content_type,
        etag='"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
        last_modified=format_datetime(modified_at, usegmt=True),
        modified_at=modified_at.replace(microsecond=0),
    )


class Site:
    """Every document of a site of ``pages`` articles, addressed at ``base`` (``http://host:port``)."""

    def __init__(self, pages: int, base: str) -> None:
        self.base = base
        self.articles = [article(n) for n in range(pages)]
        self.resources: dict[str, Resource] = {}
        by_section: dict[str, list[Article]] = {s: [] for s in SECTIONS}
        for a in self.articles:
            by_section[a.section].append(a)
        for a in self.articles:
            same = by_section[a.section]
            i = (a.number // len(SECTIONS)) % max(1, len(same))
            related = [same[(i + k) % len(same)] for k in range(1, 6) if len(same) > 1]
            self.resources[a.path] = _resource(
                article_html(a, base, related), "text/html; charset=utf-8", a.published
            )
        newest = max((a.published for a in self.articles), default=_BASE)
        for section, members in by_section.items():
            if not members:
                continue
            sitemap = _urlset(base, members)
            self.resources[f"/sitemaps/{section}.xml"] = _resource(sitemap, "application/xml", newest)
            if section in FEED_SECTIONS:
                feed = _rss(section, base, members)
                self.resources[f"/{section}/rss"] = _resource(feed, "application/rss+xml", newest)
        hidden = [a for s in SITEMAP_SECTIONS for a in by_section[s]]
        self.resources["/sitemaps/older.xml"] = _resource(_urlset(base, hidden), "application/xml", newest)
        index = _sitemap_index(base, [s for s in SECTIONS if by_section[s]])
        self.resources["/sitemap.xml"] = _resource(index, "application/xml", newest)
        robots = f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode()
        self.resources["/robots.txt"] = _resource(robots, "text/plain", _BASE)

    @property
    def article_urls(self) -> list[str]:
        """Return every article's absolute URL."""
        return [self.base + a.path for a in self.articles]

    @property
    def feed_urls(self) -> list[str]:
        """Return the section feeds' URLs."""
        return [self.base + p for p in self.resources if p.endswith("/rss")]

    @property
    def sitemap_url(self) -> str:
        """Return the sitemap of the articles no feed lists."""
        return self.base + "/sitemaps/older.xml"
