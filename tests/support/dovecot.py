"""A private Dovecot IMAP server for the tests: its own config, folder and port, one passwd-file user.

Started from Debian's ``dovecot-imapd`` with everything under a temporary folder (runtime, state,
log, the user's Maildir), listening on 127.0.0.1 only, plain IMAP (the loopback needs no TLS),
login by password. Run as root (as in CI containers) the mail processes take the ``nobody`` user,
since Dovecot refuses mail access as root; run as anyone else, they take that user.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.databases import missing
from tests.support.processes import stop_group

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@dataclass(frozen=True, slots=True)
class Dovecot:
    """A running test server: where it listens and the one user it knows."""

    host: str
    port: int
    user: str
    password: str
    home: Path

    def client(self) -> imaplib.IMAP4:
        """Return a logged-in IMAP session (the caller logs out)."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def append(self, raw: bytes, folder: str = "INBOX", *, seen: bool = False) -> None:
        """Deliver ``raw`` into ``folder`` over IMAP, as a mail client would."""
        imap = self.client()
        try:
            imap.create(folder) if folder != "INBOX" else None
            status, data = imap.append(folder, "(\\Seen)" if seen else "", None, raw)
            assert status == "OK", data
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        """Return each message's flags, in UID order."""
        imap = self.client()
        try:
            imap.select(folder, readonly=True)
            _status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            return [d.decode() for d in data if isinstance(d, bytes)]
        finally:
            imap.logout()


def available() -> str | None:
    """Return why Dovecot cannot run here, or None when it can."""
    if not Path(DOVECOT).exists():
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    if not Path("/usr/lib/dovecot/imap").exists():
        return "dovecot's IMAP server is not installed (apt-get install dovecot-imapd)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(folder: Path) -> Iterator[Dovecot]:
    """Run Dovecot from ``folder`` until the generator is closed (a fixture's body).

    As root, the folder is a fresh one under the system's temporary folder instead: Dovecot's
    unprivileged processes must reach it, and pytest's own temporary folders are private (0700).
    """
    if os.geteuid() == 0:
        folder = Path(tempfile.mkdtemp(prefix="aggregator-dovecot-"))
        try:
            yield from _run(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    yield from _run(folder)


def _run(folder: Path) -> Iterator[Dovecot]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        owner = pwd.getpwnam("nobody")
        login_user = "dovenull" if _user_exists("dovenull") else "nobody"
        internal_user = "dovecot" if _user_exists("dovecot") else "nobody"
    else:
        owner = pwd.getpwuid(os.geteuid())
        login_user = internal_user = owner.pw_name
    group = grp.getgrgid(owner.pw_gid).gr_name
    home = folder / "home"
    for path in (home / "Maildir" / "cur", home / "Maildir" / "new", home / "Maildir" / "tmp"):
        path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for path in (home, *home.rglob("*")):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        os.chmod(folder, 0o755)  # noqa: S103 (the mail processes, as nobody, reach the Maildir)
    port = _free_port()
    user, password = "curator", "test-password-1"
    (folder / "passwd").write_text(
        f"{user}:{{PLAIN}}{password}:{owner.pw_uid}:{owner.pw_gid}::{home}::\n", encoding="utf-8"
    )
    config = folder / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name}
first_valid_uid = {min(owner.pw_uid, 1) if owner.pw_uid else 0}
mail_location = maildir:{home}/Maildir
mail_privileged_group = {group}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
}}
""",
        encoding="utf-8",
    )
    with (folder / "dovecot.out").open("wb") as out:
        process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait(port, process, folder)
        yield Dovecot("127.0.0.1", port, user, password, home)
    finally:
        stop_group(process)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _wait(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = (folder / "dovecot.out").read_text(errors="replace")
            log = (
                (folder / "dovecot.log").read_text(errors="replace")
                if (folder / "dovecot.log").exists()
                else ""
            )
            raise RuntimeError(f"dovecot exited with {process.returncode}: {output} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not listen on port {port} within 15 s")


def require_dovecot() -> None:
    """Skip the calling test module without Dovecot, except in CI, where that is an error."""
    reason = available()
    if reason is not None:
        missing("IMAP", reason, module=True)
