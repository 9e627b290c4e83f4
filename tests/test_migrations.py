from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.migrations import head_revision, upgrade
from aggregator.models import Base
from aggregator.services.search import SEARCH_OBJECT_NAMES


def test_init_is_idempotent_and_the_migrations_match_the_models(config: Config) -> None:
    core = Aggregator(config)
    try:
        head = head_revision(core.db.engine)
        assert head is not None
        assert head >= "0005"
        assert core.init_db() == (None, head)
        assert core.init_db() == (head, head)
        with core.db.engine.connect() as conn:
            # The search index and FTS tables are made by the migration alone, outside the models.
            context = MigrationContext.configure(
                conn, opts={"include_name": lambda name, *_: name not in SEARCH_OBJECT_NAMES}
            )
            diffs = compare_metadata(context, Base.metadata)
        # The only tolerated differences: the models' UTCDateTime wraps the migration's DateTime, and
        # on SQLite a reference added with its column (ALTER TABLE ADD COLUMN ... REFERENCES), whose
        # ON DELETE SQLAlchemy's reflection does not read; SQLite's own list shows it below.
        inline = core.db.dialect == "sqlite"
        assert [d for d in diffs if not _is_datetime_wrapper(d) and not (inline and _is_inline_fk(d))] == []
        if inline:
            with core.db.engine.connect() as conn:
                references = conn.exec_driver_sql("PRAGMA foreign_key_list(items)").fetchall()
            assert ("items", "pair_id", "id", "SET NULL") in [(r[2], r[3], r[4], r[6]) for r in references]
    finally:
        core.close()


def _is_inline_fk(diff: object) -> bool:
    if isinstance(diff, tuple) and diff[0] in ("add_fk", "remove_fk"):
        return [c.name for c in diff[1].columns] == ["pair_id"]
    return False


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


@contextmanager
def _database_at(config: Config, revision: str) -> Iterator[Aggregator]:
    """The test database migrated only to ``revision``, with one feed source (id 1) in it."""
    core = Aggregator(config)
    try:
        upgrade(core.db.engine, revision)
        with core.db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO sources (name, kind, url, settings, enabled, error_count, created_at) "
                "VALUES ('s', 'feed', 'https://ex.org/f', '{}', true, 0, CURRENT_TIMESTAMP)"
            )
        yield core
    finally:
        core.close()


def test_a_database_at_the_first_revision_migrates_with_its_items(config: Config) -> None:
    from aggregator.services.items import Harvested

    with _database_at(config, "0001") as core:
        with core.db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO items (source_id, url, canonical_url, title, first_seen_at, text, summary, "
                "content_origin, fetch_attempts, status, updated_at) VALUES (1, 'https://ex.org/a', "
                "'https://ex.org/a', 'Old item', CURRENT_TIMESTAMP, 'x', 'x', 'article', 1, 'new', "
                "CURRENT_TIMESTAMP)"
            )
        assert core.init_db() == ("0001", head_revision(core.db.engine))
        (item,) = core.items.query()
        assert (item.title, item.kind) == ("Old item", "article")
        assert (
            core.items.record(
                Harvested(
                    source_id=1,
                    url="https://ex.org/b",
                    guid=None,
                    title="New",
                    author=None,
                    published=None,
                    language=None,
                    text="t",
                    summary="t",
                    content_origin="api",
                )
            ).value
            == "new"
        )


def test_folds_of_the_sketch_alone_are_rechecked_and_wrong_ones_unfolded(config: Config) -> None:
    from tests.test_duplicates import ASSEMBLY, REPOST, TRIAL_A, TRIAL_B

    with _database_at(config, "0005") as core:
        with core.db.engine.begin() as conn:
            # As the sketch alone folded them: a real copy, and a second trial folded into the first.
            for n, (body, copy_of) in enumerate(
                [(ASSEMBLY, None), (REPOST, 1), (TRIAL_A, None), (TRIAL_B, 3)], start=1
            ):
                conn.execute(
                    text(
                        "INSERT INTO items (id, source_id, url, canonical_url, title, first_seen_at, text, "
                        "summary, content_origin, fetch_attempts, status, updated_at, kind, duplicate_of_id, "
                        "excerpt_candidates) VALUES (:n, 1, :url, :url, 't', CURRENT_TIMESTAMP, :text, '', "
                        "'article', 1, 'new', CURRENT_TIMESTAMP, 'article', :copy_of, '[]')"
                    ),
                    {"n": n, "url": f"https://ex.org/{n}", "text": body, "copy_of": copy_of},
                )

        core.init_db()

        assert {i.id: i.duplicate_of_id for i in core.items.query(include_duplicates=True)} == {
            1: None,
            2: 1,
            3: None,
            4: None,
        }
        (event,) = core.items.get(4).events
        assert (event.actor, event.action, event.detail) == (
            "aggregator (migration 0006)",
            "unfold",
            {"from": 3},
        )
        assert [e.detail for e in core.items.get(3).events] == [{"copy": 4}]
        assert core.items.get(1).events == ()
