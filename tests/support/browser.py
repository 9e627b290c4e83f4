"""Debian's Chromium driven by Playwright, for the tests that open pages in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.support.databases import missing

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work here; these flags keep Debian's quiet and offline.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium() -> None:
    """Skip the calling test module without Chromium, except in CI, where that is an error."""
    if not CHROMIUM.exists():
        missing("browser", "Debian's chromium is not installed (apt-get install chromium)", module=True)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Yield a headless Chromium, closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def browser_page(browser: Browser, width: int, init_script: str | None = None) -> Iterator[Page]:
    """Yield a tab of a fresh context (cookies of its own), ``width`` pixels wide, 10 s per action."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    if init_script is not None:
        context.add_init_script(init_script)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextmanager
def app_core(folder: Path) -> Iterator[Aggregator]:
    """Yield a product on a fresh SQLite file in ``folder``, allowed to fetch from the tests' 127.0.0.1."""
    core = Aggregator(
        Config(database_url=f"sqlite:///{folder / 'aggregator.db'}", allow_private_networks=True)
    )
    core.init_db()
    try:
        yield core
    finally:
        core.close()


def press(page: Page, key: str) -> None:
    """Press ``key`` once the page's script listens: a key pressed while a new page still loads is lost.

    The app's script is deferred, so its key handler exists from the page's "load" on; the tests'
    URL checks pass as soon as the new page is committed, which on a loaded machine is earlier.
    """
    page.wait_for_load_state("load")
    page.keyboard.press(key)
