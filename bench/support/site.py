"""A generated news site: article pages of real-page weight, section feeds and sitemaps.

Each article page is modelled on the median real article page of the extraction corpus (trafilatura's
evaluation set, /work/shared/corpora/trafilatura-eval-subset: about 87 KB and 670 elements). Around
the article itself (head metadata, OpenGraph and ``article:*`` tags, JSON-LD, the byline and
``<time>``, six to ten paragraphs) it carries what a news site puts there: inline CSS and scripts
with a JSON app state, a mega-menu, a lead picture, an inline related link, a pull quote, topic tags,
two or three onward-journey lists of cards teasing the site's other articles, a comments teaser, a
newsletter box and a large footer. The crawl benchmark measures itself against the cost of extracting
these pages, which the bare article (10 KB, 155 elements) understated five- to sevenfold. Measured
on 200 pages: about 91 KB and 690 elements each, and plain trafilatura takes about 0.8 of the
corpus's median time in the same run; the rest is the article body, whose plain paragraphs are
cheaper to extract than the markup of real bodies.

Everything is built in memory at start, deterministically from the page count, so two processes that
build the same site agree byte for byte (the benchmark extracts the same pages the server serves).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import random
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class Resource:
    """A served document with its validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: str
    modified_at: dt.datetime


# Reserved (RFC 2606) hosts: image and asset addresses look like a CDN's, yet nothing can fetch them.
_MEDIA = "https://media.benchcourier.example"
_ASSETS = "https://assets.benchcourier.example"
# The labels of the mega-menu (each section's subsections) and of the footer's columns, as data.
_NAVIGATION = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "courier" / "navigation.json").read_text("utf-8")
)
_SUBSECTIONS: dict[str, tuple[str, ...]] = {
    s: tuple(labels) for s, labels in _NAVIGATION["subsections"].items()
}
_FOOTER_COLUMNS = (
    ("Sections", tuple(s.title() for s in SECTIONS)),
    *((heading, tuple(labels)) for heading, labels in _NAVIGATION["footer"].items()),
)
_SOCIAL = ("Facebook", "X", "Instagram", "YouTube", "LinkedIn", "TikTok", "Threads", "Bluesky", "Mastodon")
_AGENCIES = ("PA", "Reuters", "Getty Images", "Alamy", "AFP", "Shutterstock", "The Bench Courier")
_LEGAL = (
    "The Bench Courier is published by The Bench Courier Ltd, an independent news organisation owned by "
    "its readers' trust. Registered office: 1 Example Quay, Cardiff CF10 0AA. Our journalism follows "
    "the Editors' Code of Practice; to complain about an article, write to our readers' editor. "
    "Material on this site may not be reproduced without permission; images are licensed from the "
    "agencies credited and may not be reused."
)
# A production stylesheet inlined for first paint, as news sites do: trafilatura and the product's
# parser still read and discard it, like a real page's.
_CSS = """
:root{--brand:#052962;--brand-alt:#0077b6;--news:#c70000;--opinion:#e05e00;--culture:#a1845c;--ink:#121212;\
--muted:#707070;--line:#dcdcdc;--paper:#fff;--shade:#f6f6f6;--headline:"BC Headline",Georgia,serif;\
--body:"BC Text",Georgia,serif;--sans:"BC Sans","Helvetica Neue",Helvetica,Arial,sans-serif}
*,*::before,*::after{box-sizing:border-box}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--paper);color:var(--ink);font-family:var(--body);font-size:1.0625rem;\
line-height:1.5;-webkit-font-smoothing:antialiased}
a{color:inherit;text-decoration:none}a:hover{text-decoration:underline}img{max-width:100%;height:auto}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;z-index:1000;background:#ff0}
.top-bar{display:flex;justify-content:flex-end;gap:1rem;padding:.25rem 1.25rem;background:var(--brand);\
color:#fff;font-family:var(--sans);font-size:.875rem}
.top-bar__support{margin-right:auto;color:#ffe500;font-weight:700}
.masthead{background:var(--brand);color:#fff;padding:.5rem 1.25rem 0}
.masthead .logo{display:block;font-family:var(--headline);font-size:2.75rem;font-weight:900}
.search{display:flex;gap:.5rem;margin:.5rem 0}.search input{flex:1;padding:.375rem;border:0;\
border-radius:1rem}
.mega-menu{font-family:var(--sans);border-top:1px solid rgba(255,255,255,.3)}
.mega-menu__sections{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:0 1.5rem;\
margin:0;padding:.75rem 0;list-style:none}
.mega-menu__heading{display:block;padding:.25rem 0;font-weight:700;font-size:1.125rem;\
border-bottom:1px solid rgba(255,255,255,.3)}
.mega-menu__list{margin:0 0 1rem;padding:0;list-style:none}.mega-menu__link{display:block;\
padding:.125rem 0;font-size:.9375rem;opacity:.9}
@media (max-width:979px){.mega-menu__sections{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:659px){.mega-menu__list{display:none}.mega-menu__sections{display:block}}
.breadcrumb{padding:.5rem 1.25rem;font-family:var(--sans);font-size:.875rem;color:var(--news)}
main{max-width:1300px;margin:0 auto;padding:0 1.25rem}
.story{display:grid;grid-template-columns:minmax(0,620px) 300px;gap:0 2.5rem}
.story>header,.story>figure,.story-body,.story-footer,.share{grid-column:1}
.story h1{font-family:var(--headline);font-size:2.125rem;line-height:1.15;font-weight:500;margin:.5rem 0}
.standfirst{font-size:1.25rem;line-height:1.35;font-weight:700}
.byline{font-family:var(--sans);font-size:.875rem;color:var(--muted)}.byline a{color:var(--news);\
font-weight:700}
.lead-figure{margin:0 0 1rem}.lead-figure__caption{font-family:var(--sans);font-size:.8125rem;\
color:var(--muted);padding-top:.375rem}.lead-figure__credit{white-space:nowrap}
.story-body p{margin:0 0 1rem}.story-body a{color:var(--news);border-bottom:1px solid var(--line)}
.rich-link{float:left;width:10rem;margin:.25rem 1.25rem .75rem 0;background:var(--shade);\
border-top:1px solid var(--news);font-family:var(--sans)}
.rich-link__kicker{color:var(--news);font-size:.75rem;margin:.375rem .5rem 0}
.rich-link__title{display:block;padding:.25rem .5rem .75rem;font-weight:700;font-size:.875rem}
.pullquote{float:left;width:14rem;margin:.25rem 1.25rem .5rem -10rem;color:var(--news);\
font-family:var(--headline);font-size:1.375rem;line-height:1.2}.pullquote blockquote{margin:0}
.pullquote__icon{width:2rem;height:1.25rem;fill:currentColor}
.ad-slot{min-height:250px;margin:1rem 0;background:var(--shade);text-align:center}
.ad-slot--inline{float:right;width:300px;margin:.25rem -340px 1rem 1.25rem}
.topics__list{display:flex;flex-wrap:wrap;gap:.5rem;margin:0;padding:0;list-style:none}
.topics__list a{display:block;padding:.125rem .75rem;border:1px solid var(--line);border-radius:1rem;\
font-family:var(--sans);font-size:.875rem}
.share{display:flex;gap:.5rem;margin:1rem 0;font-family:var(--sans)}
.onward{border-top:1px solid var(--ink);margin:2rem 0}.onward h2{font-family:var(--headline);\
font-size:1.5rem;margin:.25rem 0 1rem}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:1.25rem;margin:0;padding:0;\
list-style:none}
@media (max-width:979px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}}
.card{display:flex;flex-direction:column;border-top:1px solid var(--news);background:var(--shade)}
.card--opinion{border-color:var(--opinion)}.card--culture{border-color:var(--culture)}
.card__image{aspect-ratio:5/3;object-fit:cover;width:100%}.card__content{display:flex;flex-direction:column;\
flex:1}.card__headline{font-family:var(--headline);font-size:1.0625rem;line-height:1.2;margin:.375rem .5rem}
.card__standfirst{font-size:.875rem;color:var(--muted);margin:0 .5rem .5rem}
.card__time{margin:auto .5rem .5rem;font-family:var(--sans);font-size:.75rem;color:var(--muted)}
.comments-teaser,.newsletter-signup{margin:2rem 0;padding:1rem;background:var(--shade);\
font-family:var(--sans)}
.newsletter-signup input[type=email]{width:100%;max-width:24rem;padding:.5rem}
.button{display:inline-block;padding:.5rem 1rem;border-radius:1.5rem;background:var(--ink);color:#fff}
.site-footer{margin-top:3rem;padding:1.5rem 1.25rem;background:var(--brand);color:#fff;\
font-family:var(--sans);font-size:.875rem}
.site-footer__columns{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:1rem}
.site-footer ul{margin:0;padding:0;list-style:none}.site-footer h3{font-size:1rem;margin:.5rem 0}
.site-footer__legal{border-top:1px solid rgba(255,255,255,.3);margin-top:1.5rem;padding-top:1rem;\
color:#c1d8fc}
@media print{.top-bar,.mega-menu,.ad-slot,.onward,.newsletter-signup,.site-footer{display:none}}
"""
# The consent manager's stub (queues calls until its bundle loads), as IAB TCF sites inline it.
_CONSENT_JS = """
!function(){"use strict";var e="__tcfapiLocator",t=[],n=window,a=function(){var t=n.document,a=!!n.frames[e];\
if(!a)if(t.body){var o=t.createElement("iframe");o.style.cssText="display:none",o.name=e,\
t.body.appendChild(o)}else setTimeout(a,5);return!a};a(),n.__tcfapi=function(){\
for(var e,n=arguments.length,a=new Array(n),o=0;\
o<n;o++)a[o]=arguments[o];if(!a.length)return t;if("setGdprApplies"===a[0])a.length>3&&2===parseInt(a[1],10)\
&&"boolean"==typeof a[3]&&(e=a[3],"function"==typeof a[2]&&a[2]("set",!0));else if("ping"===a[0]){var i=\
{gdprApplies:e,cmpLoaded:!1,cmpStatus:"stub",apiVersion:"2.2"};"function"==typeof a[2]&&a[2](i,!0)}else \
t.push(a)},n.addEventListener("message",function(e){var t="string"==typeof e.data,a={};try{a=t?JSON.parse(\
e.data):e.data}catch(e){}var o=a.__tcfapiCall;o&&window.__tcfapi(o.command,o.version,function(n,a){var i=\
{__tcfapiReturn:{returnValue:n,success:a,callId:o.callId}};t&&(i=JSON.stringify(i)),e&&e.source&&e.source\
.postMessage&&e.source.postMessage(i,"*")},o.parameter)},!1)}();
window._sp_queue=[];window._sp_={config:{accountId:1257,baseEndpoint:"https://consent.benchcourier.example",\
propertyHref:"https://www.benchcourier.example",targetingParams:{framework:"tcfv2",edition:"UK"},\
gdpr:{includeTcfApi:!0,groupPmId:0},ccpa:{targetingParams:{framework:"ccpa"}},events:{onConsentReady:\
function(e,t,n,a){window.dispatchEvent(new CustomEvent("bc:consent",{detail:{category:e,uuid:t,\
applies:a&&a.applies}}))},onMessageChoiceSelect:function(e,t,n){window.__consentChoice=n},onError:\
function(e,t,n){window.__bcErrors=(window.__bcErrors||[]).concat([{source:"cmp",code:e,message:n}])}}}};
(function(d,s){var j=d.createElement(s);j.async=!0;j.src="https://consent.benchcourier.example/unified/\
wrapperMessagingWithoutDetection.js";var f=d.getElementsByTagName(s)[0];f.parentNode.insertBefore(j,f)})\
(document,"script");
"""
# Feature switches and A/B tests every page ships in its app state: the same on all pages, as on a real
# site, and a good part of why real pages' scripts outweigh their text.
_SWITCHES = {
    f"{feature}{variant}": (i * 7 + j * 3) % 5 != 0
    for i, feature in enumerate(
        (
            "abTest", "commercial", "consentManagement", "prebid", "lazyLoad", "liveblogUpdates",
            "discussion", "newsletterSignup", "identity", "videoPlayer", "audioPlayer", "stickyNav",
            "darkMode", "analytics", "sentry", "remoteBanner", "readerRevenueEpic", "interactives",
            "mostViewed", "onwardJourney", "brazeMessages", "permutive", "imaOutstream", "redplanet",
        )
    )
    for j, variant in enumerate(("Enabled", "Beta", "Fallback", "V2", "Server"))
}  # fmt: skip
_AB_TESTS = {
    f"{name}Test": {"variant": ("control", "variant", "variantB")[k % 3], "audience": (k * 13) % 100 / 100}
    for k, name in enumerate(
        (
            "signInGate",
            "headlineLength",
            "cardImages",
            "epicCopy",
            "bannerTiming",
            "stickyAd",
            "onwardsOrder",
            "newsletterPrompt",
            "mostViewedTabs",
            "liveScores",
            "deeplyRead",
            "fontScale",
            "puzzlesBanner",
            "auxiaGate",
        )
    )
}
_AD_SLOTS = ("top-above-nav", "right", "inline1", "inline2", "merchandising-high", "mostpop", "merchandising")


