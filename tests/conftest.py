"""Fixtures shared by the suite: both database backends, a migrated core, the app's client, a local server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.web import create_app
from tests.support.curator import Seeded, add_users, seed
from tests.support.databases import postgres_schema, require_postgres, sqlite_url
from tests.support.redis_queue import redis_prefix, require_redis
from tests.support.server import LocalServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database, once per backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    require_postgres()
    with postgres_schema() as url:
        yield url


@pytest.fixture
def config(db_url: str) -> Config:
    return Config(database_url=db_url, allow_private_networks=True, download_delay=0.0)


@pytest.fixture
def core(config: Config) -> Iterator[Aggregator]:
    """Yield a core over a freshly migrated database."""
    agg = Aggregator(config)
    agg.init_db()
    yield agg
    agg.close()


@pytest.fixture
def seeded(core: Aggregator) -> Seeded:
    """Store the curator app's test data and one user of each role."""
    add_users(core)
    return seed(core)


@pytest.fixture
def client(core: Aggregator, seeded: Seeded) -> Iterator[TestClient]:
    """Yield a client of the curator app over the seeded core, logged in as nobody."""
    with TestClient(create_app(core)) as test_client:
        yield test_client


@pytest.fixture
def backing() -> Iterator[tuple[str, str]]:
    """Yield a fresh PostgreSQL schema's URL and a Redis key prefix of this test's own."""
    require_postgres()
    require_redis()
    with postgres_schema() as url, redis_prefix() as prefix:
        yield url, prefix


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Yield Debian's Chromium, one for the tests of a module (see tests/support/browser.py)."""
    from tests.support.browser import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer().start()
    yield srv
    srv.stop()


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()
