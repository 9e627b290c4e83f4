"""Topic pages published to a real WordPress (Debian's, on MariaDB, served by PHP on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from aggregator.core import Aggregator
from aggregator.errors import Conflict
from aggregator.publish.wordpress import known_page, publish_topic
from aggregator.web import create_app
from tests.support import wordpress
from tests.support.cli import crawl_env, run_cli
from tests.support.curator import add_users, login
from tests.test_export_golden import STORIES, TOPIC, seed_citizens_assemblies

wordpress.require_wordpress()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[wordpress.WordPress]:
    yield from wordpress.start(tmp_path_factory.mktemp("wordpress"))


@pytest.fixture
def kb(core: Aggregator, site: wordpress.WordPress) -> Aggregator:
    """The core, with the example topic approved and the test site configured."""
    core.config = dataclasses.replace(
        core.config,
        wordpress_url=site.url,
        wordpress_user=site.user,
        wordpress_app_password=site.app_password,
    )
    seed_citizens_assemblies(core)
    return core


def _page(site: wordpress.WordPress, page_id: int) -> dict:  # type: ignore[type-arg]
    response = httpx.get(
        f"{site.url}/wp-json/wp/v2/pages/{page_id}",
        params={"context": "edit"},
        auth=(site.user, site.app_password),
    )
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def _pages_titled(site: wordpress.WordPress, title: str) -> list[int]:
    response = httpx.get(
        f"{site.url}/wp-json/wp/v2/pages",
        params={
            "search": title,
            "status": "draft,publish,pending,private",
            "per_page": 100,
            "context": "edit",
        },
        auth=(site.user, site.app_password),
    )
    response.raise_for_status()
    return [p["id"] for p in response.json() if p["title"]["raw"] == title]


def test_publishing_creates_one_page_with_the_entries_and_updates_it(
    kb: Aggregator, site: wordpress.WordPress
) -> None:
    before = set(_pages_titled(site, "Citizens assemblies"))
    seed_page = int(
        site.php(
            "echo wp_insert_post(array('post_type' => 'page', 'post_title' => 'Co-production', "
            "'post_status' => 'publish'));"
        )
    )
    kb.config = dataclasses.replace(kb.config, wordpress_parent=seed_page)
    first = publish_topic(kb, TOPIC, actor="ann")
    assert first.created
    assert first.status == "draft"
    page = _page(site, first.page_id)
    assert page["parent"] == seed_page
    rendered = page["content"]["rendered"]
    assert "Britain's first climate assembly: can it help fix democracy too?" in html.unescape(rendered)
    assert "July 2019 Institute of Welsh Affairs article (Click on Wales):" in rendered
    assert "From the Involve newsletter in August 2019:" in rendered
    for _, url in STORIES:
        assert f'href="{url}"' in rendered

    kb.topics.update(TOPIC, name="Citizens assemblies", intro="A new introduction for the page.")
    again = publish_topic(kb, TOPIC, actor="ann")
    assert (again.page_id, again.created) == (first.page_id, False)
    assert "A new introduction for the page." in _page(site, first.page_id)["content"]["rendered"]
    assert set(_pages_titled(site, "Citizens assemblies")) - before == {first.page_id}

    # Live on request; then a publish without it leaves the live page as it is, with a draft revision.
    live = publish_topic(kb, TOPIC, publish=True)
    assert (live.page_id, live.status) == (first.page_id, "publish")
    kb.topics.update(TOPIC, name="Citizens assemblies", intro="Wording still under review.")
    drafted = publish_topic(kb, TOPIC)
    assert drafted.as_revision
    live_page = _page(site, first.page_id)
    assert "Wording still under review." not in live_page["content"]["raw"]
    assert live_page["status"] == "publish"
    assert httpx.get(live_page["link"]).status_code == 200


def test_a_page_edited_in_wordpress_is_not_overwritten(kb: Aggregator, site: wordpress.WordPress) -> None:
    made = publish_topic(kb, TOPIC)
    site.php(
        f"$p = get_post({made.page_id});\n"
        "wp_update_post(array('ID' => $p->ID, 'post_content' => $p->post_content . "
        '"\\n<p>Added by an editor in WordPress.</p>"));\n'
    )
    with pytest.raises(Conflict, match="changed in WordPress") as refused:
        publish_topic(kb, TOPIC)
    assert "+<p>Added by an editor in WordPress.</p>" in str(refused.value)
    assert "Added by an editor" in _page(site, made.page_id)["content"]["raw"]

    replaced = publish_topic(kb, TOPIC, overwrite=True)
    assert replaced.page_id == made.page_id
    assert "Added by an editor" not in _page(site, made.page_id)["content"]["raw"]
    # A page deleted in WordPress is not silently made again.
    site.php(f"wp_delete_post({made.page_id}, true);\n")
    with pytest.raises(Conflict, match="deleted in WordPress"):
        publish_topic(kb, TOPIC)


def test_the_command_and_the_app_button(kb: Aggregator, site: wordpress.WordPress, tmp_path: Path) -> None:
    env = crawl_env(
        kb.config.database_url,
        AGGREGATOR_WORDPRESS_URL=site.url,
        AGGREGATOR_WORDPRESS_USER=site.user,
        AGGREGATOR_WORDPRESS_APP_PASSWORD=site.app_password,
    )
    done = run_cli("publish", "wordpress", "--topic", TOPIC, env=env)
    assert done.returncode == 0, done.stderr
    assert "created (draft)" in done.stdout
    page = known_page(kb, TOPIC)
    assert page is not None

    add_users(kb)
    with TestClient(create_app(kb)) as client:
        token = login(client, "curator")
        shown = client.get("/manage/topics").text
        assert f'WordPress page <a href="{page.link}">{page.page_id}</a> (draft)' in shown
        client.post(f"/manage/topics/{TOPIC}/wordpress", data={"csrf_token": token, "live": "true"})
        assert _page(site, page.page_id)["status"] == "publish"
        site.php(
            f"wp_update_post(array('ID' => {page.page_id}, 'post_content' => 'Rewritten in WordPress.'));\n"
        )
        shown = client.post(f"/manage/topics/{TOPIC}/wordpress", data={"csrf_token": token}).text
        assert "Not published: the WordPress page" in shown
    assert _page(site, page.page_id)["content"]["raw"] == "Rewritten in WordPress."
    assert len(_pages_titled(site, "Citizens assemblies")) >= 1
    refused = run_cli("publish", "wordpress", "--topic", TOPIC, env=env)
    assert refused.returncode == 1
    assert "-<article" in refused.stderr
