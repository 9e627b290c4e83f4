"""Folded copies: what folds, what curators see of a fold, and unfolding in the service, CLI, app and API."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from aggregator.cli import main
from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.curate.duplicates import sketch
from aggregator.errors import InvalidInput
from aggregator.services.harvested import Harvested
from aggregator.services.items import Outcome
from tests.support.curator import Seeded, login
from tests.test_duplicates import ASSEMBLY, LIBRARY, REPOST, TRIAL_A, TRIAL_B
from tests.test_sources import harvested


def article(source_id: int, url: str, text: str) -> Harvested:
    return harvested(source_id, url, title=url.rsplit("/", 1)[-1], text=text, sketch=sketch(text))


@pytest.fixture
def sources(core: Aggregator) -> tuple[int, int]:
    return (
        core.sources.add("https://www.iwa.wales/feed/", name="IWA").id,
        core.sources.add("https://nation.cymru/feed/", name="Nation.Cymru").id,
    )


def stored(core: Aggregator) -> dict[str, int | None]:
    """Return each item's URL with the id of the item it is folded into."""
    return {i.url: i.duplicate_of_id for i in core.items.query(limit=None, include_duplicates=True)}


def ids(core: Aggregator) -> dict[str, int]:
    return {i.url: i.id for i in core.items.query(limit=None, include_duplicates=True)}


def test_two_trial_abstracts_are_two_queue_items_and_a_real_copy_folds(
    core: Aggregator, sources: tuple[int, int]
) -> None:
    iwa, nation = sources
    assert core.items.record(article(iwa, "https://ex.org/trial-a", TRIAL_A)) is Outcome.NEW
    assert core.items.record(article(nation, "https://ex.org/trial-b", TRIAL_B)) is Outcome.NEW
    assert core.items.record(article(iwa, "https://ex.org/assembly", ASSEMBLY)) is Outcome.NEW
    assert core.items.record(article(nation, "https://ex.org/repost", REPOST)) is Outcome.SYNDICATED
    known = ids(core)
    assert stored(core) == {
        "https://ex.org/trial-a": None,
        "https://ex.org/trial-b": None,
        "https://ex.org/assembly": None,
        "https://ex.org/repost": known["https://ex.org/assembly"],
    }
    queue = {i.url for i in core.items.query(status="new", limit=None)}
    assert queue == {"https://ex.org/trial-a", "https://ex.org/trial-b", "https://ex.org/assembly"}


def test_a_batch_folds_as_single_records_do(core: Aggregator, sources: tuple[int, int]) -> None:
    iwa, nation = sources
    batch = [
        article(iwa, "https://ex.org/trial-a", TRIAL_A),
        article(nation, "https://ex.org/trial-b", TRIAL_B),
        article(iwa, "https://ex.org/assembly", ASSEMBLY),
        article(nation, "https://ex.org/repost", REPOST),
        article(nation, "https://ex.org/library", LIBRARY),
    ]
    outcomes = core.items.record_many(batch)
    assert outcomes == [Outcome.NEW, Outcome.NEW, Outcome.NEW, Outcome.SYNDICATED, Outcome.NEW]


def test_a_newsletter_issue_is_never_folded(core: Aggregator, sources: tuple[int, int]) -> None:
    iwa, nation = sources
    core.items.record(article(iwa, "https://ex.org/assembly", ASSEMBLY))
    issue = harvested(nation, "https://ex.org/issue-1", kind="newsletter", text=REPOST, sketch=sketch(REPOST))
    assert core.items.record(issue) is Outcome.NEW
    assert stored(core)["https://ex.org/issue-1"] is None


def test_unfold_makes_the_copy_a_queue_item_and_survives_crawls(
    core: Aggregator, sources: tuple[int, int]
) -> None:
    iwa, nation = sources
    core.items.record(article(iwa, "https://ex.org/assembly", ASSEMBLY))
    copy = article(nation, "https://ex.org/repost", REPOST)
    core.items.record(copy)
    known = ids(core)
    original, folded = known["https://ex.org/assembly"], known["https://ex.org/repost"]
    assert [c.id for c in core.items.get(original).copies] == [folded]
    assert core.items.get(folded).original is not None

    view = core.items.unfold(folded, actor="ann")

    assert (view.duplicate_of_id, view.original) == (None, None)
    assert [(e.actor, e.action, e.detail) for e in view.events] == [("ann", "unfold", {"from": original})]
    assert [(e.action, e.detail) for e in core.items.get(original).events] == [("unfold", {"copy": folded})]
    assert core.items.get(original).copies == ()
    assert folded in {i.id for i in core.items.query(status="new")}
    with pytest.raises(InvalidInput, match="not folded"):
        core.items.unfold(folded, actor="ann")
    with pytest.raises(InvalidInput, match="not folded"):
        core.items.unfold(original, actor="ann")
    # The next crawl meets the same page again, alone and in a batch: it stays unfolded.
    assert core.items.record(copy) is Outcome.DUPLICATE
    assert core.items.record_many([copy]) == [Outcome.DUPLICATE]
    assert stored(core)["https://ex.org/repost"] is None
    # Its site moves the page: the same text under a new address is a copy of the unfolded item,
    # the closest text, not of the story it was folded into.
    moved = article(nation, "https://ex.org/2024/repost", REPOST)
    assert core.items.record(moved) is Outcome.SYNDICATED
    assert stored(core)["https://ex.org/2024/repost"] == folded


