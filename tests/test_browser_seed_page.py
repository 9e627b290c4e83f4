"""The seed's page made through the app in Debian's Chromium, as the golden test makes it by the CLI.

The demo crawls its recorded sites; a curator logs in, takes the whole quotation the app proposes for
the Guardian article, writes the IWA quotation with its elision, assigns the topic and approves the
three items on their pages, writes the topic's intro, and hides nothing. The published topic page
must then read as the knowledge base's page, line for line.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.web import create_app
from tests.support.app_server import AppServer
from tests.support.cli import crawl_env, run_cli
from tests.support.curator import PASSWORD, add_users
from tests.test_seed_page import (
    GUARDIAN_TITLE,
    INTRO,
    ISSUE_TITLE,
    IWA_TITLE,
    TOPIC,
    quotation,
    seed_entries,
)

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Page, expect  # noqa: E402

from tests.support.browser import chromium, require_chromium  # noqa: E402

pytestmark = pytest.mark.crawl
require_chromium()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Aggregator, dict[str, int]]]:
    folder = tmp_path_factory.mktemp("seed")
    url = f"sqlite:///{folder / 'aggregator.db'}"
    env = crawl_env(url, AGGREGATOR_FETCH_TIMEOUT="20")
    done = run_cli("demo", "--port", str(_free_port()), "--no-serve", env=env, cwd=folder)
    assert done.returncode == 0, done.stderr
    found = json.loads(run_cli("items", "list", "--limit", "500", "--json", env=env).stdout)
    # The August issue is also in Involve's Mailchimp archive: the curator takes the site's.
    listed = {i["title"]: i["id"] for i in found if not i["url"].startswith("https://mailchi.mp/")}
    core = Aggregator(Config(database_url=url))
    add_users(core)
    yield core, {"guardian": listed[GUARDIAN_TITLE], "iwa": listed[IWA_TITLE], "issue": listed[ISSUE_TITLE]}
    core.close()


@pytest.fixture(scope="module")
def app(crawled: tuple[Aggregator, dict[str, int]]) -> Iterator[AppServer]:
    server = AppServer(create_app(crawled[0])).start()
    yield server
    server.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()


def _approve(page: Page, app: AppServer, item_id: int, *, own_excerpt: str | None, pick_first: bool) -> None:
    """Approve through the item page's one form: excerpt, topic and Approve, saved together."""
    page.goto(f"{app.base}/items/{item_id}")
    if pick_first:
        page.locator('#review-form input[name="choice"]').first.check()
    elif own_excerpt is not None:
        page.check("#choice-custom")
        page.fill("#custom-excerpt", own_excerpt)
    page.check(f'#review-form input[name="topics"][value="{TOPIC}"]')
    page.click("#approve")
    expect(page.locator("div.flash")).to_contain_text("Approved:")


def test_the_seed_page_made_in_the_browser(
    page: Page, app: AppServer, crawled: tuple[Aggregator, dict[str, int]]
) -> None:
    core, ids = crawled
    page.goto(f"{app.base}/login")
    page.fill('input[name="name"]', "curator")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    expect(page).to_have_url(f"{app.base}/queue")

    _approve(page, app, ids["guardian"], own_excerpt=None, pick_first=True)
    assert core.items.get(ids["guardian"]).excerpt == quotation(GUARDIAN_TITLE, "Institute")
    _approve(page, app, ids["iwa"], own_excerpt=quotation(IWA_TITLE, "Involve newsletter"), pick_first=False)
    _approve(page, app, ids["issue"], own_excerpt=None, pick_first=False)
    assert {core.items.get(i).status for i in ids.values()} == {"approved"}
    page.goto(f"{app.base}/items/{ids['issue']}")
    expect(page.locator("#bullets li.bullet")).to_have_count(6)

    page.goto(f"{app.base}/manage/topics")
    form = page.locator(f'form.topic-form[data-slug="{TOPIC}"]')
    form.locator('textarea[name="intro"]').fill(INTRO)
    form.locator('button[type="submit"]').first.click()
    expect(page.locator("div.flash")).to_contain_text("saved")

    page.goto(f"{app.base}/topics/{TOPIC}/")
    main = page.locator("main")
    blocks = main.locator("h1, p, h2, li, blockquote > p")
    shown = [" ".join(t.split()) for t in blocks.all_inner_texts()]
    assert list(dict.fromkeys(s for s in shown if s)) == [line.removeprefix("• ") for line in seed_entries()]
    expect(main.locator(".intro a")).to_have_attribute(
        "href", "https://www.alliance4usefulevidence.org/publication/mini-publics/"
    )
    # The feeds are linked where the app is served, not at a configured localhost:8000.
    expect(page.locator('link[type="application/atom+xml"]')).to_have_attribute(
        "href", f"{app.base}/topics/{TOPIC}/atom.xml"
    )
    assert core.items.get(ids["guardian"]).excerpt == quotation(GUARDIAN_TITLE, "Institute")
