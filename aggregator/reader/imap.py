"""Reading a mailbox folder over IMAP: its UIDs, their sizes, and messages without marking them seen.

The account's host is checked by the network guard like any URL a curator gives (an IMAP host is
no more trusted than a feed's), and the connection goes to the address that was checked, with TLS
verified against the host's name. The folder is opened read-only unless messages are to be marked
seen, and bodies are fetched with ``BODY.PEEK[]``, so reading leaves the curators' mail as it was.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, unquote, urlsplit

from aggregator.errors import FetchError, InvalidInput
from aggregator.netguard import Address, Network, checked_addresses

SCHEMES = {"imaps": True, "imap": False}
_UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
_FETCHED = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
# UIDs per FETCH command: the command line stays well under servers' limits (Dovecot: 64 KiB).
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Account:
    """Where a mailbox is and who reads it; the password is never shown (nor stored: see services/kinds)."""

    host: str
    port: int
    tls: bool
    user: str
    folder: str
    password: str = field(repr=False, default="")


def parse_address(url: str) -> tuple[str, int | None, bool, str, str]:
    """Return host, port, TLS, user and folder of ``imaps://user@host[:port]/folder``; raise InvalidInput."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InvalidInput(f"not a mailbox address: {url[:200]!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname or parts.password is not None:
        raise InvalidInput(
            "a mailbox source's address is imaps://USER@HOST[:PORT]/FOLDER (or imap:// without TLS), "
            f"with no password in it, not {url[:200]!r}"
        )
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return parts.hostname, port, SCHEMES[scheme], unquote(parts.username or ""), folder


def address_of(account: Account) -> str:
    """Return the mailbox's address as a source URL, without its password."""
    scheme = "imaps" if account.tls else "imap"
    user = quote(account.user, safe="") + "@" if account.user else ""
    return f"{scheme}://{user}{account.host}:{account.port}/{quote(account.folder)}"


class Mailbox:
    """One IMAP session on one folder: ``with Mailbox(account, ...) as box: box.uids()``."""

    def __init__(
        self,
        account: Account,
        *,
        writable: bool = False,
        timeout: float = 30.0,
        allow_private: bool = False,
        allowed: tuple[Network, ...] = (),
    ) -> None:
        self.account = account
        self.writable = writable
        self.timeout = timeout
        self._allow_private = allow_private
        self._allowed = allowed
        self._imap: imaplib.IMAP4 | None = None
        self.uidvalidity = 0

    def __enter__(self) -> Self:
        account = self.account
        addresses = checked_addresses(
            f"https://{account.host}:{account.port}/",
            allow_private=self._allow_private,
            allowed=self._allowed,
        )
        try:
            self._imap = _connect(account, addresses[0], self.timeout)
            self._imap.login(account.user, account.password)
            status, data = self._imap.select(_quoted(account.folder), readonly=not self.writable)
            if status != "OK":
                raise FetchError(f"no folder {account.folder!r}: {_said(data)}")
        except imaplib.IMAP4.error as exc:
            self.close()
            raise FetchError(f"IMAP {account.host}: {_plain(exc)}") from None
        except (OSError, ssl.SSLError) as exc:
            self.close()
            raise FetchError(f"IMAP {account.host}:{account.port}: {exc}") from None
        except FetchError:
            self.close()
            raise
        found = _UIDVALIDITY.search(
            b" ".join(_as_bytes(d) for d in self._imap.untagged_responses.get("OK", []))
        )
        validity = self._imap.untagged_responses.get("UIDVALIDITY", [b"0"])
        self.uidvalidity = int(found.group(1)) if found else int(_as_bytes(validity[-1]) or b"0")
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Log out, whatever state the session is in."""
        if self._imap is None:
            return
        imap, self._imap = self._imap, None
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()

    def uids(self) -> list[int]:
        """Return every message's UID in the folder, oldest first."""
        data = self._command("SEARCH", None, "ALL")
        return sorted(int(n) for n in b" ".join(_as_bytes(d) for d in data).split())

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """Return the size in bytes of each of ``uids`` (so a huge message is skipped before it is read)."""
        found: dict[int, int] = {}
        for start in range(0, len(uids), _CHUNK):
            wanted = ",".join(str(u) for u in uids[start : start + _CHUNK])
            for line in self._command("FETCH", wanted, "(RFC822.SIZE)"):
                head = _as_bytes(line)
                uid, size = _FETCHED.search(head), _SIZE.search(head)
                if uid and size:
                    found[int(uid.group(1))] = int(size.group(1))
        return found

    def fetch(self, uid: int) -> bytes:
        """Return message ``uid`` as it was sent, leaving its \\Seen flag alone."""
        for line in self._command("FETCH", str(uid), "(BODY.PEEK[])"):
            if isinstance(line, tuple) and _FETCHED.search(line[0]):
                return bytes(line[1])
        raise FetchError(f"message UID {uid} is no longer in {self.account.folder!r}")

    def mark_seen(self, uid: int) -> None:
        """Flag message ``uid`` as seen."""
        self._command("STORE", str(uid), "+FLAGS.SILENT", "(\\Seen)")

    def _command(self, name: str, *args: Any) -> list[Any]:
        if self._imap is None:
            raise FetchError("the IMAP session is closed")
        try:
            status, data = self._imap.uid(name, *args)
        except imaplib.IMAP4.error as exc:
            raise FetchError(f"IMAP {name}: {_plain(exc)}") from None
        except OSError as exc:
            raise FetchError(f"IMAP {self.account.host}: {exc}") from None
        if status != "OK":
            raise FetchError(f"IMAP {name}: {_said(data)}")
        return [d for d in data if d is not None]


class _PinnedIMAP(imaplib.IMAP4):
    """IMAP to the address the guard checked (not the name resolved again)."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((str(self._address), self.port), timeout)


class _PinnedIMAPS(imaplib.IMAP4_SSL):
    """IMAP over TLS to the checked address, the certificate verified against the host's name."""

    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        self._address = address
        super().__init__(host, port, ssl_context=ssl.create_default_context(), timeout=timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((str(self._address), self.port), timeout)
        context: ssl.SSLContext = self.ssl_context
        return context.wrap_socket(sock, server_hostname=self.host)


def _connect(account: Account, address: Address, timeout: float) -> imaplib.IMAP4:
    kind = _PinnedIMAPS if account.tls else _PinnedIMAP
    return kind(account.host, account.port, address, timeout)


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, tuple):
        return bytes(value[0])
    return value if isinstance(value, bytes) else str(value).encode()


def _said(data: Any) -> str:
    return (
        " ".join(_as_bytes(d).decode("utf-8", "replace") for d in (data or []) if d is not None) or "refused"
    )


def _plain(exc: BaseException) -> str:
    text = str(exc)
    return text[2:-1] if text.startswith(("b'", 'b"')) else text
