"""Keys, clicks and page loads a curator needs to publish the seed's three entries from the demo.

    .venv/bin/python bench/curator_keys.py            # --keep DIR keeps the demo database there

The seed's topic page ("Citizens assemblies", ../shared/seed/) holds a Guardian article, an
Institute of Welsh Affairs article and an Involve newsletter issue, each with a chosen quotation.
This crawls the offline demo (``aggregator demo --no-serve``) into a fresh folder, starts the
curator app on it, and drives Debian's Chromium through Playwright as a curator would, from the
queue, with the keyboard alone: for each entry, search for it, open the best match, pick the
proposed excerpt that is a quotation, tick the topic, approve. Every key pressed is counted (the
words typed into the search box are counted apart, as characters), every click, and every page
the browser loads. At the end the published topic page must show the three entries with the
chosen excerpts, or the run fails: a count of a task that did not get done means nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import html
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

from playwright.sync_api import Page, sync_playwright

from aggregator.config import Config
from aggregator.core import Aggregator

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / ".venv" / "bin" / "aggregator"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench curator password"  # noqa: S105 (a throwaway user of a throwaway database)
TOPIC = "citizens-assemblies"
COUNCILS = "Councils turn to citizens' assemblies after declaring climate emergencies"


@dataclass(frozen=True)
class Entry:
    """One entry of the seed's kind: what the curator types to find it, and the excerpt they want."""

    kind: str
    search: str
    title: str
    # The proposal the curator takes: its first words (the quotation the seed's entries carry).
    excerpt_start: str


ENTRIES = (
    Entry(
        "Guardian article",
        "wales hard choices",
        "Wales should use citizens' assemblies to tackle hard choices, report says",
        "",
    ),
    Entry(
        "Institute of Welsh Affairs article",
        "deliberation wales governs",
        "Making deliberation part of how Wales governs",
        "",
    ),
    Entry("Involve newsletter issue", "summer of citizens", "A summer of citizens' assemblies", ""),
)


@dataclass
class Tally:
    """What the curator did."""

    keys: int = 0
    typed: int = 0
    clicks: int = 0
    loads: int = 0
    search_rank: int = 0
    log: list[str] = field(default_factory=list)

    def press(self, page: Page, key: str) -> None:
        self.keys += 1
        self.log.append(key)
        page.keyboard.press(key)

    def type(self, page: Page, text: str) -> None:
        self.typed += len(text)
        self.log.append(repr(text))
        page.keyboard.type(text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo(folder: Path) -> Aggregator:
    """Crawl the demo into ``folder``/aggregator.db and return it with a curator who can log in."""
    env = {**os.environ, "AGGREGATOR_DATABASE_URL": f"sqlite:///{folder / 'aggregator.db'}"}
    subprocess.run(
        [str(CLI), "demo", "--no-serve", "--port", str(free_port())],
        cwd=folder,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    core = Aggregator(Config(database_url=env["AGGREGATOR_DATABASE_URL"]))
    core.users.add("curator", role="curator", password=PASSWORD)
    return core


def wait_up(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 (our own local app)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app did not start at {url}")


def pick(page: Page, entry: Entry) -> int:
    """Return the number key of the proposal the curator wants: the first quotation (“ or ")."""
    proposals = page.locator("#review-form label.candidate").all_inner_texts()[:-1]
    for n, text in enumerate(proposals, start=1):
        words = text.strip().split(" ", 1)[-1]
        if entry.excerpt_start and words.startswith(entry.excerpt_start):
            return n
        if not entry.excerpt_start and words[:1] in "“\"'‘":
            return n
    return 1


def run(base: str, core: Aggregator) -> tuple[Tally, list[str]]:
    tally = Tally()
    chosen: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.set_default_timeout(15_000)
        # Logging in is not part of the task.
        page.goto(f"{base}/login")
        page.fill('input[name="name"]', "curator")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url(f"{base}/queue")

        def counted(_: Page) -> None:
            tally.loads += 1

        page.on("load", counted)
        for entry in ENTRIES:
            tally.press(page, "/")
            page.wait_for_function("document.activeElement && document.activeElement.id === 'search'")
            tally.type(page, entry.search)
            tally.press(page, "Enter")
            page.wait_for_url("**/queue?*")
            first = page.locator("tr.item-row.current a.title")
            if first.inner_text() != entry.title:
                raise SystemExit(f"searching {entry.search!r} put {first.inner_text()!r} first")
            tally.press(page, "Enter")
            page.wait_for_url("**/items/*")
            n = pick(page, entry)
            radio = page.locator(f'input[name="choice"][value="{n - 1}"]')
            if not radio.is_checked():
                tally.press(page, str(n))
            chosen.append(page.locator("#review-form label.candidate").nth(n - 1).inner_text().strip())
            box = page.locator(f'#topics input[value="{TOPIC}"]')
            if not box.is_checked():
                tally.press(page, "t")
                # The first topic box has focus; the demo has one topic.
                tally.press(page, "Space")
            item_url = page.url
            tally.press(page, "a")
            page.wait_for_url(lambda url, before=item_url: url != before)
        # The search: "councils turn" put the item of that title fourth when sorted newest first.
        page.remove_listener("load", counted)
        page.goto(f"{base}/queue?q=councils+turn")
        titles = page.locator("tr.item-row a.title").all_inner_texts()
        tally.search_rank = 1 + titles.index(COUNCILS) if COUNCILS in titles else 0
        browser.close()
    return tally, chosen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", type=Path, help="build the demo database in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="curator-keys-"))
    folder.mkdir(parents=True, exist_ok=True)
    core = build_demo(folder)
    port = free_port()
    env = {**os.environ, "AGGREGATOR_DATABASE_URL": str(core.config.database_url)}
    app = subprocess.Popen(
        [str(CLI), "serve", "--port", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_up(f"{base}/login")
        tally, chosen = run(base, core)
        with urllib.request.urlopen(f"{base}/topics/{TOPIC}/") as answer:  # noqa: S310 (our own app)
            published = html.unescape(answer.read().decode())
    finally:
        app.terminate()
        app.wait(10)
    missing = [e.title for e in ENTRIES if e.title not in published]
    missing += [x for x in chosen if x.split(" ", 1)[-1][:60] not in published]
    if missing:
        raise SystemExit(f"not on the published topic page: {missing}")
    for entry, excerpt in zip(ENTRIES, chosen, strict=True):
        print(f"{entry.kind}: {entry.title}\n    excerpt: {excerpt[:110]}")
    print(f"\nkeys pressed: {tally.keys} (plus {tally.typed} characters typed in {len(ENTRIES)} searches)")
    print(f"clicks: {tally.clicks}")
    print(f"page loads: {tally.loads} ({tally.loads / len(ENTRIES):.1f} per entry)")
    print("keys: " + " ".join(tally.log))
    print(f'searching "councils turn": {COUNCILS!r} is result {tally.search_rank or "(missing)"}')


if __name__ == "__main__":
    main()
