"""Pairs: an English item and its Welsh version, linked by what the page says or by a curator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from aggregator.cli import main
from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.curate.pairs import counterpart_urls, may_pair
from aggregator.errors import Conflict, InvalidInput
from aggregator.extract.alternates import read_alternates
from aggregator.extract.metadata import parse_html
from aggregator.publish.service import published_entries, topic_page
from tests.conftest import fixture_bytes
from tests.support.cli import crawl_env, crawl_json, run_cli
from tests.support.curator import Seeded, login
from tests.support.feeds import Entry, rss
from tests.support.server import LocalServer, Reply
from tests.test_sources import harvested


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", db_url)
    monkeypatch.setenv("AGGREGATOR_USER", "ann")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


EN_A = "/agenda/2021/11/citizens-assemblies-how-wales-can-listen-better/"
CY_A = "/agenda/2021/11/cynulliadau-dinasyddion-sut-y-gall-cymru-wrandon-well/"
EN_B = "/agenda/2024/02/making-deliberation-part-of-how-wales-governs/"
CY_B = EN_B + "?lang=cy"
DAY = dt.datetime(2024, 2, 8, 8, 0, tzinfo=dt.UTC)


def _alternates(html: str, url: str) -> tuple[tuple[str, str], ...]:
    tree = parse_html(html)
    assert tree is not None
    return read_alternates(tree, url)


def test_a_page_announces_its_other_language_version_by_hreflang() -> None:
    page = fixture_bytes("pages/pairs/en_hreflang.html").decode()
    # Its own URL and x-default are left out; relative links are resolved against the page.
    assert _alternates(page, "https://www.iwa.wales" + EN_A) == (("cy", "https://www.iwa.wales" + CY_A),)


def test_language_switchers_of_polylang_and_wpml_are_read_without_head_links() -> None:
    polylang = (
        '<html><body><ul><li class="lang-item lang-item-cy"><a lang="cy-GB" hreflang="cy-GB" '
        'href="https://ex.org/cy/erthygl/">Cymraeg</a></li><li class="lang-item lang-item-en current-lang">'
        '<a hreflang="en-GB" href="https://ex.org/article/">English</a></li></ul><p>Text.</p></body></html>'
    )
    assert _alternates(polylang, "https://ex.org/article/") == (("cy", "https://ex.org/cy/erthygl/"),)
    wpml = (
        '<html><body><div class="wpml-ls"><ul><li class="wpml-ls-slot-footer wpml-ls-item wpml-ls-item-cy">'
        '<a href="https://ex.org/post/?lang=cy" class="wpml-ls-link"><span lang="cy">Cymraeg</span></a>'
        "</li></ul></div></body></html>"
    )
    assert _alternates(wpml, "https://ex.org/post/") == (("cy", "https://ex.org/post/?lang=cy"),)
    # A switcher on a page without a translation links the other language's home page: not a version.
    home = '<html><body><li class="lang-item"><a hreflang="cy" href="https://ex.org/cy/">Cymraeg</a></li></body></html>'
    assert _alternates(home, "https://ex.org/post/") == ()


def test_url_conventions_name_the_other_versions_place() -> None:
    assert "https://ex.org/p/" in counterpart_urls("https://ex.org/p/?lang=cy")
    assert "https://ex.org/p/?lang=cy" in counterpart_urls("https://ex.org/p/")
    assert "https://ex.org/p/" in counterpart_urls("https://ex.org/cy/p/")
    assert "https://ex.org/en/p/" in counterpart_urls("https://ex.org/cy/p/")
    assert "https://ex.org/cy/p/" in counterpart_urls("https://ex.org/p/")
    assert "https://ex.org/p/?lang=cy" not in counterpart_urls("https://ex.org/p/?lang=cy")
    assert may_pair("en-GB", "cy")
    assert not may_pair("en", "en-GB")
    assert not may_pair(None, "cy")


def test_stored_versions_pair_by_announcement_or_convention_and_only_across_languages(
    core: Aggregator,
) -> None:
    source = core.sources.add("https://ex.org/feed")
    en = "https://ex.org" + EN_A
    cy = "https://ex.org" + CY_A
    core.items.record(harvested(source.id, en, language="en", alternates=(("cy", cy),)))
    # The Welsh page says nothing of its own: the English page's announcement is enough.
    core.items.record(harvested(source.id, cy, language="cy"))
    # By convention (WPML's ?lang=cy), with the languages different ...
    core.items.record(harvested(source.id, "https://ex.org/b/", language="en"))
    core.items.record(harvested(source.id, "https://ex.org/b/?lang=cy", language="cy"))
    # ... and not when both are English (a site using ?lang for something else).
    core.items.record(harvested(source.id, "https://ex.org/c/", language="en"))
    core.items.record(harvested(source.id, "https://ex.org/c/?lang=cy", language="en"))
    by_url = {i.url: i for i in core.items.query(limit=None, status="new", source="ex.org")}
    assert by_url[en].pair is not None
    assert by_url[en].pair.url == cy
    assert (by_url[cy].pair_id, by_url[cy].pair_origin) == (by_url[en].id, "page")
    assert by_url["https://ex.org/b/?lang=cy"].pair_id == by_url["https://ex.org/b/"].id
    assert by_url["https://ex.org/c/"].pair_id is None
    assert by_url["https://ex.org/c/?lang=cy"].pair_id is None


def test_a_curator_pairs_and_unpairs_and_the_queue_shows_a_pair_as_one_row(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed")
    core.items.record(harvested(source.id, "https://ex.org/en-story", title="English", language="en"))
    core.items.record(harvested(source.id, "https://gov.wales/stori", title="Cymraeg", language="cy"))
    core.items.record(harvested(source.id, "https://ex.org/other", title="Other", language="en"))
    ids = {i.title: i.id for i in core.items.query(limit=None)}
    assert len(core.items.query(limit=None, status="new")) == 3
    item = core.items.pair(ids["English"], ids["Cymraeg"], actor="ann")
    assert item.pair is not None
    assert (item.pair.id, item.pair.language) == (ids["Cymraeg"], "cy")
    assert item.pair_origin == "curator"
    assert [e.action for e in item.events] == ["pair"]
    # One row for the two versions, the other version carried in it.
    rows = core.items.query(limit=None, status="new")
    assert sorted(r.title for r in rows) == ["English", "Other"]
    english = next(r for r in rows if r.title == "English")
    assert english.pair is not None
    assert english.pair.title == "Cymraeg"
    # Filtered by language, each version shows as itself.
    assert [r.title for r in core.items.query(limit=None, language="cy")] == ["Cymraeg"]
    with pytest.raises(Conflict, match="paired with"):
        core.items.pair(ids["Other"], ids["Cymraeg"], actor="ann")
    with pytest.raises(InvalidInput):
        core.items.pair(ids["Other"], ids["Other"], actor="ann")
    # Approving one leaves the other to approve, and says where it is.
    approved = core.items.approve(ids["English"], actor="ann")
    assert approved.pair is not None
    assert approved.pair.status == "new"
    assert len(core.items.query(limit=None, status="new")) == 2
    unpaired = core.items.unpair(ids["Cymraeg"], actor="ann")
    assert unpaired.pair_id is None
    assert [e.action for e in unpaired.events] == ["pair", "unpair"]
    assert core.items.get(ids["English"]).pair_id is None


def test_published_entries_link_the_other_language(core: Aggregator) -> None:
    source = core.sources.add("https://ex.org/feed")
    core.topics.add("ca", name="Citizens assemblies")
    core.items.record(
        harvested(source.id, "https://ex.org/en", title="Assemblies", language="en", published=DAY)
    )
    core.items.record(
        harvested(source.id, "https://ex.org/cy", title="Cynulliadau", language="cy", published=DAY)
    )
    core.items.record(harvested(source.id, "https://ex.org/solo", title="Solo", language="en", published=DAY))
    ids = {i.title: i.id for i in core.items.query(limit=None)}
    core.items.pair(ids["Assemblies"], ids["Cynulliadau"], actor="ann")
    for title in ("Assemblies", "Cynulliadau", "Solo"):
        core.items.approve(ids[title], actor="ann", topics=["ca"])
    entries = {e.title: e for e in published_entries(core, topic="ca")}
    # The pair is one entry, printed in the first version's language with a link to the other.
    assert set(entries) == {"Assemblies", "Solo"}
    other = entries["Assemblies"].other_language
    assert other is not None
    assert (other.url, other.label, other.language) == (
        "https://ex.org/cy",
        "Darllen yn Gymraeg",
        "cy",
    )
    assert entries["Solo"].other_language is None
    assert 'hreflang="cy"' in entries["Assemblies"].content_html()
    assert "Darllen yn Gymraeg" in entries["Assemblies"].content_html()
    page = topic_page(core, "ca")
    assert len(page.entries) == 2


def test_a_crawl_pairs_recorded_pages_by_hreflang_and_by_lang_query(server: LocalServer, db_url: str) -> None:
    pages = {EN_A: "en_hreflang", CY_A: "cy_hreflang", EN_B: "en_lang_query", CY_B: "cy_lang_query"}
    for path, name in pages.items():
        server.routes[path] = Reply(fixture_bytes(f"pages/pairs/{name}.html"))
    feed = rss([Entry(server.url(path), f"Entry {n}", DAY) for n, path in enumerate(pages)])
    server.routes["/feed/"] = Reply(feed, content_type="application/rss+xml")
    env = crawl_env(db_url)
    assert run_cli("init", env=env).returncode == 0
    assert run_cli("sources", "add", server.url("/feed/"), "--name", "iwa", env=env).returncode == 0
    code, _summary, stderr = crawl_json(env)
    assert code == 0, stderr
    core = Aggregator(Config(database_url=db_url))
    try:
        by_url = {i.url: i for i in core.items.query(limit=None, source="iwa")}
        assert {by_url[server.url(p)].language for p in pages} == {"en", "cy"}
        assert by_url[server.url(CY_A)].language == "cy"
        assert by_url[server.url(EN_A)].pair_id == by_url[server.url(CY_A)].id
        assert by_url[server.url(CY_B)].pair_id == by_url[server.url(EN_B)].id
        assert by_url[server.url(EN_B)].pair_origin == "page"
    finally:
        core.close()


def test_the_app_and_the_api_pair_show_one_row_and_offer_the_other_version(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "curator")
    paired = client.post(
        f"/api/items/{seeded.assembly}/pair", json={"other": seeded.welsh}, headers={"X-CSRF-Token": token}
    )
    assert paired.status_code == 200
    assert paired.json()["pair"]["id"] == seeded.welsh
    again = client.post(
        f"/api/items/{seeded.budget}/pair", json={"other": seeded.welsh}, headers={"X-CSRF-Token": token}
    )
    assert again.status_code == 409
    # The queue: one row, the Welsh version named in it with its own checkbox for bulk review.
    queue = client.get("/queue").text
    assert f'data-id="{seeded.welsh}"' not in queue
    assert f'<input type="checkbox" name="ids" value="{seeded.welsh}"' in queue
    assert 'lang="cy">Cynulliad dinasyddion cyntaf Cymru</a>' in queue
    listed = client.get("/api/items").json()["items"]
    assert seeded.welsh not in [i["id"] for i in listed]
    # Approving one offers the other.
    approved = client.post(
        f"/items/{seeded.assembly}/approve", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Its cy version is still new: approve it too?" in approved.text
    assert f'action="/items/{seeded.welsh}/approve"' in approved.text
    # The item page unpairs, and pairs by number.
    client.post(f"/items/{seeded.welsh}/unpair", data={"csrf_token": token})
    assert core.items.get(seeded.assembly).pair_id is None
    page = client.post(
        f"/items/{seeded.budget}/pair",
        data={"csrf_token": token, "other": str(seeded.welsh)},
        follow_redirects=True,
    )
    assert f"Paired with item {seeded.welsh}." in page.text
    done = client.delete(f"/api/items/{seeded.budget}/pair", headers={"X-CSRF-Token": token})
    assert done.status_code == 200
    assert done.json()["pair"] is None
    assert (
        client.delete(f"/api/items/{seeded.budget}/pair", headers={"X-CSRF-Token": token}).status_code == 422
    )


def test_the_cli_pairs_shows_and_offers_the_other_version(
    cli: Callable[..., Result], core: Aggregator
) -> None:
    source = core.sources.add("https://ex.org/feed")
    core.items.record(harvested(source.id, "https://ex.org/en", title="Assemblies", language="en"))
    core.items.record(harvested(source.id, "https://ex.org/cy", title="Cynulliadau", language="cy"))
    ids = {i.title: i.id for i in core.items.query(limit=None)}
    done = cli("items", "pair", str(ids["Assemblies"]), str(ids["Cynulliadau"]))
    assert done.exit_code == 0, done.output
    assert f"with #{ids['Cynulliadau']} (cy)" in done.output
    assert f"cy version #{ids['Cynulliadau']} (new)" in cli("items", "show", str(ids["Assemblies"])).output
    approved = cli("items", "approve", str(ids["Assemblies"]))
    assert f"approve it too: aggregator items approve {ids['Cynulliadau']}" in approved.output
    assert cli("items", "unpair", str(ids["Cynulliadau"])).exit_code == 0
    assert core.items.get(ids["Assemblies"]).pair_id is None
