"""The resolver the connections use drops private addresses, so a rebinding name cannot reach inside."""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address

from aggregator.crawl.resolver import GuardedResolver
from aggregator.netguard import parse_networks


class _Recorder:
    def __init__(self) -> None:
        self.addresses: list[str] = []
        self.done = False

    def resolutionBegan(self, resolution: Any) -> None:
        pass

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address.host)

    def resolutionComplete(self) -> None:
        self.done = True


class _Rebinding:
    """Stands for the system resolver of a name whose answers mix public and private addresses."""

    def resolveHostName(self, receiver: Any, host: str, port: int = 0, *args: Any) -> Any:
        receiver.resolutionBegan(None)
        for address in (
            IPv4Address("TCP", "93.184.215.14", port),
            IPv4Address("TCP", "127.0.0.1", port),
            IPv4Address("TCP", "169.254.169.254", port),
            IPv4Address("TCP", "10.1.2.3", port),
            IPv6Address("TCP", "::1", port),
            IPv6Address("TCP", "2606:4700::1111", port),
        ):
            receiver.addressResolved(address)
        receiver.resolutionComplete()
        return receiver


class _Reactor:
    nameResolver = _Rebinding()


def resolve(resolver: GuardedResolver, host: str) -> _Recorder:
    recorder = _Recorder()
    resolver.resolveHostName(recorder, host, 443)
    return recorder


def test_only_public_addresses_reach_the_connection() -> None:
    resolver = GuardedResolver(_Reactor(), 0, allow_private=False, allowed=())
    result = resolve(resolver, "rebinding.example")
    assert result.addresses == ["93.184.215.14", "2606:4700::1111"]
    assert result.done


def test_allowed_networks_and_the_global_switch() -> None:
    named = GuardedResolver(_Reactor(), 0, allow_private=False, allowed=parse_networks("10.0.0.0/8"))
    assert resolve(named, "a.example").addresses == ["93.184.215.14", "10.1.2.3", "2606:4700::1111"]
    everything = GuardedResolver(_Reactor(), 0, allow_private=True, allowed=())
    assert len(resolve(everything, "b.example").addresses) == 6
