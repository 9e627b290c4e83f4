"""A curator's day in Debian's Chromium: log in, filter, approve by keyboard, curate an item, add a source.

The app runs under uvicorn on 127.0.0.1 over a SQLite file; Playwright drives /usr/bin/chromium
(Playwright's own browser download does not work here). One browser for the module, one context
(fresh cookies) per test. Screenshots of the queue and the item page go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.core import Aggregator
from aggregator.web import create_app
from tests.support.app_server import AppServer
from tests.support.curator import PASSWORD, Seeded, add_users, seed
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.support.browser import app_core, browser_page, press, require_chromium  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

require_chromium()


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aggregator]:
    with app_core(tmp_path_factory.mktemp("browser")) as agg:
        yield agg


@pytest.fixture(scope="module")
def seeded(core: Aggregator) -> Seeded:
    add_users(core)
    return seed(core)


@pytest.fixture(scope="module")
def app(core: Aggregator, seeded: Seeded) -> Iterator[AppServer]:
    server = AppServer(create_app(core)).start()
    yield server
    server.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with browser_page(browser, width=1400) as tab:
        yield tab


def log_in(page: Page, app: AppServer, name: str) -> None:
    page.goto(f"{app.base}/queue")
    expect(page).to_have_url(f"{app.base}/login?next=%2Fqueue")
    page.fill('input[name="name"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    expect(page).to_have_url(f"{app.base}/queue")


def test_log_in_filter_the_queue_and_approve_with_the_keyboard(
    page: Page, app: AppServer, core: Aggregator, seeded: Seeded
) -> None:
    log_in(page, app, "curator")
    rows = page.locator("tr.item-row")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_have_class("item-row status-new current")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)
    press(page, "j")
    expect(rows.nth(1)).to_have_class("item-row status-new current")
    press(page, "k")
    expect(rows.nth(0)).to_have_class("item-row status-new current")
    press(page, "?")
    expect(page.locator("#keys")).to_be_visible()
    press(page, "Escape")
    expect(page.locator("#keys")).to_be_hidden()

    press(page, "/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("Newport")
    press(page, "Enter")
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("a.title")).to_have_text("Participatory budgeting needs more than a vote")

    press(page, "a")
    expect(rows.nth(0).locator("td.status")).to_have_text("approved")
    expect(page.locator("div.flash")).to_contain_text("Approved: Participatory budgeting")
    item = core.items.get(seeded.budget)
    assert (item.status, item.reviewed_by) == ("approved", "curator")

    page.select_option('select[name="language"]', "cy")
    page.fill("#search", "")
    page.click('#filters button[type="submit"]')
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_have_attribute("data-id", str(seeded.welsh))


def test_pick_an_excerpt_assign_a_topic_reject_and_read_the_audit_log(
    page: Page, app: AppServer, core: Aggregator, seeded: Seeded
) -> None:
    log_in(page, app, "curator")
    press(page, "/")
    page.keyboard.type("Birmingham")
    press(page, "Enter")
    expect(page.locator("tr.item-row")).to_have_count(1)
    press(page, "e")
    expect(page).to_have_url(f"{app.base}/items/{seeded.assembly}?status=new&q=Birmingham")
    expect(page.locator("article.item h1")).to_have_text("Britain's first climate assembly")
    expect(page.locator("a.original")).to_have_attribute("href", "https://example.org/climate-assembly")

    # The one form saves the excerpt and topic together, without approving.
    page.locator("#review-form label.candidate").first.click()
    page.check('#topics input[value="budgets"]')
    page.click("#save")
    expect(page.locator("div.flash")).to_have_text("Saved.")
    expect(page.locator('#topics input[value="budgets"]')).to_be_checked()
    expect(page.locator('input[name="choice"][value="0"]')).to_be_checked()

    page.fill('#reject-form input[name="reason"]', "covered elsewhere")
    page.click('#reject-form button[type="submit"]')
    # The only item of that search: rejecting it leaves the curator on it.
    expect(page.locator("strong.status")).to_have_text("rejected")

    events = page.locator("section.audit tr.event")
    expect(events).to_have_count(3)
    expect(events.nth(0)).to_contain_text("curator")
    expect(events.nth(0)).to_contain_text("excerpt")
    expect(events.nth(1)).to_contain_text("topics")
    expect(events.nth(2)).to_contain_text("covered elsewhere")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "item.png"), full_page=True)

    item = core.items.get(seeded.assembly)
    assert item.status == "rejected"
    assert item.excerpt is not None
    assert item.excerpt.startswith("“I am interested")
    assert "budgets" in item.topics


def test_an_admin_adds_a_source_by_its_page_url(page: Page, app: AppServer, core: Aggregator) -> None:
    site = LocalServer().start()
    try:
        site.routes["/"] = Reply(
            b'<html><head><link rel="alternate" type="application/atom+xml" href="/feed.xml"></head></html>'
        )
        site.routes["/feed.xml"] = Reply(
            rss(
                [Entry(site.url("/a"), "A", dt.datetime(2024, 1, 1, tzinfo=dt.UTC))],
                title="Local Deliberation",
            ),
            content_type="application/rss+xml",
        )
        log_in(page, app, "admin")
        page.click('nav a[href="/manage/sources"]')
        page.fill('#add-source input[name="url"]', site.url("/"))
        page.click('#add-source button[type="submit"]')
        expect(page.locator("div.flash")).to_contain_text("Added 'Local Deliberation'")
        expect(page.locator('tr.source-row[data-name="Local Deliberation"] td.health')).to_have_text(
            "never crawled"
        )
        assert core.sources.get("Local Deliberation").url == site.url("/feed.xml")
    finally:
        site.stop()


def test_harvested_script_and_onerror_payloads_run_nothing(
    page: Page, app: AppServer, seeded: Seeded
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, app, "viewer")
    page.goto(f"{app.base}/queue?q=payload")
    expect(page.locator("tr.item-row a.title")).to_contain_text("<script>window.__pwned = 1</script>")
    page.goto(f"{app.base}/items/{seeded.xss}")
    expect(page.locator("article.item h1")).to_contain_text('<img src=x onerror="window.__pwned = 2">')
    expect(page.locator("section.text")).to_contain_text('<script>alert("text")</script>')
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("article.item img, article.item svg, tr.item-row img").count() == 0
    assert dialogs == []
    # The app's own script did run: the keyboard works on this very page.
    press(page, "?")
    expect(page.locator("#keys")).to_be_visible()


def test_open_the_original_and_bulk_approve_with_the_keyboard(
    page: Page, app: AppServer, core: Aggregator, seeded: Seeded
) -> None:
    from tests.support.curator import item

    site = LocalServer().start()
    try:
        site.routes["/original"] = Reply(
            b"<html><head><title>The original</title></head><body>Hi</body></html>"
        )
        # Newer than every seeded item, so first in the queue; not in the future, which no reader
        # stores and the coverage charts drawn from the same database would show.
        latest = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
        first = item(core, seeded.guardian, "bulk-one", published=latest, url=site.url("/original"))
        second = item(core, seeded.guardian, "bulk-two", published=latest - dt.timedelta(days=1))
        log_in(page, app, "curator")
        # A filtered queue, so the bulk action has filters to come back to.
        page.goto(f"{app.base}/queue?source=Guardian")
        rows = page.locator("tr.item-row")
        expect(rows.nth(0)).to_have_attribute("data-id", str(first))
        with page.context.expect_page() as opened:
            press(page, "o")
        original = opened.value
        original.wait_for_load_state()
        assert original.url == site.url("/original")
        # Opened without a window.opener and without telling the site where the curator came from.
        assert original.evaluate("window.opener") is None
        assert site.requests_to("/original")[0].headers.get("Referer") is None
        original.close()

        press(page, "x")
        press(page, "j")
        press(page, "x")
        page.click('#bulk button[value="approve"]')
        expect(page.locator("div.flash")).to_have_text("Approved 2 items.")
        expect(page).to_have_url(f"{app.base}/queue?source=Guardian")
        assert core.items.get(first).status == "approved"
        assert core.items.get(second).status == "approved"
        assert core.items.get(second).events[-1].detail["bulk"] is True
    finally:
        site.stop()


def test_the_coverage_charts_render_with_scripts_turned_off(browser: Browser, app: AppServer) -> None:
    # Drawn on the server as SVG images: with JavaScript off in the browser they show all the same.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, app, "viewer")
        page.goto(f"{app.base}/manage/coverage?months=120")
        expect(page.locator("table.sources")).to_contain_text("IWA")
        charts = page.locator("img.chart")
        expect(charts).to_have_count(2)
        for n in range(2):
            chart = charts.nth(n)
            chart.scroll_into_view_if_needed()
            loaded = chart.evaluate("img => img.complete && img.naturalWidth")
            assert loaded == 720, f"chart {n} did not render: {loaded!r}"
        assert page.locator("script:not([src])").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "coverage.png"), full_page=True)
    finally:
        context.close()
