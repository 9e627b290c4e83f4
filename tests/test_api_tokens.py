"""API tokens: made and listed by the CLI, stored hashed, good for the API only, refused once revoked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from aggregator.cli import main
from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.models import ApiToken
from tests.support.curator import Seeded, login


def make_token(config: Config, monkeypatch: pytest.MonkeyPatch, name: str) -> str:
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", config.database_url)
    result = CliRunner().invoke(main, ["users", "token", name, "--note", "a script"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("agg_")
    assert len(token) > 40
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_works_for_the_api_with_its_users_role(
    core: Aggregator, config: Config, seeded: Seeded, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(config, monkeypatch, "curator")
    with core.db.read() as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.digest != token
    assert token not in (stored.digest, stored.note)
    listed = CliRunner().invoke(main, ["users", "tokens"])
    assert "curator" in listed.output
    assert "a script" in listed.output
    assert token not in listed.output
    found = client.get("/api/items", headers=bearer(token))
    assert found.status_code == 200
    assert len(found.json()["items"]) == 4
    # No CSRF token needed: a browser never sends this header on its own.
    done = client.post(f"/api/items/{seeded.budget}/reject", headers=bearer(token))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "rejected"
    assert done.json()["reviewed_by"] == "curator"
    assert core.tokens.all()[0].last_used_at is not None
    # The role is the user's: a viewer's token reads but does not review.
    viewer = make_token(config, monkeypatch, "viewer")
    assert client.get("/api/topics", headers=bearer(viewer)).status_code == 200
    assert client.post(f"/api/items/{seeded.welsh}/reject", headers=bearer(viewer)).status_code == 403


def test_a_token_opens_no_page_and_bypasses_no_csrf(
    config: Config, seeded: Seeded, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(config, monkeypatch, "admin")
    page = client.get("/queue", headers=bearer(token), follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    assert client.get("/manage/sources", headers=bearer(token), follow_redirects=False).status_code == 303
    assert client.get("/api/items", headers=bearer("agg_not-a-token")).status_code == 401
    assert client.get("/api/items", headers={"Authorization": f"Basic {token}"}).status_code == 401
    # A browser's session still needs its CSRF token; a made-up bearer header does not stand in for it.
    login(client, "admin")
    assert client.post(f"/api/items/{seeded.budget}/reject").status_code == 403
    forged = client.post(f"/api/items/{seeded.budget}/reject", headers=bearer("agg_made-up"))
    assert forged.status_code == 401
    assert client.get(f"/api/items/{seeded.budget}").json()["status"] == "new"


def test_a_revoked_token_is_refused(
    core: Aggregator, config: Config, seeded: Seeded, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = make_token(config, monkeypatch, "curator")
    assert client.get("/api/items", headers=bearer(token)).status_code == 200
    token_id = core.tokens.all()[0].id
    result = CliRunner().invoke(main, ["users", "revoke-token", str(token_id)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/items", headers=bearer(token)).status_code == 401
    assert not core.tokens.all()[0].live
    unknown = CliRunner().invoke(main, ["users", "revoke-token", "999"])
    assert unknown.exit_code == 1
    assert "no token 999" in unknown.stderr
