"""Engine and sessions: SQLite (WAL, foreign keys, busy timeout, immediate writes) or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from aggregator.errors import ConfigError, DatabaseNotReady

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Ids are PostgreSQL INTEGERs: a larger number names no row, and sent to the database it fails the
# query (SQLite cannot even bind past 2**63), so callers check against this first.
MAX_ID = 2**31 - 1
_WRITE_OPTION = "aggregator_write"


def make_engine(url: str) -> Engine:
    """Return an engine for ``url``, with the SQLite pragmas this product relies on."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"AGGREGATOR_DATABASE_URL is not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would pick psycopg2, which is not a dependency; psycopg 3 is.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    engine = create_engine(
        parsed,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # One connection per checkout keeps every process's view of the WAL fresh and never
        # holds a lock between requests; opening an SQLite file costs microseconds.
        poolclass=NullPool,
    )
    _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that later writes cannot wait for the lock (SQLite answers
        # "database is locked" at once to avoid deadlock), so writers take it up front and wait
        # there under busy_timeout instead.
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """An engine with two session factories: one for reading, one for short write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def dialect(self) -> str:
        """Return the backend's name: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Yield a session for queries; nothing it does is committed."""
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session in one transaction, committed on success and rolled back on error."""
        with self._write() as session, session.begin():
            yield session

    def require_schema(self) -> None:
        """Raise DatabaseNotReady unless the schema has been created."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                raise DatabaseNotReady(
                    f"the database at {self.safe_url} has no schema yet: run `aggregator init`"
                )

    @property
    def safe_url(self) -> str:
        """Return the URL with any password hidden."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