def _slug(label: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in label.lower()).split())


@functools.lru_cache(maxsize=8192)
def _teaser(number: int) -> Article:
    # Every page teases some twenty-five others: building each anew would cost more than the pages do.
    return article(number)


def _image(key: str) -> str:
    return f"{_MEDIA}/img/{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}/master/3000.jpg"


def _srcset(src: str, widths: tuple[int, ...]) -> str:
    return ", ".join(f"{src}?width={w}&amp;quality=85&amp;auto=format {w}w" for w in widths)


def _short(text: str, words: int) -> str:
    picked = text.rstrip(".").split()
    return " ".join(picked[:words]) + ("…" if len(picked) > words else ".")


@functools.lru_cache(maxsize=8)
def _menu(base: str) -> str:
    columns = []
    for section, labels in _SUBSECTIONS.items():
        links = "\n".join(
            f'        <li class="mega-menu__item"><a class="mega-menu__link" '
            f'href="{base}/{section}/{_slug(label)}">{escape(label)}</a></li>'
            for label in labels
        )
        columns.append(
            '    <li class="mega-menu__column">\n'
            f'      <a class="mega-menu__heading" href="{base}/{section}" '
            f'data-link-name="nav : primary : {section}">{section.title()}</a>\n'
            f'      <ul class="mega-menu__list" id="menu-{section}" role="menu">\n{links}\n'
            "      </ul>\n    </li>"
        )
    return (
        '<nav class="mega-menu site-nav" id="navigation" aria-label="Sections" data-component="nav">\n'
        f'  <ul class="mega-menu__sections" role="menubar">\n{chr(10).join(columns)}\n  </ul>\n</nav>'
    )


