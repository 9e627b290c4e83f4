"""The curator app refuses what it must: no session, no CSRF token, the wrong role, guessed passwords."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from aggregator.core import Aggregator
from aggregator.web.routes import api, items, queue, sources, topics
from aggregator.web.sessions import COOKIE
from tests.support.curator import PASSWORD, Seeded, csrf_of, login

OPEN_PATHS = {"/login", "/logout"}


def _concrete(path: str, seeded: Seeded) -> str:
    return re.sub(
        r"\{[^}]+\}", lambda m: "citizens-assemblies" if "slug" in m.group(0) else str(seeded.assembly), path
    )


def test_every_page_and_api_call_without_a_session_is_refused(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    # Every router of the app except login/logout (the public feeds live in a router of their own).
    routes = [
        r
        for module in (api, items, queue, sources, topics)
        for r in module.router.routes
        if isinstance(r, APIRoute) and r.path not in OPEN_PATHS
    ]
    checked = 0
    for route in routes:
        path = _concrete(route.path, seeded)
        for method in route.methods:
            answer = client.request(method, path, follow_redirects=False)
            if path.startswith("/api/"):
                assert answer.status_code == 401, (method, path, answer.status_code)
                assert answer.json() == {"error": "login required"}
            else:
                assert answer.status_code == 303, (method, path, answer.status_code)
                assert answer.headers["location"].startswith("/login")
            checked += 1
    assert checked >= 25
    assert core.items.get(seeded.assembly).status == "new"
    assert client.get("/api/openapi.json").status_code == 401


def test_a_forged_or_tampered_cookie_is_no_session(client: TestClient) -> None:
    login(client, "admin")
    cookie = client.cookies[COOKIE]
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get("/api/items").status_code == 401
    client.cookies.set(COOKIE, "eyJ1IjoxLCJjIjoieCJ9.forged.signature")
    assert client.get("/api/items").status_code == 401


def test_login_gives_an_httponly_samesite_cookie_and_a_fresh_csrf_token(client: TestClient) -> None:
    before = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"name": "curator", "password": PASSWORD, "csrf_token": before}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/queue"
    set_cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    after = csrf_of(client.get("/queue").text)
    assert after != before
    assert client.get("/api/items").status_code == 200
    client.post("/logout", data={"csrf_token": after})
    assert client.get("/api/items").status_code == 401


def test_login_needs_the_csrf_token_of_the_login_form(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/login", data={"name": "admin", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403
    assert client.get("/api/items").status_code == 401


def test_login_never_redirects_off_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    for target in ("//evil.example/x", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)"):
        answer = client.post(
            "/login",
            data={"name": "admin", "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/queue"
        token = csrf_of(client.get("/queue").text)


def test_five_failed_logins_lock_that_name_and_address_for_a_while(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        wrong = client.post("/login", data={"name": "admin", "password": "guess-guess", "csrf_token": token})
        assert wrong.status_code == 401
        assert "Wrong name or password" in wrong.text
    # Even the right password is refused now: the attacker learns nothing from further guesses.
    right = client.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert right.status_code == 429
    assert client.get("/api/items").status_code == 401
    # Another account from the same address is not locked out by someone guessing at "admin".
    login(client, "curator")


def test_state_changes_without_the_csrf_token_are_refused(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "admin")
    refused = [
        client.post(f"/api/items/{seeded.assembly}/approve", json={}),
        client.post(f"/api/items/{seeded.assembly}/approve", json={}, headers={"X-CSRF-Token": "wrong"}),
        client.patch(f"/api/items/{seeded.assembly}", json={"title": "Hijacked"}),
        client.post(f"/items/{seeded.assembly}/review", data={"topics": "budgets"}),
        client.post(
            f"/items/{seeded.assembly}/review", data={"title": "Hijacked", "csrf_token": "x" + token}
        ),
        client.post("/queue/bulk", data={"action": "reject", "ids": [seeded.assembly]}),
        client.post("/manage/topics", data={"slug": "evil", "name": "Evil"}),
        client.post("/manage/sources", data={"url": "https://evil.example/feed", "kind": "feed"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    item = core.items.get(seeded.assembly)
    assert (item.status, item.title, item.events) == ("new", "Britain's first climate assembly", ())
    assert [t.slug for t in core.topics.all()] == ["citizens-assemblies", "budgets"]
    assert len(core.sources.all()) == 2
    # With the token, the same request goes through.
    ok = client.post(f"/api/items/{seeded.assembly}/approve", json={}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200


def test_a_viewer_reads_but_cannot_approve_reject_or_edit(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    token = login(client, "viewer")
    assert client.get("/queue").status_code == 200
    assert client.get(f"/items/{seeded.assembly}").status_code == 200
    assert client.get("/api/items").status_code == 200
    headers = {"X-CSRF-Token": token}
    assert client.post(f"/api/items/{seeded.assembly}/approve", json={}, headers=headers).status_code == 403
    assert client.post(f"/api/items/{seeded.assembly}/reject", json={}, headers=headers).status_code == 403
    assert (
        client.patch(f"/api/items/{seeded.assembly}", json={"title": "x"}, headers=headers).status_code == 403
    )
    form = client.post(f"/items/{seeded.assembly}/review", data={"csrf_token": token, "topics": "budgets"})
    assert form.status_code == 403
    assert "may not" in form.text
    bulk = client.post(
        "/queue/bulk", data={"csrf_token": token, "action": "approve", "ids": [seeded.assembly]}
    )
    assert bulk.status_code == 403
    assert core.items.get(seeded.assembly).status == "new"
    assert (
        client.post("/manage/topics", data={"csrf_token": token, "slug": "x", "name": "X"}).status_code == 403
    )


def test_a_curator_manages_topics_but_not_sources(core: Aggregator, client: TestClient) -> None:
    token = login(client, "curator")
    added = client.post("/manage/topics", data={"csrf_token": token, "slug": "wales", "name": "Wales"})
    assert added.status_code == 200
    assert "wales" in [t.slug for t in core.topics.all()]
    refused = client.post(
        "/manage/sources", data={"csrf_token": token, "url": "https://ex.org/f", "kind": "feed"}
    )
    assert refused.status_code == 403
    assert len(core.sources.all()) == 2


def test_pages_carry_a_strict_content_security_policy(client: TestClient, seeded: Seeded) -> None:
    login(client, "admin")
    for path in (
        "/login",
        "/queue",
        f"/items/{seeded.xss}",
        "/manage/topics",
        "/manage/sources",
        "/api/items",
    ):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"


def test_harvested_markup_reaches_the_page_as_text(client: TestClient, seeded: Seeded) -> None:
    login(client, "admin")
    for path in (f"/items/{seeded.xss}", "/queue", "/queue?q=payload"):
        html = client.get(path).text
        assert "Payload" in html
        assert "<script>window" not in html
        assert "<img src=x" not in html
        assert "<svg" not in html
        assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
    # Every script the app serves is a file of its own: no inline script for a payload to hide in.
    html = client.get(f"/items/{seeded.xss}").text
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']


def test_the_published_feeds_are_public(client: TestClient) -> None:
    answer = client.get("/feeds/atom.xml", follow_redirects=False)
    assert answer.status_code == 200
    assert "atom" in answer.headers["content-type"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_a_new_password_ends_the_sessions_begun_with_the_old_one(
    core: Aggregator, client: TestClient
) -> None:
    login(client, "curator")
    assert client.get("/api/items").status_code == 200
    core.users.set_password("curator", "a brand new passphrase")
    assert client.get("/api/items").status_code == 401
    login(client, "curator", "a brand new passphrase")
    assert client.get("/api/items").status_code == 200


def test_a_long_message_is_cut_so_the_session_cookie_stays_small() -> None:
    from aggregator.web.sessions import FLASH_LIMIT, SessionData

    session = SessionData()
    session.say("x" * 10_000)
    assert session.flash is not None
    assert len(session.flash) == FLASH_LIMIT
    assert session.take_flash() == "x" * (FLASH_LIMIT - 1) + "…"
    assert session.take_flash() is None
