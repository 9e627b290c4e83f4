"""`aggregator users` and `aggregator serve`, run as a user would, in a subprocess."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from tests.support.cli import crawl_env, free_port, run_cli, start_cli, wait_for_login


def test_users_are_added_from_stdin_listed_and_refused_when_bad(db_url: str) -> None:
    env = crawl_env(db_url)
    assert run_cli("init", env=env).returncode == 0
    added = run_cli(
        "users", "add", "ann", "--role", "curator", "--password-stdin", stdin="a long passphrase\n", env=env
    )
    assert added.returncode == 0, added.stderr
    assert "added ann (curator)" in added.stdout
    short = run_cli("users", "add", "bo", "--role", "viewer", "--password-stdin", stdin="short\n", env=env)
    assert short.returncode == 1
    assert short.stderr.strip() == "error: a password has at least 8 characters"
    bad_role = run_cli("users", "add", "bo", "--role", "owner", env=env)
    assert bad_role.returncode == 2
    listed = run_cli("users", "list", env=env)
    assert "ann" in listed.stdout
    assert "bo" not in listed.stdout
    core = Aggregator(Config(database_url=db_url))
    try:
        assert core.users.authenticate("ann", "a long passphrase") is not None
    finally:
        core.close()


@pytest.mark.crawl
def test_serve_answers_on_127_0_0_1_and_refuses_without_a_session(tmp_path: Path) -> None:
    env = crawl_env(f"sqlite:///{tmp_path / 'a.db'}")
    assert run_cli("init", env=env).returncode == 0
    port = free_port()
    proc = start_cli("serve", "--port", str(port), env=env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            login = wait_for_login(client, proc)
            assert login.status_code == 200
            assert "script-src 'self'" in login.headers["content-security-policy"]
            assert client.get("/api/items").status_code == 401
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert f"curator app at http://127.0.0.1:{port}/" in out
    assert "no users yet" in err


def test_demo_login_gives_a_fresh_working_password_each_time(core: Aggregator) -> None:
    from aggregator.demo.run import demo_login

    name, first = demo_login(core)
    assert core.users.authenticate(name, first) is not None
    again, second = demo_login(core)
    assert again == name
    assert second != first
    assert core.users.authenticate(name, first) is None
    user = core.users.authenticate(name, second)
    assert user is not None
    assert user.role == "admin"


@pytest.mark.crawl
def test_the_demo_ends_in_the_curator_app_with_a_working_login(tmp_path: Path) -> None:
    env = crawl_env(f"sqlite:///{tmp_path / 'aggregator.db'}", AGGREGATOR_ALLOW_PRIVATE_NETWORKS="0")
    app_port = free_port()
    proc = start_cli(
        "demo",
        "--port",
        str(free_port()),
        "--app-port",
        str(app_port),
        env=env,
        cwd=tmp_path,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        line = ""
        deadline = time.monotonic() + 240
        while "Curator app:" not in line:
            assert time.monotonic() < deadline, "the demo never started the app"
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "the demo ended without starting the app"
        found = re.search(r"http://127\.0\.0\.1:(\d+)/  log in as (\S+) / (\S+)", line)
        assert found, line
        assert int(found.group(1)) == app_port
        base = f"http://127.0.0.1:{app_port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            page = wait_for_login(client, proc)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
            done = client.post(
                "/login", data={"name": found.group(2), "password": found.group(3), "csrf_token": token}
            )
            assert done.status_code == 303
            queue = client.get("/queue")
            assert queue.status_code == 200
            assert queue.text.count('<tr class="item-row') >= 20
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_serve_says_so_when_its_port_is_taken(tmp_path: Path) -> None:
    env = crawl_env(f"sqlite:///{tmp_path / 'a.db'}")
    assert run_cli("init", env=env).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), env=env, timeout=30)
    assert done.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in done.stderr
