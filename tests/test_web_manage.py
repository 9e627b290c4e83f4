"""Topics and sources managed from the app: terms and order, autodiscovery, schedule, health."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.reader.discovery import feed_links
from aggregator.web import create_app
from tests.support.curator import Seeded, login
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply

WHEN = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


@pytest.fixture
def site(server: LocalServer) -> LocalServer:
    """The local server with a home page announcing an Atom-less RSS feed by a relative link, and the feed."""
    page = (
        "<html><head><title>Deliberation news</title>"
        '<link rel="stylesheet" href="/style.css">'
        '<link rel="alternate" type="application/rss+xml" title="News" href="/news/feed.xml">'
        "</head><body>Hello</body></html>"
    )
    server.routes["/"] = Reply(page.encode())
    server.routes["/news/feed.xml"] = Reply(
        rss([Entry(server.url("/a"), "A", WHEN)], title="Deliberation News"),
        content_type="application/rss+xml",
    )
    server.routes["/plain"] = Reply(b"<html><head><title>No feed</title></head><body>x</body></html>")
    return server


def add_by_address(client: TestClient, token: str, url: str) -> Response:
    """Post the form that adds a source by its address, leaving its kind to be discovered."""
    return client.post("/manage/sources", data={"csrf_token": token, "url": url, "kind": "auto"})


def test_topics_are_added_edited_and_reordered(core: Aggregator, client: TestClient, seeded: Seeded) -> None:
    token = login(client, "curator")
    added = client.post(
        "/manage/topics",
        data={
            "csrf_token": token,
            "slug": "wales",
            "name": "Wales",
            "include": "cymru\nwelsh democracy",
            "exclude": "rugby",
            "include_cy": "democratiaeth\nCynulliad dinasyddion",
        },
    )
    assert "Topic &#39;Wales&#39; added" in added.text
    wales = core.topics.get("wales")
    assert (wales.include_terms, wales.exclude_terms) == (("cymru", "welsh democracy"), ("rugby",))
    assert wales.language_terms == {"cy": (("democratiaeth", "cynulliad dinasyddion"), ())}
    assert 'name="include_cy"' in client.get("/manage/topics").text
    client.post(
        "/manage/topics/budgets",
        data={
            "csrf_token": token,
            "name": "Budgets",
            "intro": "Money, together.",
            "include": "newport",
            "exclude": "",
        },
    )
    budgets = core.topics.get("budgets")
    assert (budgets.name, budgets.intro, budgets.include_terms) == (
        "Budgets",
        "Money, together.",
        ("newport",),
    )
    # The new terms scored the unreviewed items again.
    assert "budgets" in [s.slug for s in core.items.get(seeded.budget).scores]
    client.post("/manage/topics/wales/move", data={"csrf_token": token, "offset": "-2"})
    assert [t.slug for t in core.topics.all()] == ["wales", "citizens-assemblies", "budgets"]
    refused = client.post("/manage/topics", data={"csrf_token": token, "slug": "Not A Slug", "name": "x"})
    assert "Not done: a topic slug is lower-case words" in refused.text
    assert len(core.topics.all()) == 3


def test_a_source_is_added_from_a_page_that_announces_its_feed(
    core: Aggregator, client: TestClient, site: LocalServer
) -> None:
    token = login(client, "admin")
    answer = add_by_address(client, token, site.url("/"))
    assert answer.status_code == 200
    assert "Added &#39;Deliberation News&#39;" in answer.text
    source = core.sources.get("Deliberation News")
    assert (source.url, source.kind) == (site.url("/news/feed.xml"), "feed")
    assert [s.path for s in site.seen] == ["/", "/news/feed.xml"]
    # The feed's own URL works as well, and a second add of the same feed is refused.
    again = add_by_address(client, token, site.url("/news/feed.xml"))
    assert "exists already" in again.text
    nothing = add_by_address(client, token, site.url("/plain"))
    assert "neither a feed nor a page that links one" in nothing.text
    assert len(core.sources.all()) == 3


def test_autodiscovery_refuses_private_addresses_unless_allowed(
    seeded: Seeded, core: Aggregator, site: LocalServer
) -> None:
    guarded = Aggregator(Config(database_url=core.config.database_url, allow_private_networks=False))
    guarded.users = core.users
    try:
        with TestClient(create_app(guarded)) as client:
            token = login(client, "admin")
            answer = add_by_address(client, token, site.url("/"))
        assert "non-public address 127.0.0.1" in answer.text
        assert site.seen == []
        assert len(guarded.sources.all()) == 2
    finally:
        guarded.close()


def test_a_source_kind_settings_schedule_and_enabled_are_edited(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "admin")
    form = {
        "csrf_token": token,
        "kind": "wordpress",
        "settings": '{"per_page": 20}',
        "interval_minutes": "90",
        "enabled": "",
    }
    client.post(f"/manage/sources/{seeded.iwa}", data=form)
    iwa = core.sources.get("IWA")
    assert (iwa.kind, iwa.settings, iwa.interval_seconds, iwa.enabled) == (
        "wordpress",
        {"per_page": 20},
        5400,
        False,
    )
    bad = client.post(
        f"/manage/sources/{seeded.iwa}", data={**form, "settings": "{per_page: 20", "enabled": "1"}
    )
    assert "Not done: settings are not JSON" in bad.text
    assert core.sources.get("IWA").enabled is False
    page = client.get("/manage/sources").text
    assert 'data-name="IWA"' in page
    assert "disabled" in page


def test_a_source_settings_are_edited_as_the_fields_of_its_kind(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "admin")
    core.sources.save("IWA", kind="wordpress", settings={"per_page": 30, "categories": ["4", "7"]})
    page = client.get("/manage/sources").text
    # The kinds table's settings, typed: a number with its bounds, a list as words, no JSON to write.
    assert 'type="number" name="setting:per_page" min="1" max="100" value="30"' in page
    assert 'name="setting:categories" value="4, 7"' in page
    assert 'name="setting:same_site"' not in page  # a listing's setting, not a WordPress one
    form = {
        "csrf_token": token,
        "kind": "wordpress",
        "setting:per_page": "50",
        "setting:categories": "4, 9",
        "setting:tags": "",
        "setting:label": "IWA",
        "enabled": "1",
    }
    client.post(f"/manage/sources/{seeded.iwa}", data=form)
    iwa = core.sources.get("IWA")
    assert iwa.settings == {"per_page": 50, "categories": ["4", "9"], "label": "IWA"}
    refused = client.post(f"/manage/sources/{seeded.iwa}", data={**form, "setting:per_page": "500"})
    assert "Not done: setting &#39;per_page&#39;: must be between 1 and 100" in refused.text
    assert core.sources.get("IWA").setting("per_page") == 50


def test_the_sources_page_shows_health(core: Aggregator, client: TestClient, seeded: Seeded) -> None:
    core.sources.record_failure(seeded.guardian, "HTTP 503 <b>Service Unavailable</b>")
    login(client, "viewer")
    page = client.get("/manage/sources").text
    assert "failing" in page
    assert "HTTP 503 &lt;b&gt;Service Unavailable&lt;/b&gt;" in page
    assert 'name="url"' not in page  # a viewer gets no add form


def test_feed_links_are_found_in_page_order_and_made_absolute() -> None:
    html = (
        '<link rel="alternate" type="application/atom+xml" href="atom.xml">'
        '<link rel="Alternate" type="application/RSS+XML; charset=utf-8" href="https://ex.org/rss">'
        '<link rel="alternate" type="text/html" href="/fr/">'
        '<link rel="alternate" type="application/feed+json" href="javascript:alert(1)">'
        '<link rel="alternate" type="application/atom+xml" href="atom.xml">'
    )
    assert feed_links(html, "https://ex.org/blog/") == ["https://ex.org/blog/atom.xml", "https://ex.org/rss"]


def test_the_crawls_page_shows_each_run_with_counts_that_add_up(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    from aggregator.services.runs import SourceTally

    run_id = core.runs.start(trigger="test")
    tally = SourceTally(entries=9, new=6, updated=1, unchanged=1, duplicates=0, failed=1, fetched=8)
    tally.fail("article https://ex.org/x: HTTP 404")
    core.runs.finish(run_id, {seeded.guardian: tally})
    login(client, "viewer")
    page = client.get("/manage/crawls")
    assert page.status_code == 200
    row = page.text.split("<td>Guardian</td>", 1)[1].split("</tr>", 1)[0]
    assert [int(cell) for cell in re.findall(r"<td[^>]*>(\d+)</td>", row)][:7] == [9, 6, 1, 1, 0, 1, 8]
