"""Logins attacked over real connections: parallel guesses, and a flood of names from one address."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher

from aggregator.core import Aggregator
from aggregator.services.login_throttle import MAX_FAILURES
from aggregator.web import create_app
from tests.support.app_server import AppServer
from tests.support.curator import PASSWORD, Seeded


class CountingHasher(PasswordHasher):
    """The tests' light argon2, counting checks and how many run at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checks = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checks += 1
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            time.sleep(0.05)  # a real check takes most of a second: long enough for requests to pile up
            return super().verify(hash, password)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def served(core: Aggregator, seeded: Seeded) -> Iterator[tuple[AppServer, CountingHasher]]:
    hasher = CountingHasher()
    core.users._hasher = hasher
    server = AppServer(create_app(core)).start()
    try:
        yield server, hasher
    finally:
        server.stop()


def _attempt(base: str, name: str, password: str) -> int:
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        data: dict[str, Any] = {"name": name, "password": password, "csrf_token": token.group(1)}
        return client.post("/login", data=data).status_code


def test_forty_parallel_guesses_get_no_more_checks_than_the_throttle_allows(
    served: tuple[AppServer, CountingHasher],
) -> None:
    server, hasher = served
    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(lambda n: _attempt(server.base, "curator", f"guess {n}"), range(40)))
    assert hasher.checks <= MAX_FAILURES  # checked and counted as one step: 21 to 36 were checked
    assert codes.count(401) == hasher.checks
    assert codes.count(429) == 40 - hasher.checks
    # The right password now meets the throttle too.
    assert _attempt(server.base, "curator", PASSWORD) == 429


def test_a_flood_of_names_is_bounded_per_address_and_by_the_gate(
    served: tuple[AppServer, CountingHasher],
) -> None:
    server, hasher = served
    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(lambda n: _attempt(server.base, f"nobody-{n}", "x" * 12), range(40)))
    assert set(codes) <= {401, 429}
    assert hasher.checks <= 20  # per address, whatever the names
    assert hasher.most_at_once <= 4  # the gate's concurrency, whatever the connections
    assert httpx.get(f"{server.base}/topics/", timeout=10).status_code == 200


def _attempts_from(base: str, forwarded: str) -> int:
    with httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": forwarded}) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        data = {"name": "curator", "password": "wrong guess", "csrf_token": token.group(1)}
        return client.post("/login", data=data).status_code


@pytest.mark.parametrize(("trusted", "throttled"), [("", True), ("127.0.0.1", False)])
def test_forwarded_addresses_are_believed_only_from_named_proxies(
    core: Aggregator, seeded: Seeded, trusted: str, throttled: bool
) -> None:
    # uvicorn's default believed X-Forwarded-For from 127.0.0.1: any local client picked its own
    # address, and so a fresh login throttle for every guess.
    from aggregator.web.server import server_config

    core.users._hasher = CountingHasher()
    core.config = core.config.with_overrides(forwarded_allow_ips=trusted)
    server = AppServer(server_config(core, "127.0.0.1", 0)).start()
    try:
        codes = [_attempts_from(server.base, f"198.51.100.{n}") for n in range(MAX_FAILURES + 1)]
    finally:
        server.stop()
    assert (codes[-1] == 429) is throttled, codes


def test_the_port_check_allows_a_restart_while_old_connections_linger() -> None:
    import socket

    from aggregator.web.server import ensure_free

    # A server that closed with a client's connection open leaves that connection in TIME_WAIT;
    # binding without SO_REUSEADDR (as uvicorn binds with it) refused the restart.
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    listener.close()
    client.close()
    ensure_free("127.0.0.1", port)
