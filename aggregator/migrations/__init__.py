"""Alembic migrations, run from code so that ``aggregator init`` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# Alembic is imported where it is used: every command imports this module, and alembic's import
# (about 90 ms) was a twentieth of an unchanged recrawl.

_HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> AlembicConfig:
    """Return an Alembic config whose migrations run on ``engine``."""
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(_HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; does nothing when it is there already."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None before the first migration."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """Return the newest revision the code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
