"""A topic published as its page on the knowledge base's WordPress, through the REST API.

The rules: a topic has one page per site, remembered in ``wordpress_pages``; publishing again
updates that page, never makes a second. Before writing, the page is read back: when its content or
title differ from what the last publish left there (someone edited it in WordPress), nothing is
written and the difference is shown, unless the caller says to overwrite. By default the new content
goes in as a draft: a new page is a draft, a draft page is updated as a draft, and a live page gets
an autosave revision (``/autosaves``) that editors preview and publish from WordPress's editor while
the live page stays as it is. ``publish=True`` makes the page itself live with the new content.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.errors import Conflict, FetchError, InvalidInput
from aggregator.models import Topic, WordPressPage, utcnow
from aggregator.netguard import check_url, parse_networks
from aggregator.publish.formats.site import TopicPage
from aggregator.publish.service import renderer, topic_page
from aggregator.urls import is_http_url

_TIMEOUT = 30.0
# Lines of a difference shown at most; the rest is counted.
_DIFF_LINES = 60


@dataclass(frozen=True, slots=True)
class Published:
    """What a publish did: the page, its state in WordPress, and whether it was created."""

    page_id: int
    link: str
    status: str
    created: bool
    as_revision: bool  # the new content waits as an autosave revision of the live page


@dataclass(frozen=True, slots=True)
class Site:
    """The WordPress site pages are written to, and the login that writes them."""

    url: str
    user: str
    app_password: str
    parent: int

    @classmethod
    def from_config(cls, config: Config) -> Site:
        """Return the configured site; raise InvalidInput naming the missing setting."""
        missing = [
            name
            for name, value in (
                ("AGGREGATOR_WORDPRESS_URL", config.wordpress_url),
                ("AGGREGATOR_WORDPRESS_USER", config.wordpress_user),
                ("AGGREGATOR_WORDPRESS_APP_PASSWORD", config.wordpress_app_password),
            )
            if not value
        ]
        if missing:
            raise InvalidInput(f"publishing to WordPress needs {', '.join(missing)} (see the README)")
        url = config.wordpress_url.strip().rstrip("/")
        if not is_http_url(url):
            raise InvalidInput(f"AGGREGATOR_WORDPRESS_URL is not an http(s) URL: {url!r}")
        return cls(url, config.wordpress_user, config.wordpress_app_password, config.wordpress_parent)


def publish_topic(
    core: Aggregator, slug: str, *, publish: bool = False, overwrite: bool = False, actor: str = ""
) -> Published:
    """Create or update topic ``slug``'s WordPress page; raise Conflict if it was edited there since."""
    site = Site.from_config(core.config)
    page = topic_page(core, slug)
    content = renderer(core).fragment(page)
    title = page.name
    with _Client(core.config, site) as client:
        known = _known(core, page, site)
        if known is None:
            made = client.create(title, content, site.parent, "publish" if publish else "draft")
            _remember(core, page, site, made, actor)
            return Published(
                made["id"], made.get("link", ""), made["status"], created=True, as_revision=False
            )
        current = client.read(known.page_id)
        if current is None or current.get("status") == "trash":
            if not overwrite:
                raise Conflict(
                    f"the WordPress page {known.page_id} of topic {slug!r} was deleted in WordPress; restore "
                    "it there, or publish with --overwrite to make a new one"
                )
            made = client.create(title, content, site.parent, "publish" if publish else "draft")
            _remember(core, page, site, made, actor)
            return Published(
                made["id"], made.get("link", ""), made["status"], created=True, as_revision=False
            )
        if not overwrite:
            _refuse_if_edited(slug, known, current)
        if current["status"] == "publish" and not publish:
            client.autosave(known.page_id, title, content)
            return Published(
                known.page_id, current.get("link", ""), "publish", created=False, as_revision=True
            )
        status = "publish" if publish else current["status"]
        made = client.update(known.page_id, title, content, status)
        _remember(core, page, site, made, actor)
        return Published(made["id"], made.get("link", ""), made["status"], created=False, as_revision=False)


def _refuse_if_edited(slug: str, known: WordPressPage, current: dict[str, Any]) -> None:
    now_content = str(current.get("content", {}).get("raw", ""))
    if current.get("modified_gmt") == known.modified_gmt and now_content == known.content:
        return
    diff = list(
        difflib.unified_diff(
            known.content.splitlines(),
            now_content.splitlines(),
            "as last published",
            "as it is in WordPress",
            lineterm="",
        )
    )
    shown = "\n".join(diff[:_DIFF_LINES])
    more = f"\n... and {len(diff) - _DIFF_LINES} more lines" if len(diff) > _DIFF_LINES else ""
    when = current.get("modified_gmt", "?")
    shown = shown or "(the text is the same; only its modification time differs)"
    raise Conflict(
        f"the WordPress page {known.page_id} of topic {slug!r} was changed in WordPress (at {when} UTC) "
        "since it was last published; nothing was written. Take the change into the topic, or publish "
        f"with --overwrite to replace it.\n{shown}{more}"
    )


