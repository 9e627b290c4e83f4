"""Fixtures shared by the suite: both database backends, a migrated core, a local HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.support.databases import postgres_schema, require_postgres, sqlite_url
from tests.support.server import LocalServer

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
def server() -> Iterator[LocalServer]:
    srv = LocalServer().start()
    yield srv
    srv.stop()


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()