@functools.lru_cache(maxsize=8)
def _footer(base: str) -> str:
    columns = [
        (heading, [(f"{base}/{_slug(label)}", label) for label in labels])
        for heading, labels in _FOOTER_COLUMNS
    ]
    columns.append(
        ("Follow us", [(f"https://{name.lower()}.example/benchcourier", name) for name in _SOCIAL])
    )
    html = "\n".join(
        f'    <div class="site-footer__column">\n      <h3>{heading}</h3>\n      <ul>\n'
        + "\n".join(f'        <li><a href="{href}">{escape(label)}</a></li>' for href, label in links)
        + "\n      </ul>\n    </div>"
        for heading, links in columns
    )
    return (
        '<footer class="site-footer" data-component="footer">\n'
        f'  <div class="site-footer__columns">\n{html}\n  </div>\n'
        f'  <div class="site-footer__legal">\n    <p>{escape(_LEGAL)}</p>\n'
        "    <p>© 2026 The Bench Courier Ltd. All rights reserved. "
        "Registered in England and Wales No. 0000000.</p>\n"
        '    <a class="site-footer__top" href="#top">Back to top</a>\n  </div>\n</footer>'
    )


@functools.lru_cache(maxsize=8)
def _config_json(base: str) -> str:
    # The part of the app state that is the same on every page, serialised once per site.
    nav = [
        {
            "title": section.title(),
            "url": f"{base}/{section}",
            "children": [{"title": label, "url": f"{base}/{section}/{_slug(label)}"} for label in labels],
        }
        for section, labels in _SUBSECTIONS.items()
    ]
    config = {
        "switches": _SWITCHES,
        "abTests": _AB_TESTS,
        "stage": "PROD",
        "revisionNumber": hashlib.blake2b(base.encode(), digest_size=20).hexdigest(),
        "ajaxUrl": "https://api.benchcourier.example",
        "assetsPath": f"{_ASSETS}/assets/",
        "dfpAccountId": "59666047",
        "adSlots": [
            {"name": s, "sizes": {"mobile": [[300, 250], [320, 480]], "desktop": [[728, 90], [970, 250]]}}
            for s in _AD_SLOTS
        ],
        "edition": "UK",
    }
    return json.dumps({"config": config, "nav": nav}, separators=(",", ":"))[1:-1]