def _known(core: Aggregator, page: TopicPage, site: Site) -> WordPressPage | None:
    query = select(WordPressPage).where(
        WordPressPage.topic_id == page.topic.id, WordPressPage.site_url == site.url
    )
    with core.db.read() as session:
        found = session.scalar(query)
        if found is not None:
            session.expunge(found)
        return found


def known_page(core: Aggregator, slug: str) -> WordPressPage | None:
    """Return the WordPress page topic ``slug`` was last published to on the configured site, if any."""
    if not core.config.wordpress_url:
        return None
    url = core.config.wordpress_url.strip().rstrip("/")
    query = (
        select(WordPressPage)
        .join(Topic, Topic.id == WordPressPage.topic_id)
        .where(Topic.slug == slug, WordPressPage.site_url == url)
    )
    with core.db.read() as session:
        found = session.scalar(query)
        if found is not None:
            session.expunge(found)
        return found


def _remember(core: Aggregator, page: TopicPage, site: Site, made: dict[str, Any], actor: str) -> None:
    with core.db.write() as session:
        row = session.scalar(
            select(WordPressPage).where(
                WordPressPage.topic_id == page.topic.id, WordPressPage.site_url == site.url
            )
        )
        if row is None:
            row = WordPressPage(topic_id=page.topic.id, site_url=site.url)
            session.add(row)
        row.page_id = int(made["id"])
        row.link = str(made.get("link", ""))[:2000]
        row.status = str(made["status"])[:20]
        row.modified_gmt = str(made.get("modified_gmt", ""))[:40]
        row.content = str(made.get("content", {}).get("raw", ""))
        row.published_by = actor[:200]
        row.published_at = utcnow()


class _Client:
    """The few REST calls publishing needs, as the configured user, through the network guard."""

    def __init__(self, config: Config, site: Site) -> None:
        check_url(
            site.url,
            allow_private=config.allow_private_networks,
            allowed=parse_networks(config.allowed_networks),
        )
        self._site = site
        self._http = httpx.Client(
            auth=(site.user, site.app_password),
            timeout=_TIMEOUT,
            follow_redirects=False,  # a redirect could lead past the guard
            headers={"User-Agent": config.user_agent, "Accept": "application/json"},
        )

    def __enter__(self) -> _Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    def create(self, title: str, content: str, parent: int, status: str) -> dict[str, Any]:
        body: dict[str, Any] = {"title": title, "content": content, "status": status}
        if parent:
            body["parent"] = parent
        return self._call("POST", "pages", json=body, params={"context": "edit"})

    def read(self, page_id: int) -> dict[str, Any] | None:
        return self._call("GET", f"pages/{page_id}", params={"context": "edit"}, missing_ok=True)

    def update(self, page_id: int, title: str, content: str, status: str) -> dict[str, Any]:
        body = {"title": title, "content": content, "status": status}
        return self._call("POST", f"pages/{page_id}", json=body, params={"context": "edit"})

    def autosave(self, page_id: int, title: str, content: str) -> dict[str, Any]:
        body = {"title": title, "content": content}
        return self._call("POST", f"pages/{page_id}/autosaves", json=body, params={"context": "edit"})

    def _call(self, method: str, path: str, *, missing_ok: bool = False, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, f"{self._site.url}/wp-json/wp/v2/{path}", **kwargs)
            if response.status_code == 404 and not _is_rest(response):
                # No pretty permalinks, so no /wp-json/: the same API answers at ?rest_route=.
                params = {"rest_route": f"/wp/v2/{path}", **kwargs.pop("params", {})}
                response = self._http.request(method, f"{self._site.url}/", params=params, **kwargs)
        except httpx.HTTPError as exc:
            raise FetchError(f"WordPress {self._site.url}: {exc}") from None
        if missing_ok and response.status_code in (404, 410):
            return None  # type: ignore[return-value]
        if response.status_code >= 300:
            raise FetchError(f"WordPress {method} {path}: HTTP {response.status_code}: {_message(response)}")
        try:
            data = response.json()
        except ValueError:
            raise FetchError(f"WordPress {method} {path}: the answer is not JSON") from None
        if not isinstance(data, dict):
            raise FetchError(f"WordPress {method} {path}: unexpected answer")
        return data


def _is_rest(response: httpx.Response) -> bool:
    try:
        data = response.json()
    except ValueError:
        return False
    return isinstance(data, dict) and "code" in data


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict) and data.get("message"):
        return f"{data.get('code', '')}: {data['message']}"
    return response.text[:200]
