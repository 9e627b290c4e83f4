"""A DNS resolver that never hands Scrapy a private address, so the address checked is the one used.

The address guard middleware resolves a host before its request goes out, but the download then
resolves it again: a name that answers a public address first and 127.0.0.1 a moment later (DNS
rebinding) would pass the check and still reach the inside. Filtering here, where the connection's
own addresses come from, closes that gap.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any, Self, cast

from scrapy.crawler import Crawler
from scrapy.resolver import CachingHostnameResolver
from twisted.internet.interfaces import IHostResolution, IResolutionReceiver
from zope.interface import provider

from aggregator.netguard import Network, is_internal, parse_networks


@provider(IResolutionReceiver)
class _PublicOnly:
    """Passes on only the resolved addresses a crawl may connect to."""

    def __init__(self, receiver: Any, allowed: tuple[Network, ...]) -> None:
        self.receiver = receiver
        self.allowed = allowed

    def resolutionBegan(self, resolution: IHostResolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        try:
            ip = ipaddress.ip_address(address.host)
        except (AttributeError, ValueError):
            return
        if not is_internal(ip) or any(ip in net for net in self.allowed if ip.version == net.version):
            self.receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self.receiver.resolutionComplete()


class GuardedResolver(CachingHostnameResolver):
    """Scrapy's caching resolver, minus the private addresses (unless private networks are allowed)."""

    def __init__(
        self, reactor: Any, cache_size: int, allow_private: bool, allowed: tuple[Network, ...]
    ) -> None:
        super().__init__(reactor, cache_size)
        self.allow_private = allow_private
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: Any) -> Self:
        cache_size = (
            crawler.settings.getint("DNSCACHE_SIZE") if crawler.settings.getbool("DNSCACHE_ENABLED") else 0
        )
        return cls(
            reactor,
            cache_size,
            crawler.settings.getbool("AGGREGATOR_ALLOW_PRIVATE_NETWORKS"),
            parse_networks(crawler.settings.get("AGGREGATOR_ALLOWED_NETWORKS") or ""),
        )

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[Any] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        receiver = cast(
            IResolutionReceiver,
            resolutionReceiver if self.allow_private else _PublicOnly(resolutionReceiver, self.allowed),
        )
        return super().resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)