def _others(rng: random.Random, number: int, count: int, used: set[int], section: str | None) -> list[int]:
    # The 600 articles before this one (lower numbers are newer), which every site holding this page
    # holds too; only the first 600 pages draw from the first 600 and may tease past a smaller site's end.
    high = max(number, 600)
    if section is None:
        pool = range(high - 600, high)
    else:
        pool = range(high - 600 + (SECTIONS.index(section) - high) % len(SECTIONS), high, len(SECTIONS))
    found: list[int] = []
    while len(found) < count:
        m = rng.choice(pool)
        if m not in used:
            used.add(m)
            found.append(m)
    return found


def _card(c: Article, base: str, block: str, position: int) -> str:
    src = _image(c.path)
    return (
        f'      <li class="card card--{c.section}">\n'
        f'        <img class="card__image" src="{src}?width=300&amp;quality=85&amp;auto=format" '
        f'srcset="{_srcset(src, (140, 300))}" sizes="(min-width: 980px) 220px, 140px" width="300" '
        f'height="180" alt="" loading="lazy">\n'
        '        <div class="card__content">\n'
        f'          <h3 class="card__headline"><a class="card__link" href="{base}{c.path}" '
        f'data-link-name="{block} | card-@{position}">{escape(c.title)}</a></h3>\n'
        f'          <div class="card__standfirst">{escape(_short(c.standfirst, 12))}</div>\n'
        f'          <time class="card__time" datetime="{c.published.isoformat()}">'
        f"{c.published:%-d %b %Y}</time>\n"
        "        </div>\n      </li>"
    )


def _onward(block: str, heading: str, cards: list[Article], base: str) -> str:
    items = "\n".join(_card(c, base, block, i + 1) for i, c in enumerate(cards))
    return (
        f'<section class="onward onward--{block}" data-component="{block}" data-link-name="{block}">\n'
        f'  <h2>{escape(heading)}</h2>\n  <ul class="cards">\n{items}\n  </ul>\n</section>'
    )


def _linked(text: str, rng: random.Random, hrefs: list[str]) -> str:
    # Most paragraphs of a news story link a phrase or two to earlier coverage or a topic page; the
    # paragraph's text is unchanged, only marked up.
    words = text.split(" ")
    count = min(rng.choice((0, 1, 1, 2, 2)), len(words) // 8)
    out, pos = [], 0
    for i in range(count):
        low, high = pos + 2, len(words) * (i + 1) // count - 5
        if high <= low:
            break
        start = rng.randrange(low, high)
        end = start + rng.randrange(2, 5)
        out.append(
            f'{escape(" ".join(words[pos:start]))} <a href="{rng.choice(hrefs)}" '
            f'data-link-name="in body link">{escape(" ".join(words[start:end]))}</a> '
        )
        pos = end
    return "".join(out) + escape(" ".join(words[pos:]))


def _ad_slot(name: str, rng: random.Random) -> str:
    return (
        f'<div class="ad-slot-container ad-slot-container--{name}" aria-hidden="true">\n'
        f'  <div id="dfp-ad--{name}" class="js-ad-slot ad-slot ad-slot--{name}" data-name="{name}" '
        f'data-label-show="true" data-refresh="false" data-slot-seed="{rng.getrandbits(48):012x}"></div>\n'
        "</div>"
    )


def _story_body(a: Article, base: str, rng: random.Random, rich: Article, related: list[Article]) -> str:
    hrefs = [f"{base}/{a.section}/{_slug(label)}" for label in _SUBSECTIONS[a.section]]
    hrefs += [base + r.path for r in [rich, *related]]
    parts = [f"<p>{_linked(p, rng, hrefs)}</p>" for p in a.paragraphs]
    # A pull quote repeats a sentence of the article, as in print; inside <aside>, as real pages mark
    # it, extractors leave it out and the text is not doubled.
    quoted = a.paragraphs[len(a.paragraphs) // 2 + 1].split(". ")[0].rstrip(".") + "."
    src = _image(rich.path)
    rich_link = (
        '<aside class="rich-link" data-link-name="rich-link-1 | 1" data-component="rich-link">\n'
        f'  <div class="rich-link__container">\n    <img class="rich-link__image" src="{src}?width=160'
        f'&amp;quality=85&amp;auto=format" alt="" width="160" height="96" loading="lazy">\n'
        '    <div class="rich-link__header">\n      <p class="rich-link__kicker">Related</p>\n'
        f'      <a class="rich-link__link" href="{base}{rich.path}" data-link-name="article">'
        f'<span class="rich-link__title">{escape(rich.title)}</span></a>\n    </div>\n  </div>\n</aside>'
    )
    pull_quote = (
        f'<aside class="pullquote pullquote--{a.section}" data-component="pullquote">\n'
        '  <svg class="pullquote__icon" viewBox="0 0 35 25" aria-hidden="true"><path d="M69.587.9c-1.842 '
        "2.761-3.683 5.522-5.524 8.284h-2.11c1.023-2.761 2.045-5.523 3.068-8.284h4.566zm-9.32 0C58.425 "
        '3.661 56.583 6.422 54.74 9.184h-2.11c1.023-2.761 2.045-5.523 3.068-8.284h4.567z"></path></svg>\n'
        f"  <blockquote><p>{escape(quoted)}</p></blockquote>\n</aside>"
    )
    inserts = (
        (2, rich_link),
        (3, _ad_slot("inline1", rng)),
        (len(a.paragraphs) // 2 + 1, pull_quote),
        (len(a.paragraphs) - 2, _ad_slot("inline2", rng)),
    )
    for position, html in sorted(inserts, key=lambda p: -p[0]):
        parts.insert(position, html)
    return "\n".join(parts)


def _lead_figure(a: Article, rng: random.Random) -> str:
    src = _image(a.path)
    caption = _sentence(rng, rng.randrange(10, 18))
    credit = f"{AUTHORS[rng.randrange(len(AUTHORS))]}/{_AGENCIES[rng.randrange(len(_AGENCIES))]}"
    return (
        '<figure class="lead-figure" data-component="lead-image">\n  <picture>\n'
        f'    <source media="(min-width: 980px)" sizes="620px" srcset="{_srcset(src, (620, 1240))}">\n'
        f'    <source media="(min-width: 0px)" sizes="100vw" srcset="{_srcset(src, (320, 640, 960))}">\n'
        f'    <img class="lead-figure__image" src="{src}?width=620&amp;quality=85&amp;auto=format" '
        f'alt="{escape(caption)}" width="620" height="372" fetchpriority="high">\n  </picture>\n'
        '  <figcaption class="lead-figure__caption">'
        f'<span class="lead-figure__text">{escape(caption)}</span> '
        f'<span class="lead-figure__credit">Photograph: {escape(credit)}</span></figcaption>\n</figure>'
    )


def _topics(a: Article, base: str, rng: random.Random) -> str:
    picked = [(a.section, label) for label in rng.sample(_SUBSECTIONS[a.section], 3)]
    elsewhere = [s for s in SECTIONS if s != a.section]
    picked += [(s, rng.choice(_SUBSECTIONS[s])) for s in rng.sample(elsewhere, rng.randrange(2, 5))]
    links = "\n".join(
        f'      <li><a href="{base}/{s}/{_slug(label)}" data-link-name="keyword: {s}/{_slug(label)}">'
        f"{escape(label)}</a></li>"
        for s, label in picked
    )
    return (
        '<footer class="story-footer">\n  <div class="topics" data-component="topics">\n'
        f'    <h2 class="topics__title">Topics</h2>\n    <ul class="topics__list">\n{links}\n    </ul>\n'
        "  </div>\n</footer>"
    )


def _app_state(
    a: Article, base: str, rng: random.Random, onwards: list[tuple[str, str, list[Article]]]
) -> str:
    page = {
        "pageId": a.path.lstrip("/"),
        "webTitle": a.title,
        "webPublicationDate": a.published.isoformat(),
        "section": a.section,
        "byline": a.author,
        "contentType": "Article",
        "isPaidContent": False,
        "commentable": True,
        "discussionKey": f"/p/{rng.getrandbits(40):x}",
        "adUnit": f"/59666047/bc.news/{a.section}",
        "pageViewId": f"{rng.getrandbits(64):016x}",
    }
    cards = {
        block: [{"id": c.number, "url": base + c.path, "headline": c.title} for c in teased]
        for block, _, teased in onwards
    }
    state = json.dumps({"page": page, "onwards": cards}, separators=(",", ":"), ensure_ascii=False)
    # "</" inside a script would end it early.
    return (state[:-1] + "," + _config_json(base) + "}").replace("</", "<\\/")


def article_html(a: Article, base: str, related: list[Article]) -> bytes:
    """Return the article's page, as heavy as a real one of median weight (see the module docstring).

    Head metadata, JSON-LD and an app state; navigation; the article (lead picture, byline, body with
    an inline related link and a pull quote, topics); onward cards teasing ``related`` and other
    articles, a comments teaser, a newsletter box and the footer.
    """
    url = base + a.path
    iso = a.published.isoformat()
    # Not Random(number): that stream drew the article itself, and the page's choices would echo it.
    rng = random.Random(f"page-{a.number}")
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
    profile = f"{base}/profile/{a.author.lower().replace(' ', '-')}"
    used = {a.number} | {r.number for r in related}
    rich = _teaser(_others(rng, a.number, 1, used, a.section)[0])
    more = related + [
        _teaser(m) for m in _others(rng, a.number, rng.randrange(8, 13) - len(related), used, a.section)
    ]
    onwards = [
        ("more-on-this-story", f"More from {a.section.title()}", more),
        (
            "most-viewed",
            "Most viewed",
            [_teaser(m) for m in _others(rng, a.number, rng.randrange(8, 11), used, None)],
        ),
    ]
    # A third list on some pages only, as sites vary what they show under a story.
    if rng.random() < 0.7:
        third = "culture" if a.section == "opinion" else "opinion"
        picks = [_teaser(m) for m in _others(rng, a.number, rng.randrange(8, 13), used, third)]
        onwards.append((f"{third}-picks", third.title(), picks))
    lead = _image(a.path)
    share_image = f"{lead}?width=1200&amp;height=630&amp;quality=85&amp;auto=format&amp;fit=crop"
    bundle = hashlib.blake2b(a.section.encode(), digest_size=10).hexdigest()
    words = sum(len(p.split()) for p in a.paragraphs)
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
<meta property="article:modified_time" content="{iso}">
<meta property="og:image" content="{share_image}">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630">
<meta property="og:locale" content="en_GB">
<meta property="fb:app_id" content="180444840287">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@benchcourier">
<meta name="twitter:title" content="{escape(a.title)}">
<meta name="twitter:description" content="{escape(a.standfirst)}">
<meta name="twitter:image" content="{share_image}">
<meta name="robots" content="max-image-preview:large, max-snippet:-1">
<meta name="theme-color" content="#052962">
<meta name="format-detection" content="telephone=no">
<meta name="apple-itunes-app" content="app-id=409128287, app-argument={url}">
<link rel="alternate" type="application/rss+xml" href="{base}/{a.section}/rss">
<link rel="stylesheet" href="{base}/static/site.css">
<link rel="preconnect" href="{_MEDIA}">
<link rel="preconnect" href="{_ASSETS}" crossorigin>
<link rel="dns-prefetch" href="https://api.benchcourier.example">
<link rel="dns-prefetch" href="https://consent.benchcourier.example">
<link rel="preload" href="{_ASSETS}/fonts/headline-medium.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" href="{_ASSETS}/fonts/text-regular.woff2" as="font" type="font/woff2" crossorigin>
<link rel="preload" as="image" href="{lead}?width=620&amp;quality=85&amp;auto=format">
<link rel="modulepreload" href="{_ASSETS}/assets/article.{bundle}.js">
<link rel="icon" href="{_ASSETS}/static/icons/favicon-32x32.png" sizes="32x32">
<link rel="apple-touch-icon" href="{_ASSETS}/static/icons/apple-touch-icon-180.png">
<link rel="manifest" href="{base}/manifest.json">
<style>{_CSS}</style>
<script type="application/ld+json">{json.dumps(ld)}</script>
<script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"section": "{a.section}"}});
dataLayer.push({{"event": "pageMeta", "contentType": "Article", "author": {json.dumps(a.author)},
  "published": "{iso}", "wordCount": {words}}});
