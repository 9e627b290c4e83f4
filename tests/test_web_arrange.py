"""The app's side of issue 14: publisher and kind on the item page, bullets hidden from an issue's
entry, a topic's entries moved up and down (forms and API), the topic's entry order."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from aggregator.core import Aggregator
from aggregator.publish.service import topic_page
from aggregator.reader.newsletters import Story
from tests.support.curator import Seeded, item, login

TOPIC = "citizens-assemblies"


def test_publisher_and_kind_are_edited_on_the_item_page(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "curator")
    core.items.approve(seeded.assembly, actor="ann", topics=[TOPIC])
    page = client.get(f"/items/{seeded.assembly}")
    assert 'id="edit-publisher"' in page.text
    saved = client.post(
        f"/items/{seeded.assembly}/review",
        data={
            "csrf_token": token,
            "title": "Britain's first climate assembly",
            "topics": TOPIC,
            "publisher": "Institute of Welsh Affairs",
            "kind": "report",
            "save": "1",
        },
    )
    assert saved.status_code == 200
    assert "Not saved" not in saved.text
    entry = topic_page(core, TOPIC).entries[0]
    assert entry.heading == "July 2019 Institute of Welsh Affairs report (Click on Wales):"
    api = client.patch(
        f"/api/items/{seeded.assembly}",
        json={"publisher": "", "kind": "article"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 200, api.text
    # Its URL is not on its source's site, and no publisher is known for the host: the host it is.
    assert topic_page(core, TOPIC).entries[0].heading == "July 2019 example.org article:"


def test_bullets_are_hidden_from_the_issue_and_entries_moved(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "curator")
    involve = core.sources.add(
        "https://involve.org.uk/news", name="Involve", settings={"label": "Involve"}
    ).id
    issue = item(
        core,
        involve,
        "summer",
        url="https://involve.org.uk/news/summer",
        kind="newsletter",
        published=dt.datetime(2019, 8, 30, tzinfo=dt.UTC),
        bullets=(
            Story("https://involve.org.uk/a", "First story?", "Its text.", "First story?"),
            Story("https://involve.org.uk/b", "Second story", "More text.", "Read it"),
        ),
    )
    for each in (seeded.assembly, issue):
        core.items.approve(each, actor="ann", topics=[TOPIC])
    assert "Bullets" in client.get(f"/items/{issue}").text
    client.post(f"/items/{issue}/bullets/1", data={"csrf_token": token, "hidden": "true"})
    entry = next(e for e in topic_page(core, TOPIC).entries if e.item.id == issue)
    assert [s.title for s in entry.stories] == ["Second story"]

    arrange = client.get(f"/manage/topics/{TOPIC}/entries")
    assert arrange.text.index(f'id="entry-{seeded.assembly}"') < arrange.text.index(f'id="entry-{issue}"')
    client.post(f"/manage/topics/{TOPIC}/entries/{issue}/move", data={"csrf_token": token, "offset": "-1"})
    assert [e.item.id for e in topic_page(core, TOPIC).entries] == [issue, seeded.assembly]
    moved = client.post(
        f"/api/topics/{TOPIC}/entries/{issue}/move", json={"offset": 1}, headers={"X-CSRF-Token": token}
    )
    assert moved.json() == {"order": "manual", "entries": [seeded.assembly, issue]}
    client.post(
        f"/manage/topics/{TOPIC}",
        data={"csrf_token": token, "name": "Citizens assemblies", "order": "newest"},
    )
    assert core.topics.get(TOPIC).entry_order == "newest"
    assert [e.item.id for e in topic_page(core, TOPIC).entries] == [issue, seeded.assembly]
