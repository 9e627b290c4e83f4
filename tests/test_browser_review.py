"""The item page's one review form and the keyboard, in Debian's Chromium.

Each test reviews the items of a source of its own (the queue filtered by that source), so the
tests share one database and app without seeing each other's work. Screenshots of the queue and an
item page at 1366x768 go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.core import Aggregator
from aggregator.services.items import TopicMatch
from aggregator.web import create_app
from tests.support.app_server import AppServer
from tests.support.curator import PASSWORD, add_users, item

playwright_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from tests.support.browser import app_core, chromium, press, require_chromium  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
DAY = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
TOWNS = [
    "Aberystwyth",
    "Bangor",
    "Brecon",
    "Caernarfon",
    "Cardiff",
    "Carmarthen",
    "Conwy",
    "Denbigh",
    "Flint",
    "Harlech",
    "Llandudno",
    "Merthyr",
    "Monmouth",
    "Neath",
    "Newport",
    "Pembroke",
    "Porthcawl",
    "Rhyl",
    "Ruthin",
    "Swansea",
    "Tenby",
    "Wrexham",
]

require_chromium()


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Aggregator]:
    with app_core(tmp_path_factory.mktemp("review")) as agg:
        add_users(agg)
        agg.topics.add("citizens-assemblies", name="Citizens assemblies", include=["citizens' assembly"])
        agg.topics.add("budgets", name="Participatory budgets", include=["participatory budgeting"])
        yield agg


@pytest.fixture(scope="module")
def app(core: Aggregator) -> Iterator[AppServer]:
    server = AppServer(create_app(core)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, app: AppServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(f"{app.base}/login")
    tab.fill('input[name="name"]', "curator")
    tab.fill('input[name="password"]', PASSWORD)
    tab.click('button[type="submit"]')
    expect(tab).to_have_url(f"{app.base}/queue")
    yield tab
    context.close()


def source_with(core: Aggregator, name: str, count: int, **values: object) -> list[int]:
    """Add a source holding ``count`` items, newest first in the returned list."""
    source = core.sources.add(f"https://{name.lower()}.example.org/feed", name=name).id
    ids = []
    for n in range(count):
        town = TOWNS[n % len(TOWNS)]
        fields: dict[str, object] = {
            "title": f"{name} {town} report",
            "text": f"{town} met.\n{town} residents spoke about their council.\nThe end in {town}.",
            "summary": f"What {town} residents said to their council about spending.",
            "published": DAY - dt.timedelta(days=n),
            **values,
        }
        ids.append(item(core, source, f"{name.lower()}-{n}", **fields))
    return ids


def test_pick_excerpt_and_topic_press_a_on_the_radio_and_the_topic_page_has_it(
    page: Page, app: AppServer, core: Aggregator
) -> None:
    ids = source_with(core, "Trap", 3, excerpt_candidates=("First proposal.", "Second proposal, chosen."))
    page.goto(f"{app.base}/queue?status=new&source=Trap")
    press(page, "Enter")
    expect(page).to_have_url(f"{app.base}/items/{ids[0]}?status=new&source=Trap")
    page.click('#topics input[value="budgets"]')
    page.click("#review-form label.candidate >> nth=1")
    expect(page.locator('input[name="choice"][value="1"]')).to_be_focused()
    press(page, "a")
    # Approved with everything picked, and the next item of the same queue is open.
    expect(page).to_have_url(f"{app.base}/items/{ids[1]}?status=new&source=Trap")
    expect(page.locator("div.flash")).to_contain_text("Approved: Trap Aberystwyth report")
    approved = core.items.get(ids[0])
    assert (approved.status, approved.excerpt, approved.topics) == (
        "approved",
        "Second proposal, chosen.",
        ("budgets",),
    )
    page.goto(f"{app.base}/topics/budgets/")
    expect(page.locator("body")).to_contain_text("Trap Aberystwyth report")
    expect(page.locator("body")).to_contain_text("Second proposal, chosen.")


def test_select_text_use_it_and_approve_from_a_text_field_asks_once_without_topic(
    page: Page, app: AppServer, core: Aggregator
) -> None:
    ids = source_with(core, "Select", 2)
    page.goto(f"{app.base}/items/{ids[0]}?status=new&source=Select")
    paragraphs = page.locator("#article-text p")
    expect(paragraphs).to_have_count(4)  # the link to the original, then the text's three paragraphs
    paragraphs.nth(2).click(click_count=3)
    press(page, "c")
    expect(page.locator("#custom-excerpt")).to_have_value("Aberystwyth residents spoke about their council.")
    expect(page.locator("#choice-custom")).to_be_checked()
    press(page, "n")
    page.keyboard.type("Quote from paragraph two")
    press(page, "Control+Enter")
    # No topic ticked: asked once, with everything typed still there.
    expect(page.locator("#review-warning")).to_contain_text("No topic is ticked")
    expect(page.locator("#custom-excerpt")).to_have_value("Aberystwyth residents spoke about their council.")
    expect(page.locator("#edit-note")).to_have_value("Quote from paragraph two")
    assert core.items.get(ids[0]).status == "new"
    press(page, "a")
    expect(page).to_have_url(f"{app.base}/items/{ids[1]}?status=new&source=Select")
    done = core.items.get(ids[0])
    assert (done.status, done.excerpt, done.curator_note, done.topics) == (
        "approved",
        "Aberystwyth residents spoke about their council.",
        "Quote from paragraph two",
        (),
    )


def test_j_and_k_on_the_item_page_and_undo_a_reject(page: Page, app: AppServer, core: Aggregator) -> None:
    ids = source_with(core, "Walk", 3)
    page.goto(f"{app.base}/queue?status=new&source=Walk")
    press(page, "Enter")
    expect(page).to_have_url(f"{app.base}/items/{ids[0]}?status=new&source=Walk")
    press(page, "j")
    expect(page).to_have_url(f"{app.base}/items/{ids[1]}?status=new&source=Walk")
    press(page, "j")
    expect(page).to_have_url(f"{app.base}/items/{ids[2]}?status=new&source=Walk")
    press(page, "k")
    expect(page).to_have_url(f"{app.base}/items/{ids[1]}?status=new&source=Walk")
    press(page, "r")
    expect(page).to_have_url(f"{app.base}/items/{ids[2]}?status=new&source=Walk")
    assert core.items.get(ids[1]).status == "rejected"
    expect(page.locator("#undo-form")).to_be_visible()
    # The Undo button sits inside the flash's box (a form inside a <p> closed the paragraph before it).
    expect(page.locator("div.flash #undo-form")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    clip = {"x": 0, "y": 0, "width": 1280, "height": 200}
    page.screenshot(path=str(ARTIFACTS / "item-undo.png"), clip=clip)
    press(page, "u")
    expect(page).to_have_url(f"{app.base}/items/{ids[1]}?status=new&source=Walk")
    expect(page.locator("div.flash")).to_contain_text("is new again")
    assert core.items.get(ids[1]).status == "new"
    press(page, "?")
    expect(page.locator("#keys")).to_contain_text("use the text selected in the article")
    press(page, "Escape")
    press(page, "g")
    press(page, "t")
    expect(page).to_have_url(f"{app.base}/manage/topics")
    press(page, "?")
    expect(page.locator("#keys")).not_to_contain_text("approve")
    press(page, "g")
    press(page, "q")
    expect(page).to_have_url(f"{app.base}/queue")


def test_a_dense_queue_with_its_total_kinds_words_and_undo(
    page: Page, app: AppServer, core: Aggregator
) -> None:
    topic = core.topics.get("citizens-assemblies")
    match = TopicMatch(topic.id, 0.8, ("citizens' assembly",))
    ids = source_with(core, "Dense", 22, topic_matches=(match,))
    issue = item(
        core,
        core.sources.get("Dense").id,
        "dense-issue",
        title="Dense newsletter, May",
        kind="newsletter",
        published=DAY + dt.timedelta(days=1),
    )
    page.goto(f"{app.base}/queue?source=Dense")
    rows = page.locator("tr.item-row")
    expect(page.locator("#total")).to_have_text("23 items")
    expect(rows).to_have_count(23)
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('tr.item-row'))"
        ".filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length"
    )
    assert visible >= 15, visible
    expect(rows.nth(0).locator("span.kind")).to_have_text("newsletter issue")
    expect(rows.nth(1).locator("span.kind")).to_have_text("article")
    chip = rows.nth(1).locator("span.score")
    expect(chip).to_have_text("citizens-assemblies strong")
    expect(chip).to_have_attribute("title", "strong match: citizens' assembly")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue-1366.png"))

    press(page, "a")
    expect(rows.nth(0).locator("td.status")).to_have_text("approved")
    assert core.items.get(issue).status == "approved"
    press(page, "u")
    expect(rows.nth(0).locator("td.status")).to_have_text("new")
    expect(page.locator("div.flash")).to_contain_text("is new again")
    assert core.items.get(issue).status == "new"

    page.goto(f"{app.base}/items/{ids[0]}?source=Dense")
    page.screenshot(path=str(ARTIFACTS / "item-1366.png"))
    # The header holds on one line at 1366 px: its first link, last link and "Log out" share a top.
    tops = [
        page.locator(selector).first.bounding_box()["y"]  # type: ignore[index]
        for selector in ("header.top nav a", "header.top nav a >> nth=-1", "header.top .who [type=submit]")
    ]
    assert max(tops) - min(tops) < 8, tops
    # Pairing by hand is folded away below the status line.
    expect(page.locator("#pair-form")).to_be_hidden()
