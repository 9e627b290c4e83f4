"""The learned queue order through the services, the API, the CLI and the queue page, on both databases."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

from click.testing import CliRunner
from fastapi.testclient import TestClient

from aggregator.cli import main
from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.web.app import create_app
from tests.support.curator import add_users, item, login
from tests.support.themes import THEMES, themed_texts


def store_themes(core: Aggregator, per_theme: int = 10) -> dict[str, list[int]]:
    """Store items of three themes (no topic's rules match them); return their ids by theme."""
    rng = random.Random(5)
    source = core.sources.add("https://news.example.org/feed", name="News").id
    ids: dict[str, list[int]] = {}
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    texts = themed_texts(rng, per_theme, ("harbour", "budget", "garden"))
    for n, (theme, k, title, text) in enumerate(texts):
        published = start + dt.timedelta(hours=n)
        made = item(core, source, f"{theme}-{k}", title=title, text=text, published=published)
        ids.setdefault(theme, []).append(made)
    return ids


def order(core: Aggregator, sort: str = "likely", topic: str | None = "ports") -> list[int]:
    return [i.id for i in core.items.query(status="new", topic=topic, sort=sort, limit=None)]


def chances(core: Aggregator) -> list[tuple[int, float]]:
    found = core.items.query(status="new", topic="ports", sort="likely", limit=None)
    return [(i.id, i.why.likelihood if i.why else -1.0) for i in found]


def test_decisions_change_the_order_and_a_restart_keeps_it(core: Aggregator, config: Config) -> None:
    ids = store_themes(core)
    core.topics.add("ports", name="Ports")  # no terms: nothing matches its rules
    before = order(core)
    # Every new item is in a topic's learned order, matched by its rules or not.
    assert sorted(before) == sorted(i for theme in ids.values() for i in theme)
    core.items.approve(ids["harbour"][0], actor="ann", topics=["ports"])
    core.items.approve(ids["harbour"][1], actor="ann", topics=["ports"])
    core.items.reject(ids["budget"][0], actor="ann")
    core.items.reject(ids["garden"][0], actor="ann")
    after = order(core)
    assert after != before
    # The next page reflects the decisions: the remaining harbour items first.
    assert set(after[:8]) == set(ids["harbour"][2:])
    page = core.items.query(status="new", topic="ports", sort="likely", limit=3)
    first = page[0].why
    assert first is not None
    assert first.topic == "ports"
    # Why: the harbour words it shares with the approved items raised it.
    assert set(first.raised) & set(THEMES["harbour"].split())
    assert page[0].why.likelihood >= page[2].why.likelihood  # type: ignore[union-attr]
    # Least certain first is another order of the same items.
    uncertain = order(core, "uncertain")
    assert sorted(uncertain) == sorted(after)
    assert uncertain != after
    likelihoods = chances(core)
    # A restart (a new core over the same database) rebuilds the same model from the stored decisions.
    again = Aggregator(config)
    try:
        assert order(again) == after
        assert chances(again) == likelihoods
        # A decision taken in the other process shows in this one's next page.
        again.items.reject(after[0], actor="bob")
        assert after[0] not in order(core)
        assert order(core) == order(again)
    finally:
        again.close()


def test_the_order_over_all_topics_takes_each_items_best_topic(core: Aggregator) -> None:
    ids = store_themes(core, per_theme=6)
    core.topics.add("ports", name="Ports", include=["harbour"])
    core.topics.add("money", name="Money", include=["budget"])
    everything = core.items.query(status="new", sort="likely", limit=None)
    assert len(everything) == 18
    matched = {i.id: i.scores[0].slug for i in everything if i.scores and i.scores[0].score > 0}
    assert matched
    assert set(matched.values()) == {"ports", "money"}
    # Before any decision, items whose words match a topic's terms lead, each under the topic it matches.
    lead = everything[: len(matched)]
    assert {i.id: i.why.topic for i in lead if i.why is not None} == matched
    assert all(i in ids["harbour"] + ids["budget"] for i in matched)


def test_the_api_the_cli_and_the_queue_page(core: Aggregator, config: Config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    add_users(core)
    ids = store_themes(core, per_theme=6)
    core.topics.add("ports", name="Ports")
    core.items.approve(ids["harbour"][0], actor="ann", topics=["ports"])
    core.items.reject(ids["budget"][0], actor="ann")
    with TestClient(create_app(core)) as client:
        login(client, "viewer")
        params = {"status": "new", "topic": "ports", "sort": "likely", "limit": "5"}
        found = client.get("/api/items", params=params).json()
        assert len(found["items"]) == 5
        assert found["next_offset"] == 5
        assert all(0.0 <= i["why"]["likelihood"] <= 1.0 for i in found["items"])
        assert found["items"][0]["id"] in ids["harbour"]
        rest = client.get("/api/items", params={**params, "offset": "5", "limit": "100"}).json()
        assert len(found["items"]) + len(rest["items"]) == 16
        assert rest["next_offset"] is None
        assert client.get("/api/items", params={**params, "sort": "uncertain"}).status_code == 200
        report = client.get("/api/topics/ports/model").json()
        assert report["decisions"] == 2
        assert report["relevant"] == 1
        assert report["queue"] == 16
        assert client.get("/api/topics/nowhere/model").status_code == 404
        # The queue page orders a chosen topic most likely first, with the why and the model's report.
        page = client.get("/queue", params={"topic": "ports"}).text
        rows = [int(i) for i in re.findall(r'<tr class="item-row[^"]*" data-id="(\d+)"', page)]
        assert rows == [i["id"] for i in found["items"] + rest["items"]]
        assert 'id="model-report"' in page
        assert "Learned from 2 decisions" in page
        assert "likely (ports)" in page
        assert "raised by" in page
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", config.database_url)
    result = CliRunner().invoke(main, ["items", "list", "--topic", "ports", "--sort", "likely", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [i["id"] for i in listed] == rows
    assert listed[0]["why"]["topic"] == "ports"
    shown = CliRunner().invoke(main, ["topics", "model", "ports"])
    assert shown.exit_code == 0
    assert "2 decisions" in shown.output
