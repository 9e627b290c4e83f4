from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.models import Base


def test_init_is_idempotent_and_the_migrations_match_the_models(config: Config) -> None:
    core = Aggregator(config)
    try:
        assert core.init_db() == (None, "0001")
        assert core.init_db() == ("0001", "0001")
        with core.db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        # The only tolerated difference: the models' UTCDateTime wraps the migration's DateTime.
        assert [d for d in diffs if not _is_datetime_wrapper(d)] == []
    finally:
        core.close()


def _is_datetime_wrapper(diff: object) -> bool:
    if isinstance(diff, list) and diff and diff[0][0] == "modify_type":
        return type(diff[0][6]).__name__ == "UTCDateTime"
    return False


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    core = Aggregator(Config(database_url=f"sqlite:///{tmp_path}/a.db"))
    try:
        with core.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        core.close()
