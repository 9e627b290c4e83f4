"""What a hostile review of the curator app found, one test per attack, on SQLite and PostgreSQL.

Each test is named after the attack and fails on the code the review ran against.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from aggregator.core import Aggregator
from aggregator.web import create_app
from tests.support.curator import Seeded, login

HUGE = str(2**63)


@pytest.fixture
def lenient(core: Aggregator, seeded: Seeded) -> Iterator[TestClient]:
    """A client that sees the app's 500s as answers instead of re-raising them."""
    with TestClient(create_app(core), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "path",
    [
        f"/api/items?offset={HUGE}",
        f"/api/items/{HUGE}",
        "/api/items/%C2%B2",  # "²": str.isdigit() says yes, int() says no
        f"/items/{HUGE}",
        f"/queue?page={HUGE}",
        f"/api/items?limit={HUGE}",
        "/api/items?after=2019-07-01T00:00:00%2B00:00~%C2%B2",
        f"/api/items?after=none~{HUGE}",
    ],
)
def test_out_of_range_and_unicode_digit_parameters_are_refused_not_500(
    lenient: TestClient, path: str
) -> None:
    login(lenient, "viewer")
    answer = lenient.get(path)
    assert answer.status_code in (400, 404, 422), (path, answer.status_code, answer.text[:200])


def test_out_of_range_ids_in_forms_and_bodies_are_refused_not_500(
    lenient: TestClient, seeded: Seeded
) -> None:
    csrf = login(lenient, "admin")
    headers = {"X-CSRF-Token": csrf}
    answers = [
        lenient.post(f"/api/items/{HUGE}/approve", headers=headers, json={}),
        lenient.post("/api/items/bulk", headers=headers, json={"ids": [int(HUGE)], "action": "reject"}),
        lenient.post(
            "/queue/bulk",
            data={"ids": HUGE, "action": "approve", "csrf_token": csrf},
            follow_redirects=False,
        ),
        lenient.post(f"/manage/sources/{HUGE}", data={"kind": "feed", "csrf_token": csrf}),
        lenient.post(
            f"/manage/sources/{seeded.guardian}",
            data={"kind": "feed", "interval_minutes": "²", "csrf_token": csrf},
        ),
        lenient.post(
            f"/items/{seeded.assembly}/review",
            data={"choice": "²", "title": "T", "topics": "budgets", "csrf_token": csrf},
            follow_redirects=False,
        ),
    ]
    assert [a.status_code < 500 for a in answers] == [True] * len(answers), [a.status_code for a in answers]


def test_a_source_named_by_a_unicode_digit_or_a_huge_number_is_not_found(core: Aggregator) -> None:
    from aggregator.errors import NotFound

    for key in ("²", HUGE, "-1"):
        with pytest.raises(NotFound):
            core.sources.get(key)
    with pytest.raises(NotFound):
        core.items.get(int(HUGE))


def test_a_copied_cookie_stops_working_at_logout(
    core: Aggregator, client: TestClient, seeded: Seeded
) -> None:
    csrf = login(client, "curator")
    copied = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    with TestClient(create_app(core), cookies=copied) as thief:
        assert thief.get("/api/items").status_code == 401
        answer = thief.post(f"/api/items/{seeded.assembly}/approve", headers={"X-CSRF-Token": csrf}, json={})
        assert answer.status_code == 401
    assert core.items.get(seeded.assembly).status == "new"


def test_an_admin_lists_and_revokes_sessions(core: Aggregator, client: TestClient, seeded: Seeded) -> None:
    with TestClient(create_app(core)) as curator:
        login(curator, "curator")
        assert curator.get("/api/items").status_code == 200
        csrf = login(client, "admin")
        listed = client.get("/api/sessions").json()["sessions"]
        assert sorted(s["user"] for s in listed) == ["admin", "curator"]
        theirs = next(s["id"] for s in listed if s["user"] == "curator")
        revoked = client.delete(f"/api/sessions/{theirs[:10]}", headers={"X-CSRF-Token": csrf})
        assert revoked.status_code == 200
        assert curator.get("/api/items").status_code == 401
        assert client.get("/api/items").status_code == 200  # the admin's own session lives on
    assert [s.user for s in core.sessions.all()] == ["admin"]


def test_only_an_admin_sees_the_sessions(client: TestClient) -> None:
    login(client, "curator")
    assert client.get("/api/sessions").status_code == 403
