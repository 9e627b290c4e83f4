"""Database URLs for tests: a fresh SQLite file, or a fresh schema in the PostgreSQL database ``test``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "AGGREGATOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_available() -> str | None:
    """Return None when PostgreSQL answers, else why not."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 (any failure means: not available)
        return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is not available: {exc}"
    return None


def missing(service: str, reason: str, *, module: bool = False) -> NoReturn:
    """Skip the test (``module``: the calling module) for want of ``service``, except in CI: a failure."""
    if IN_CI:
        pytest.fail(f"CI must run the {service} tests: {reason}")
    pytest.skip(reason, allow_module_level=module)


def require_postgres() -> None:
    """Skip the test when PostgreSQL is missing, except in CI, where that is a failure."""
    reason = postgres_available()
    if reason is not None:
        missing("PostgreSQL", reason)


@contextmanager
def postgres_schema() -> Iterator[str]:
    """Yield a URL whose connections use a new, empty schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def connected(db_url: str) -> Iterator[Connection]:
    """Yield a connection to ``db_url`` from an engine of its own, disposed afterwards."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def sqlite_url(folder: Path) -> str:
    """Return the URL of a new SQLite file in ``folder``."""
    return f"sqlite:///{folder / 'aggregator.db'}"
