"""Users service: accounts with roles, passwords hashed with argon2, and what each role may do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from aggregator.db import Database
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.models import LoginSession, User

ROLES = ("admin", "curator", "viewer")
# admin: everything; curator: review and topics; viewer: read.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"read", "review", "topics", "sources", "users"}),
    "curator": frozenset({"read", "review", "topics"}),
    "viewer": frozenset({"read"}),
}
MIN_PASSWORD_LENGTH = 8
_NAME_LIMIT = 200


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as callers see it; never the password hash."""

    id: int
    name: str
    role: str
    created_at: dt.datetime

    def can(self, permission: str) -> bool:
        """Return True when the user's role grants ``permission``."""
        return permission in PERMISSIONS.get(self.role, frozenset())


class UserService:
    """Every rule about accounts lives here."""

    def __init__(self, db: Database, hasher: PasswordHasher | None = None) -> None:
        self._db = db
        self._hasher = hasher or PasswordHasher()
        self._decoy: str | None = None

    def add(self, name: str, *, role: str, password: str) -> UserView:
        """Create a user with a role and a password; return it."""
        name = name.strip()
        if not name or len(name) > _NAME_LIMIT or any(ch.isspace() for ch in name):
            raise InvalidInput("a user name is one word of at most 200 characters")
        _check_role(role)
        digest = self._hash(password)
        with self._db.write() as session:
            if session.scalar(select(User).where(User.name == name)) is not None:
                raise Conflict(f"a user {name!r} exists already")
            user = User(name=name, role=role, password_hash=digest)
            session.add(user)
            session.flush()
            return _view(user)

    def authenticate(self, name: str, password: str) -> UserView | None:
        """Return the user when ``password`` is theirs, else None."""
        with self._db.read() as session:
            user = session.scalar(select(User).where(User.name == name.strip()))
        digest = user.password_hash if user is not None and user.password_hash else None
        if digest is None and self._decoy is None:
            # Verified against when the name is unknown, so a wrong name costs what a wrong password does.
            self._decoy = self._hasher.hash("not anyone's password")
        try:
            self._hasher.verify(digest or str(self._decoy), password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or digest is None:
            return None
        if self._hasher.check_needs_rehash(digest):
            # Stronger settings since this hash was made: store the new hash.
            user.password_hash = self._hasher.hash(password)
            self._store_hash(user.id, user.password_hash)
        return _view(user)

    def get(self, user_id: int) -> UserView | None:
        """Return the user with this id, or None when it no longer exists."""
        with self._db.read() as session:
            user = session.get(User, user_id)
            return _view(user) if user is not None else None

    def all(self) -> list[UserView]:
        """Return every user by name."""
        with self._db.read() as session:
            return [_view(u) for u in session.scalars(select(User).order_by(User.name))]

    def set_password(self, name: str, password: str) -> None:
        """Replace a user's password and end every session begun with the old one."""
        digest = self._hash(password)
        with self._db.write() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound(f"no user {name!r}")
            user.password_hash = digest
            session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))

    def set_role(self, name: str, role: str) -> UserView:
        """Change a user's role and return the user."""
        _check_role(role)
        with self._db.write() as session:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                raise NotFound(f"no user {name!r}")
            user.role = role
            return _view(user)

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise InvalidInput(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        return self._hasher.hash(password)

    def _store_hash(self, user_id: int, digest: str) -> None:
        with self._db.write() as session:
            user = session.get(User, user_id)
            if user is not None:
                user.password_hash = digest


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


def _view(user: User) -> UserView:
    return UserView(id=user.id, name=user.name, role=user.role, created_at=user.created_at)
