"""Outbound address policy: URLs from curators are untrusted, so they may not reach our own network."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aggregator.errors import BlockedAddress, ConfigError, HostNotFound

_ALLOWED_SCHEMES = ("http", "https")
# 100.64/10 (carrier-grade NAT) and 198.18/15 (benchmarking) are not "private" to ipaddress.
_EXTRA_BLOCKED = (ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("198.18.0.0/15"))


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> tuple[Network, ...]:
    """Return the networks in a comma-separated list of addresses and CIDR blocks."""
    try:
        return tuple(
            ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()
        )
    except ValueError as exc:
        raise ConfigError(f"AGGREGATOR_ALLOWED_NETWORKS: {exc}") from None


def check_url(url: str, *, allow_private: bool, allowed: tuple[Network, ...] = ()) -> None:
    """Raise BlockedAddress unless ``url`` is http(s) and every address its host resolves to is public.

    Addresses inside ``allowed`` pass although they are private.
    """
    checked_addresses(url, allow_private=allow_private, allowed=allowed)


def checked_addresses(url: str, *, allow_private: bool, allowed: tuple[Network, ...] = ()) -> list[Address]:
    """Return the addresses ``url``'s host resolves to, having refused the URL if any is not public.

    A caller connects to one of these and not to the name: resolving the name again to connect would
    let a rebinding DNS server answer differently the second time.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BlockedAddress(f"refusing malformed URL {url!r}") from None
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        raise BlockedAddress(f"refusing {parts.scheme or 'scheme-less'} URL {url!r}: only http and https")
    host = parts.hostname
    if not host:
        raise BlockedAddress(f"refusing URL without a host: {url!r}")
    if allow_private:
        return resolve(host, port)
    addresses = resolve(host, port)
    for address in addresses:
        if is_internal(address) and not any(
            address in net for net in allowed if address.version == net.version
        ):
            raise BlockedAddress(
                f"refusing {url}: {host} resolves to the non-public address {address} "
                "(set AGGREGATOR_ALLOW_PRIVATE_NETWORKS=1 to allow)"
            )
    return addresses


def resolve(host: str, port: int | None) -> list[Address]:
    """Return every address ``host`` resolves to; a literal address resolves to itself."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise HostNotFound(f"cannot resolve {host}: {exc.strerror}") from None
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Return True for loopback, private, link-local (cloud metadata), reserved and multicast addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        not address.is_global
        or address.is_multicast
        or any(address in net for net in _EXTRA_BLOCKED if address.version == net.version)
    )


def pinned(url: str, addresses: list[Address]) -> tuple[str, dict[str, Any], str]:
    """Return ``url`` with its host replaced by the first checked address, the TLS name and the Host.

    Connecting to the address checked, never to the name resolved again, is what keeps a rebinding
    DNS server from answering differently the second time; the certificate is still checked against
    the name (httpx's ``sni_hostname``) and the server sees the name in Host.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = addresses[0] if addresses else None
    if address is None or str(address) == host:
        return url, {}, parts.netloc
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), extensions, parts.netloc.rsplit("@", 1)[-1]
