"""Reviewing through the app: the queue's filters, bulk actions, the item page's forms and the JSON API."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient

from aggregator.core import Aggregator
from tests.support.curator import Seeded, login


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="item-row[^"]*" data-id="(\d+)"', html)]


def test_the_queue_filters_and_searches(client: TestClient, seeded: Seeded) -> None:
    login(client, "viewer")
    everything = row_ids(client.get("/queue").text)
    # Newest first: the 2020 item, then August and July 2019, then June.
    assert everything == [seeded.budget, seeded.welsh, seeded.assembly, seeded.xss]
    assert row_ids(client.get("/queue", params={"q": "Birmingham"}).text) == [seeded.assembly]
    assert row_ids(client.get("/queue", params={"language": "cy"}).text) == [seeded.welsh]
    assert row_ids(client.get("/queue", params={"source": "IWA"}).text) == [seeded.budget, seeded.welsh]
    dated = client.get("/queue", params={"since": "2019-07-01", "until": "2019-07-31"}).text
    assert row_ids(dated) == [seeded.assembly]
    on_topic = client.get("/queue", params={"topic": "citizens-assemblies", "sort": "relevance"}).text
    assert row_ids(on_topic) == [seeded.assembly]
    assert "citizens&#39; assembly" in on_topic  # the matched terms are shown
    bad = client.get("/queue", params={"since": "last tuesday"})
    assert bad.status_code == 422
    assert "not a date" in bad.text


def test_the_queue_pages_through_items_by_cursor(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    from tests.support.curator import item

    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    for n in range(55):
        # Pairs share a date, so the id must break the tie for paging to stay exact.
        item(core, seeded.guardian, f"filler-{n}", published=start + dt.timedelta(hours=n // 2))
    undated = [item(core, seeded.iwa, f"undated-{n}", published=None) for n in range(3)]
    login(client, "viewer")
    first = client.get("/queue").text
    assert len(row_ids(first)) == 50
    older = re.search(r'<a href="(/queue\?[^"]+)" rel="next">older', first)
    assert older, "no link to older items"
    second = client.get(older.group(1).replace("&amp;", "&")).text
    assert 'rel="next"' not in second
    assert '">← newest</a>' in second
    everything = row_ids(first) + row_ids(second)
    assert len(everything) == len(set(everything)) == 62
    assert everything[-3:] == sorted(undated, reverse=True)
    # The same pages through the API, cursor by cursor.
    seen: list[int] = []
    cursor = ""
    while True:
        page = client.get("/api/items", params={"limit": 25, "after": cursor}).json()
        seen += [i["id"] for i in page["items"]]
        if page["next"] is None:
            break
        cursor = page["next"]
    assert seen == everything
    assert client.get("/api/items", params={"after": "yesterday~3"}).status_code == 422
    ranked = client.get(
        "/api/items", params={"topic": "citizens-assemblies", "sort": "relevance", "after": cursor}
    )
    assert ranked.status_code == 422


def test_bulk_approve_and_reject_from_the_queue(core: Aggregator, client: TestClient, seeded: Seeded) -> None:
    token = login(client, "curator")
    done = client.post(
        "/queue/bulk",
        data={"csrf_token": token, "action": "approve", "ids": [seeded.assembly, seeded.budget]},
        headers={"referer": "http://testserver/queue?status=new"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/queue?status=new"
    assert "Approved 2 items." in client.get(done.headers["location"]).text
    assert core.items.get(seeded.assembly).status == "approved"
    assert core.items.get(seeded.budget).events[-1].actor == "curator"
    client.post(
        "/queue/bulk", data={"csrf_token": token, "action": "reject", "ids": [seeded.welsh], "reason": "dup"}
    )
    assert core.items.get(seeded.welsh).status == "rejected"
    assert row_ids(client.get("/queue").text) == [seeded.xss]


def test_the_item_page_shows_text_original_candidates_topics_and_audit(
    client: TestClient, seeded: Seeded
) -> None:
    login(client, "viewer")
    html = client.get(f"/items/{seeded.assembly}").text
    assert "The citizens&#39; assembly met in Birmingham" in html
    assert 'href="https://example.org/climate-assembly" target="_blank" rel="noopener noreferrer"' in html
    assert "I am interested in the idea of citizens assemblies" in html
    assert 'name="topics" value="citizens-assemblies"' in html
    assert "Nobody has reviewed or edited this item yet." in html
    assert client.get("/items/999999").status_code == 404


def test_curating_an_item_through_its_forms_is_recorded(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "curator")
    base = f"/items/{seeded.assembly}"
    form = {
        "csrf_token": token,
        "title": "Britain's first climate assembly",
        "published": "2019-07-20",
        "choice": "0",
        "save": "1",
    }
    client.post(f"{base}/review", data=form)
    assert core.items.get(seeded.assembly).excerpt.startswith("“I am interested")  # type: ignore[union-attr]
    client.post(f"{base}/review", data={**form, "choice": "custom", "custom": "My own words."})
    assert core.items.get(seeded.assembly).excerpt == "My own words."
    mine = {**form, "choice": "custom", "custom": "My own words."}
    client.post(f"{base}/review", data={**mine, "topics": ["citizens-assemblies", "budgets"]})
    assert set(core.items.get(seeded.assembly).topics) == {"citizens-assemblies", "budgets"}
    both = {**mine, "topics": ["citizens-assemblies", "budgets"]}
    client.post(
        f"{base}/review",
        data={**both, "title": "A better title", "published": "2019-07-21", "note": "Pair with IWA"},
    )
    item = core.items.get(seeded.assembly)
    assert (item.title, item.curator_note, item.status) == ("A better title", "Pair with IWA", "new")
    assert item.published_at == dt.datetime(2019, 7, 21, tzinfo=dt.UTC)
    client.post(f"{base}/reject", data={"csrf_token": token, "reason": "off topic after all"})
    item = core.items.get(seeded.assembly)
    assert item.status == "rejected"
    assert [e.action for e in item.events] == ["edit", "edit", "topics", "edit", "reject"]
    assert {e.actor for e in item.events} == {"curator"}
    page = client.get(base).text
    assert "off topic after all" in page
    assert page.count('<tr class="event">') == 5
    # An empty title is refused with a message, nothing changes, and the form comes back as sent.
    refused = client.post(f"{base}/review", data={**both, "title": "  ", "note": "Kept as typed"})
    assert "Not saved: the title cannot be empty" in refused.text
    assert "Kept as typed" in refused.text
    assert core.items.get(seeded.assembly).title == "A better title"


def test_approve_without_a_topic_asks_once_then_opens_the_next_item_of_the_queue(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "curator")
    # The IWA queue, newest first: the budgeting item, then the Welsh one.
    form = {"csrf_token": token, "title": "Participatory budgeting", "choice": "custom", "custom": "Own."}
    url = f"/items/{seeded.budget}/review?source=IWA"
    asked = client.post(url, data=form, follow_redirects=False)
    assert asked.status_code == 200
    assert "No topic is ticked" in asked.text
    assert 'name="without_topic" value="1"' in asked.text
    assert core.items.get(seeded.budget).status == "new"
    done = client.post(url, data={**form, "without_topic": "1"}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/items/{seeded.welsh}?status=new&source=IWA"
    item = core.items.get(seeded.budget)
    assert (item.status, item.excerpt, item.title) == ("approved", "Own.", "Participatory budgeting")
    shown = client.get(done.headers["location"]).text
    assert "Approved: Participatory budgeting" in shown
    assert f'action="/items/{seeded.budget}/undo?status=new&amp;source=IWA"' in shown
    undone = client.post(f"/items/{seeded.budget}/undo?source=IWA", data={"csrf_token": token})
    assert undone.url.path == f"/items/{seeded.budget}"
    assert core.items.get(seeded.budget).status == "new"


def test_the_json_api_reviews_and_edits(core: Aggregator, client: TestClient, seeded: Seeded) -> None:
    token = login(client, "curator")
    headers = {"X-CSRF-Token": token}
    listed = client.get("/api/items", params={"q": "participatory", "status": "new"}).json()
    assert [i["id"] for i in listed["items"]] == [seeded.budget]
    assert "text" not in listed["items"][0]
    approved = client.post(
        f"/api/items/{seeded.budget}/approve",
        json={"excerpt": "Residents had a say.", "topics": ["budgets"]},
        headers=headers,
    ).json()
    assert (approved["status"], approved["excerpt"], approved["topics"]) == (
        "approved",
        "Residents had a say.",
        ["budgets"],
    )
    assert approved["events"][-1]["actor"] == "curator"
    edited = client.patch(
        f"/api/items/{seeded.budget}",
        json={"title": "Budgets that listen", "published_at": "2020-03-06T10:00:00Z", "topics": []},
        headers=headers,
    ).json()
    assert (edited["title"], edited["published_at"], edited["topics"]) == (
        "Budgets that listen",
        "2020-03-06T10:00:00+00:00",
        [],
    )
    rejected = client.post(
        f"/api/items/{seeded.welsh}/reject", json={"reason": "duplicate"}, headers=headers
    ).json()
    assert rejected["status"] == "rejected"
    assert rejected["events"][-1]["detail"]["reason"] == "duplicate"
    bulk = client.post(
        "/api/items/bulk", json={"ids": [seeded.xss, seeded.assembly], "action": "reject"}, headers=headers
    )
    assert bulk.json() == {"changed": 2}
    missing = client.post("/api/items/999999/approve", json={}, headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "no item with id 999999"})
    assert (
        client.post("/api/items/bulk", json={"ids": [], "action": "approve"}, headers=headers).status_code
        == 422
    )
    assert core.items.count(status="new") == 0
    topics = client.get("/api/topics").json()["topics"]
    assert [t["slug"] for t in topics] == ["citizens-assemblies", "budgets"]
    sources = client.get("/api/sources").json()["sources"]
    assert {s["name"]: s["items_per_month"] for s in sources} == {"Guardian": 2, "IWA": 2}


def test_the_openapi_document_describes_the_api_to_logged_in_users(client: TestClient) -> None:
    assert client.get("/api/openapi.json").status_code == 401
    login(client, "viewer")
    document = client.get("/api/openapi.json").json()
    paths = document["paths"]
    assert {
        "/api/items",
        "/api/items/{item_id}",
        "/api/items/{item_id}/approve",
        "/api/items/{item_id}/reject",
    } <= set(paths)
    assert "patch" in paths["/api/items/{item_id}"]
    assert not any(p.startswith(("/queue", "/login", "/manage")) for p in paths)


def test_the_item_page_shows_the_text_as_paragraphs_and_lists(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    from tests.support.curator import item

    text = "An issue <b>intro</b>.\n- First story: <i>one</i>\n- Second story\nNews from us.\n* Later"
    item_id = item(core, seeded.iwa, "bulleted-issue", text=text, kind="newsletter")
    login(client, "viewer")
    html = client.get(f"/items/{item_id}").text
    body = html.split('id="article-text">', 1)[1].split("</section>", 1)[0]
    assert "<p>An issue &lt;b&gt;intro&lt;/b&gt;.</p>" in body
    assert "<ul><li>First story: &lt;i&gt;one&lt;/i&gt;</li><li>Second story</li></ul>" in body
    assert "<p>News from us.</p><ul><li>Later</li></ul>" in body
