"""The link check: published links asked politely of a real server on 127.0.0.1; nothing is unpublished."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from fastapi.testclient import TestClient

from aggregator.cli import main
from aggregator.core import Aggregator
from aggregator.crawl.linkcheck import check_links
from aggregator.publish.service import published_entries
from tests.support.curator import Seeded, login
from tests.support.server import LocalServer, Reply
from tests.test_sources import harvested

PAGE = b"<html><body><p>Still here.</p></body></html>"
ARCHIVE = "https://web.archive.org/web/2024/https://ex.org/missing"


def _checking(core: Aggregator) -> Aggregator:
    core.config = core.config.with_overrides(
        allow_private_networks=True, download_delay=0.0, fetch_timeout=1.5, link_gone_after=2
    )
    core.links.gone_after = 2
    return core


def _moved_and_missing(core: Aggregator, server: LocalServer, *, status: int) -> dict[str, int]:
    """Publish a link that moved for good (``status``) and one that is gone, checked twice: both flagged."""
    _checking(core)
    server.routes["/old"] = Reply(status=status, headers={"Location": "/new"})
    server.routes["/new"] = Reply(PAGE)
    ids = _publish(core, {"old": server.url("/old"), "missing": server.url("/missing")})
    check_links(core)
    check_links(core)
    return ids


def _publish(core: Aggregator, urls: dict[str, str]) -> dict[str, int]:
    source = core.sources.add("https://ex.org/feed")
    for name, url in urls.items():
        core.items.record(harvested(source.id, url, title=name))
    ids = {i.title: i.id for i in core.items.query(limit=None)}
    for name in urls:
        if name != "unreviewed":
            core.items.approve(ids[name], actor="ann")
    return ids


def test_links_are_checked_flagged_after_repeated_gone_answers_and_never_unpublished(
    core: Aggregator, server: LocalServer
) -> None:
    _checking(core)
    server.routes["/robots.txt"] = Reply(b"User-agent: *\nDisallow: /private\n", content_type="text/plain")
    server.routes["/ok"] = Reply(PAGE)
    server.routes["/old"] = Reply(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Reply(PAGE)
    server.routes["/for-now"] = Reply(status=302, headers={"Location": "/ok"})
    server.routes["/removed"] = Reply(b"gone", status=410)
    server.routes["/slow"] = Reply(PAGE, delay=3)
    server.routes["/private"] = Reply(PAGE)
    urls = {
        name: server.url(f"/{name}")
        for name in ("ok", "old", "for-now", "missing", "removed", "slow", "private", "unreviewed")
    }
    urls["nohost"] = "http://no-such-host.invalid/article"
    ids = _publish(core, urls)

    first = check_links(core)

    assert first.checked == 8  # the unreviewed item is not published: not asked
    assert first.states == {"failing": 4, "moved": 1, "ok": 2, "skipped": 1}
    views = {v.title: v for v in core.links.list(("ok", "moved", "failing", "skipped", "gone"))}
    assert (views["old"].state, views["old"].http_status, views["old"].final_url) == (
        "moved",
        200,
        server.url("/new"),
    )
    # A temporary redirect is no move.
    assert (views["for-now"].state, views["for-now"].final_url) == ("ok", server.url("/ok"))
    assert (views["missing"].state, views["missing"].http_status, views["missing"].gone_in_row) == (
        "failing",
        404,
        1,
    )
    assert "no answer within 1.5s" in (views["slow"].error or "")
    assert views["slow"].gone_in_row == 0
    assert "cannot resolve no-such-host.invalid" in (views["nohost"].error or "")
    assert (views["private"].state, views["private"].error) == ("skipped", "robots.txt forbids it")
    assert server.requests_to("/private") == []
    # HEAD first; a failure is asked again with GET before it counts.
    assert [s.method for s in server.requests_to("/missing")] == ["HEAD", "GET"]
    assert [s.method for s in server.requests_to("/ok")] == ["HEAD", "HEAD"]  # itself, and for-now's end
    assert len(server.requests_to("/robots.txt")) == 1
    assert views["ok"].checked_at is not None

    second = check_links(core)

    assert second.states["gone"] == 3
    flagged = {v.title: v.state for v in core.links.list()}
    assert flagged == {"old": "moved", "missing": "gone", "removed": "gone", "nohost": "gone"}
    assert {v.title: v.state for v in core.links.list(("failing",))} == {"slow": "failing"}
    # Nothing was unpublished.
    assert len(core.items.query(limit=None, status="approved")) == 8
    # Checked within the interval: not due; a week later, due again.
    assert core.links.due(older_than=dt.timedelta(days=7)) == []
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    assert len(core.links.due(older_than=dt.timedelta(days=7), now=later)) == 8
    # An answer again clears the gone count.
    server.routes["/missing"] = Reply(PAGE)
    check_links(core)
    assert core.links.get(ids["missing"]).state == "ok"
    assert core.links.get(ids["missing"]).gone_in_row == 0


def test_curators_use_the_new_address_replace_or_archive_and_entries_follow(
    core: Aggregator, server: LocalServer
) -> None:
    ids = _moved_and_missing(core, server, status=308)
    moved = core.links.use_new_address(ids["old"], actor="ann")
    assert (moved.url, moved.state) == (server.url("/new"), None)
    archived = core.links.archive(ids["missing"], ARCHIVE, actor="ann")
    assert archived.archived_url == ARCHIVE
    links = {e.title: e.link for e in published_entries(core)}
    assert links == {"old": server.url("/new"), "missing": ARCHIVE}
    # The entry's identity stays: feeds keep its id.
    assert core.items.get(ids["old"]).canonical_url == server.url("/old")
    events = [(e.action, e.detail) for e in core.items.get(ids["old"]).events]
    assert events[-1] == ("link moved", {"old": server.url("/old"), "new": server.url("/new")})
    replaced = core.links.replace(ids["missing"], "https://ex.org/elsewhere", actor="ann")
    assert replaced.url == "https://ex.org/elsewhere"


def test_the_cli_checks_and_lists(core: Aggregator, server: LocalServer, db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ids = _publish(core, {"ok": server.url("/ok"), "removed": server.url("/removed")})
    server.routes["/ok"] = Reply(PAGE)
    server.routes["/removed"] = Reply(status=410)
    for name, value in {
        "AGGREGATOR_DATABASE_URL": db_url,
        "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
        "AGGREGATOR_DOWNLOAD_DELAY": "0",
        "AGGREGATOR_LINK_GONE_AFTER": "1",
        "AGGREGATOR_USER": "ann",
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    done = runner.invoke(main, ["links", "check"], catch_exceptions=False)
    assert done.exit_code == 0
    assert "checked 2 published links: gone 1, ok 1" in done.output
    assert f"gone\t#{ids['removed']}\tHTTP 410\t{server.url('/removed')}" in done.output
    archived = runner.invoke(main, ["links", "archive", str(ids["removed"]), ARCHIVE], catch_exceptions=False)
    assert archived.output.strip() == f"#{ids['removed']} archived copy: {ARCHIVE}"
    listed = runner.invoke(main, ["links", "list", "--json"], catch_exceptions=False)
    assert '"archived_url": "' + ARCHIVE in listed.output
    refused = runner.invoke(main, ["links", "fix", str(ids["removed"])])
    assert refused.exit_code == 1
    assert "has not moved" in refused.output


def test_the_app_lists_flagged_links_and_curators_act_on_them(
    core: Aggregator, client: TestClient, seeded: Seeded, server: LocalServer
) -> None:
    ids = _moved_and_missing(core, server, status=301)
    token = login(client, "curator")
    page = client.get("/manage/links").text
    assert f'action="/manage/links/{ids["old"]}/fix"' in page
    assert server.url("/new") in page
    assert f'action="/manage/links/{ids["missing"]}/archive"' in page
    done = client.post(
        f"/manage/links/{ids['missing']}/archive",
        data={"csrf_token": token, "url": ARCHIVE},
        follow_redirects=True,
    )
    assert "Archived copy recorded" in done.text
    assert core.items.get(ids["missing"]).archived_url == ARCHIVE
    client.post(f"/manage/links/{ids['old']}/fix", data={"csrf_token": token})
    assert core.items.get(ids["old"]).url == server.url("/new")
    api = client.get("/api/links").json()["links"]
    assert [(link["item_id"], link["state"]) for link in api] == [(ids["missing"], "gone")]
    bad = client.post(
        f"/api/items/{ids['missing']}/link",
        json={"action": "replace", "url": "javascript:alert(1)"},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 422
    assert core.items.get(ids["missing"]).status == "approved"