@pytest.fixture
def folded(core: Aggregator, seeded: Seeded) -> tuple[int, int]:
    """A Guardian story and its copy on IWA; return (original, copy)."""
    core.items.record(article(seeded.guardian, "https://example.org/valley-assembly", ASSEMBLY))
    core.items.record(article(seeded.iwa, "https://example.org/iwa/valley-assembly", REPOST))
    known = ids(core)
    return known["https://example.org/valley-assembly"], known["https://example.org/iwa/valley-assembly"]


def test_the_queue_says_also_in_and_the_item_pages_show_the_fold(
    client: TestClient, folded: tuple[int, int]
) -> None:
    original, copy = folded
    login(client, "viewer")
    queue = client.get("/queue").text
    rows = re.findall(r'<tr class="item-row[^"]*" data-id="(\d+)"', queue)
    assert str(original) in rows
    assert str(copy) not in rows
    assert f'also in <a href="/items/{copy}" title="valley-assembly">IWA</a>' in queue
    assert queue.count("also in") == 1
    page = client.get(f"/items/{original}").text
    assert f'<a href="/items/{copy}">IWA: valley-assembly</a>' in page
    assert 'id="unfold-form"' not in page
    copy_page = client.get(f"/items/{copy}").text
    assert f'Folded as a copy of <a href="/items/{original}">valley-assembly</a> (Guardian)' in copy_page
    # A viewer sees the button but may not use it.
    assert re.search(r'id="unfold-form">.*?<button type="submit" disabled>', copy_page, re.S)


def test_the_app_and_the_api_unfold(
    core: Aggregator, client: TestClient, seeded: Seeded, folded: tuple[int, int]
) -> None:
    original, copy = folded
    token = login(client, "viewer")
    refused = client.post(f"/api/items/{copy}/unfold", headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "curator")
    listed = client.get("/api/items").json()["items"]
    assert [c["id"] for i in listed if i["id"] == original for c in i["copies"]] == [copy]
    before = client.get(f"/api/items/{copy}").json()
    assert before["original"]["id"] == original

    done = client.post(f"/api/items/{copy}/unfold", headers={"X-CSRF-Token": token})

    assert done.status_code == 200
    body = done.json()
    assert (body["duplicate_of_id"], body["original"]) == (None, None)
    assert body["events"][-1]["action"] == "unfold"
    again = client.post(f"/api/items/{copy}/unfold", headers={"X-CSRF-Token": token})
    assert again.status_code == 422
    assert "not folded" in again.json()["error"]
    assert copy in [i["id"] for i in client.get("/api/items").json()["items"]]
    # The item page's button, on another copy.
    core.items.record(article(seeded.guardian, "https://example.org/third/valley", REPOST + " Ends."))
    third = ids(core)["https://example.org/third/valley"]
    assert core.items.get(third).duplicate_of_id is not None
    pressed = client.post(f"/items/{third}/unfold", data={"csrf_token": token}, follow_redirects=True)
    assert "Unfolded: it is in the queue on its own." in pressed.text
    assert core.items.get(third).duplicate_of_id is None


def test_the_cli_shows_and_unfolds(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", db_url)
    monkeypatch.setenv("AGGREGATOR_USER", "ann")
    runner = CliRunner()

    def cli(*args: str) -> tuple[int, str, str]:
        done = runner.invoke(main, list(args), catch_exceptions=False)
        return done.exit_code, done.stdout, done.stderr

    assert cli("init")[0] == 0
    # Stored through a core of the test's own: the CLI makes its own per command.
    store = Aggregator(Config(database_url=db_url))
    try:
        iwa = store.sources.add("https://www.iwa.wales/feed/", name="IWA").id
        nation = store.sources.add("https://nation.cymru/feed/", name="Nation.Cymru").id
        store.items.record(article(iwa, "https://ex.org/assembly", ASSEMBLY))
        store.items.record(article(nation, "https://ex.org/repost", REPOST))
        original, copy = ids(store)["https://ex.org/assembly"], ids(store)["https://ex.org/repost"]
    finally:
        store.close()
    code, out, _ = cli("items", "list")
    assert code == 0
    assert "also in Nation.Cymru" in out
    code, out, _ = cli("items", "show", str(copy))
    assert f"copy of #{original} (IWA)" in out
    code, out, _ = cli("items", "unfold", str(copy))
    assert (code, out.strip()) == (0, f"unfolded #{copy} from #{original}: repost")
    code, out, _ = cli("items", "show", str(copy), "--json")
    shown = json.loads(out)
    assert (shown["original"], shown["events"][-1]["actor"]) == (None, "ann")
    code, _, err = cli("items", "unfold", str(copy))
    assert code == 1
    assert err.strip() == f"error: item {copy} is not folded into another item"
