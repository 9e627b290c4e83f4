"""Accounts: argon2 hashes, roles and their permissions, and the login throttle across processes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from aggregator.core import Aggregator
from aggregator.errors import Conflict, InvalidInput
from aggregator.models import User
from aggregator.services.login_throttle import LoginThrottle


def test_passwords_are_stored_as_argon2_hashes_and_checked(core: Aggregator) -> None:
    ann = core.users.add("ann", role="curator", password="s3cret-enough")
    with core.db.read() as session:
        stored = session.scalars(select(User.password_hash).where(User.name == "ann")).one()
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "s3cret-enough" not in stored
    assert core.users.authenticate("ann", "s3cret-enough") == ann
    assert core.users.authenticate("ann", "s3cret-enougH") is None
    assert core.users.authenticate("nobody", "s3cret-enough") is None


def test_roles_grant_what_the_issue_says(core: Aggregator) -> None:
    admin = core.users.add("root", role="admin", password="password1")
    curator = core.users.add("cu", role="curator", password="password1")
    viewer = core.users.add("vi", role="viewer", password="password1")
    assert all(admin.can(p) for p in ("read", "review", "topics", "sources", "users"))
    assert curator.can("review")
    assert curator.can("topics")
    assert not curator.can("sources")
    assert not curator.can("users")
    assert viewer.can("read")
    assert not viewer.can("review")
    assert not viewer.can("topics")


def test_bad_accounts_are_refused_with_a_reason(core: Aggregator) -> None:
    core.users.add("ann", role="viewer", password="long enough")
    with pytest.raises(Conflict):
        core.users.add("ann", role="viewer", password="long enough")
    with pytest.raises(InvalidInput, match="role"):
        core.users.add("bo", role="owner", password="long enough")
    with pytest.raises(InvalidInput, match="at least 8"):
        core.users.add("bo", role="viewer", password="short")
    with pytest.raises(InvalidInput, match="one word"):
        core.users.add("bo bo", role="viewer", password="long enough")
    assert [u.name for u in core.users.all()] == ["ann"]


def test_throttle_counts_attempts_per_name_and_address_in_the_database(core: Aggregator) -> None:
    first = LoginThrottle(core.db)
    # A second throttle stands for a second app process: the count lives in the database.
    second = LoginThrottle(core.db)
    assert all(first.admit("ann", "10.0.0.1") for _ in range(4))
    assert second.admit("ann", "10.0.0.1")  # the fifth
    assert not first.admit("ann", "10.0.0.1")
    assert first.admit("ann", "10.0.0.2")
    assert first.admit("bo", "10.0.0.1")
    first.succeeded("ann", "10.0.0.1")
    assert second.admit("ann", "10.0.0.1")


def test_throttle_bounds_an_address_whatever_names_it_tries(core: Aggregator) -> None:
    throttle = LoginThrottle(core.db, max_per_address=20)
    assert all(throttle.admit(f"name-{n}", "10.0.0.9") for n in range(20))
    assert not throttle.admit("yet-another", "10.0.0.9")
    assert throttle.admit("yet-another", "10.0.0.10")


def test_throttle_forgets_attempts_older_than_its_window(core: Aggregator) -> None:
    short = LoginThrottle(core.db, window=dt.timedelta(seconds=-1))
    assert all(short.admit("ann", "10.0.0.1") for _ in range(8))
    assert LoginThrottle(core.db).admit("ann", "10.0.0.1")


def test_a_hash_made_with_weaker_settings_is_upgraded_at_login(core: Aggregator) -> None:
    from argon2 import PasswordHasher

    from aggregator.services.users import UserService

    weak = UserService(core.db, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    weak.add("ann", role="viewer", password="long enough")
    user = core.users.authenticate("ann", "long enough")
    assert user is not None
    with core.db.read() as session:
        stored = session.scalars(select(User.password_hash).where(User.name == "ann")).one()
    assert stored is not None
    assert "m=65536,t=3,p=4" in stored
    # Upgrading the hash is no password change: it ends no session.
    token = core.sessions.start(user.id)
    assert core.users.authenticate("ann", "long enough") is not None
    assert core.sessions.user_of(token) == user.id
