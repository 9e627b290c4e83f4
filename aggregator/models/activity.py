"""Who does what: users, sessions, tokens, login attempts, the audit trail of item events, app settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from aggregator.models.base import Base, utcnow


class User(Base):
    """Someone who reviews, curates or reads."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="curator")
    password_hash: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ItemEvent(Base):
    """One thing someone did to an item: the audit trail curators see."""

    __tablename__ = "item_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginAttempt(Base):
    """A failed login, kept a while so that guessing passwords is slowed across every app process."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_name_address_at", "name", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LoginSession(Base):
    """A logged-in browser: the cookie carries a random token, the database only its hash.

    Kept here rather than in the cookie alone so that logging out ends it for every copy of the
    cookie, and an admin can list and revoke sessions.
    """

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class ApiToken(Base):
    """A token a script sends as ``Authorization: Bearer``; the database keeps only its hash.

    It acts for its user, with the user's role, on the JSON API only. Revoking keeps the row (who had
    which token, until when) and refuses the token from then on.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token, hex
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class AppSetting(Base):
    """A value the app generates once and keeps, such as the key that signs session cookies."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