window._sf_async_config = {{uid: 60327, domain: "benchcourier.example", sections: "{a.section}",
  authors: {json.dumps(a.author)}, useCanonical: true, flickerControl: false}};
window.performance && performance.mark && performance.mark("bc:head-scripts");</script>
<script>{_CONSENT_JS}</script>
<script id="app-state" type="application/json">{_app_state(a, base, rng, onwards)}</script>
<script type="module" src="{_ASSETS}/assets/article.{bundle}.js"></script>
</head>
<body id="top">
<a class="skip" href="#main">Skip to main content</a>
<a class="skip" href="#navigation">Skip to navigation</a>
{_ad_slot("top-above-nav", rng)}
<div class="top-bar" data-component="top-bar">
  <a class="top-bar__support" href="{base}/donate" data-link-name="nav : support-cta">Support us</a>
  <a href="{base}/subscribe" data-link-name="nav : subscribe">Subscribe</a>
  <a href="{base}/jobs" data-link-name="nav : jobs">Search jobs</a>
  <a href="{base}/signin?returnUrl={url}" data-link-name="nav : signin">Sign in</a>
  <select class="top-bar__edition" aria-label="Edition" name="edition">
    <option selected>UK edition</option><option>US edition</option><option>International edition</option>
  </select>
</div>
<header class="masthead"><a class="logo" href="{base}/">The Bench Courier</a>
<form class="search" action="{base}/search"><input name="q" placeholder="Search"><button>Go</button></form>
{_menu(base)}
</header>
<div class="breadcrumb"><a href="{base}/">Home</a> ›
<a href="{base}/{a.section}">{a.section.title()}</a></div>
<main id="main">
<article class="story" id="story-{a.number}">
<header>
<h1>{escape(a.title)}</h1>
<p class="standfirst">{escape(a.standfirst)}</p>
<p class="byline">By <a rel="author" href="{profile}">{escape(a.author)}</a>
· <time datetime="{iso}">{a.published:%-d %B %Y %H.%M} GMT</time></p>
</header>
{_lead_figure(a, rng)}
<div class="story-body">{_story_body(a, base, rng, rich, related)}</div>
<div class="share">Share: <a href="https://twitter.com/intent/tweet?url={url}">X</a>
<a href="https://www.facebook.com/sharer.php?u={url}">Facebook</a>
<a href="mailto:?body={url}">Email</a></div>
{_topics(a, base, rng)}
</article>
{_ad_slot("right", rng)}
{chr(10).join(_onward(block, heading, cards, base) for block, heading, cards in onwards)}
<section class="comments-teaser" id="comments" data-component="comments">
  <h2>Comments (<span class="comments-teaser__count">{rng.randrange(12, 900)}</span>)</h2>
  <p>Commenting has been disabled at this time but you can still sign in or create your Bench Courier
  account to join the discussion when it is back.</p>
  <a class="button" href="{url}#comments" data-link-name="comments : view all">View all comments</a>
</section>
<section class="newsletter-signup"><h2>Sign up to our daily briefing</h2>
<p>The day's top stories, in your inbox every morning.</p>
<form action="{base}/newsletters/subscribe"><input name="email" type="email"><button>Sign up</button></form>
</section>
</main>
{_footer(base)}
<div id="consent-root" hidden></div>
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
        # Through the teasers' cache, so the cards of every page find their articles built.
        self.articles = [_teaser(n) for n in range(pages)]
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
