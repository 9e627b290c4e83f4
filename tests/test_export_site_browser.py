"""The exported static site in Debian's Chromium: it reads like the knowledge base, and nothing runs.

Entries whose title, author, excerpt, note and stories carry script, event handlers and javascript:
links are exported with ``export_site``; each page is opened from disk (file://) and the test shows
no dialog opened, no payload set its flag, no element carries a handler or a script URL, and the
Content-Security-Policy never had to block anything (so the sanitizer, not the policy, stopped it).
A control page with the same payload and no sanitizing proves the detection itself works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.publish.service import export_site
from tests.test_export_golden import TOPIC, seed_citizens_assemblies
from tests.test_sources import harvested

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page

from tests.support.browser import browser_page, require_chromium

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

require_chromium()

PAYLOADS = {
    "title": "Evil <img src=x onerror=\"window.__pwned='title';alert(1)\"> title",
    "author": "<svg onload=\"window.__pwned='author'\"></svg>Mallory",
    "excerpt": "“<script>window.__pwned='excerpt'</script>"
    "<a href=\"javascript:window.__pwned='link'\">Click</a>”",
    "note": "&lt;img src=x onerror=&quot;window.__pwned='decoded'&quot;&gt; "
    "<b onmouseover=\"window.__pwned='hover'\">note</b>",
    "story": "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>"
    'Story <a href="data:text/html,x">data</a>',
}
# Records what the page's own code could not hide: CSP violations and flags set by payloads.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));
"""
AUDIT = """() => {
  const all = [...document.querySelectorAll('*')];
  return {
    pwned: window.__pwned || null,
    violations: window.__violations,
    scripts: document.querySelectorAll('script, iframe, object, embed, svg').length,
    handlers: all.flatMap(el => [...el.attributes].filter(a => a.name.startsWith('on'))
      .map(a => el.tagName + ' ' + a.name)),
    badLinks: all.flatMap(el => ['href', 'src', 'action', 'formaction'].map(n => el.getAttribute(n) || '')
      .filter(v => /^\\s*(javascript|data|vbscript):/i.test(v))),
    title: document.title,
    bodyWidth: getComputedStyle(document.body).maxWidth,
  };
}"""


def seed_payloads(core: Aggregator) -> None:
    source = core.sources.add(
        "https://evil.example/feed", name="Evil", settings={"label": PAYLOADS["author"]}
    )
    core.topics.add("evil", name="Evil", intro=PAYLOADS["note"])

    def record(url: str, **fields: object) -> None:
        core.items.record(harvested(source.id, url, **fields))

    record(
        "https://evil.example/issue",
        kind="newsletter",
        title=PAYLOADS["title"],
        author=PAYLOADS["author"],
        published=dt.datetime(2020, 3, 1, tzinfo=dt.UTC),
    )
    record(
        "https://evil.example/article",
        title=PAYLOADS["title"],
        author=PAYLOADS["author"],
        published=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
        summary=PAYLOADS["excerpt"],
    )
    record(
        "https://evil.example/story",
        kind="story",
        title=PAYLOADS["story"],
        content_origin="bullet",
        parent_url="https://evil.example/issue",
        position=1,
        excerpt=PAYLOADS["story"],
    )
    for item in core.items.query(source="Evil", limit=None):
        if item.kind != "story":
            core.items.approve(item.id, actor="ann", excerpt=PAYLOADS["excerpt"], topics=["evil"])
            core.items.edit(item.id, actor="ann", note=PAYLOADS["note"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    core = Aggregator(Config(database_url=f"sqlite:///{folder / 'aggregator.db'}"))
    core.init_db()
    seed_citizens_assemblies(core)
    seed_payloads(core)
    export_site(core, folder / "out")
    core.close()
    return folder / "out"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with browser_page(browser, width=1200, init_script=WATCH) as tab:
        yield tab


def open_page(page: Page, path: Path) -> tuple[dict[str, object], list[str]]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    # Give onerror/onload handlers (a broken image fires late) their chance to run, and hover every
    # element so mouse handlers would fire too.
    page.wait_for_timeout(300)
    for element in page.query_selector_all("main *")[:200]:
        if element.is_visible():
            element.hover()
    audit: dict[str, object] = page.evaluate(AUDIT)
    return audit, dialogs


@pytest.mark.parametrize("name", ["index.html", "evil/index.html", f"{TOPIC}/index.html"])
def test_nothing_from_harvested_content_runs(site: Path, page: Page, name: str) -> None:
    audit, dialogs = open_page(page, site / name)
    assert dialogs == []
    assert audit["pwned"] is None
    assert audit["violations"] == []  # nothing was left for the policy to block
    assert audit["scripts"] == 0
    assert audit["handlers"] == []
    assert audit["badLinks"] == []
    assert audit["bodyWidth"] == "704px"  # the site's own stylesheet applies under its policy


def test_the_payload_pages_still_show_their_text(site: Path, page: Page) -> None:
    open_page(page, site / "evil" / "index.html")
    headings = page.locator(".entry-heading").all_inner_texts()
    # Oldest first, the knowledge base's way.
    assert headings == ["February 2020 Mallory article:", "From the Mallory newsletter in March 2020:"]
    assert page.locator(".entry-title").first.inner_text() == "Evil title"
    assert page.locator(".entry-stories li").all_inner_texts() == ["Story data"]
    assert page.locator(".entry-note").first.inner_text() == "note"


def test_the_topic_page_reads_like_the_knowledge_base(site: Path, page: Page) -> None:
    open_page(page, site / TOPIC / "index.html")
    assert page.title() == "Citizens assemblies · Curated entries"
    entries = page.locator("article.entry")
    assert entries.count() == 3
    assert entries.nth(0).locator(".entry-heading").inner_text() == "July 2019 Guardian article:"
    assert entries.nth(0).locator("blockquote").count() == 1
    link = entries.nth(1).locator(".entry-title a")
    assert (
        link.get_attribute("href")
        == "https://www.iwa.wales/click/2019/07/impressions-from-wales-first-citizens-assembly/"
    )
    assert entries.nth(2).locator(".entry-stories a").count() == 3
    page.click("header a")  # back to the index, from disk
    assert page.url.endswith("/index.html")
    assert page.locator(".topics a").all_inner_texts() == ["Citizens assemblies", "Evil"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto((site / TOPIC / "index.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / "export-topic-page.png"), full_page=True)


def test_the_detection_catches_an_unsanitized_page(tmp_path: Path, page: Page) -> None:
    # The same payloads written raw, without the export: the audit must see them run.
    raw = tmp_path / "raw.html"
    raw.write_text(
        f"<!doctype html><title>raw</title><body><main><p>{PAYLOADS['title']}</p></main>", encoding="utf-8"
    )
    audit, dialogs = open_page(page, raw)
    assert audit["pwned"] == "title"
    assert dialogs == ["1"]
    assert audit["handlers"] == ["IMG onerror"]
