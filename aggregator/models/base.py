"""The declarative base every stored shape shares: aware UTC datetimes, JSON columns, CHECK values."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

from aggregator.enums import ContentOrigin, ItemKind, ItemStatus, RunStatus

# The values each CHECK constraint allows, in the order the migrations wrote them.
ITEM_STATUSES = tuple(str(s) for s in ItemStatus)
ITEM_KINDS = tuple(str(k) for k in ItemKind)
CONTENT_ORIGINS = tuple(sorted(str(o) for o in ContentOrigin))
RUN_STATUSES = tuple(str(s) for s in RunStatus)


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores UTC and always gives back aware datetimes, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }
