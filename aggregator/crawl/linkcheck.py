"""Asking published entries' links whether they still answer, politely.

Each host is asked one request at a time, with the crawl's delay between requests
(``AGGREGATOR_DOWNLOAD_DELAY``), and several hosts at once; its robots.txt is read first and obeyed
(one that cannot be fetched, a timeout or a 5xx, counts as forbidding everything, as in crawls; a
404 allows everything). A link is asked with HEAD, and whatever is not a plain success is asked
again with GET before it counts: some servers answer HEAD wrongly. Redirects are followed by hand,
each hop checked against the network policy (``netguard``) and connected to the address checked.

This module says what each link answered; what the answer means for an entry (moved, gone after
several checks) is ``services/links``'s rule.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.errors import BlockedAddress, FetchError, HostNotFound
from aggregator.netguard import checked_addresses, parse_networks, pinned
from aggregator.services.links import LinkAnswer
from aggregator.urls import absolute_http

MAX_REDIRECTS = 10
PERMANENT = frozenset({301, 308})


class LinkChecker:
    """Asks links politely: robots.txt per host, one request at a time per host, HEAD then GET."""

    def __init__(self, config: Config, *, hosts_at_once: int = 4) -> None:
        self.config = config
        self.hosts_at_once = max(1, hosts_at_once)
        self._allowed = parse_networks(config.allowed_networks)

    def check(
        self, urls: Sequence[str], *, on_answer: Callable[[LinkAnswer], None] | None = None
    ) -> dict[str, LinkAnswer]:
        """Return each URL's answer; ``on_answer`` is called as each arrives (from worker threads)."""
        by_host: dict[str, list[str]] = {}
        for url in dict.fromkeys(urls):
            by_host.setdefault(_origin(url), []).append(url)
        answers: dict[str, LinkAnswer] = {}
        lock = threading.Lock()

        def host_worker(group: list[str]) -> None:
            for answer in self._check_host(group):
                with lock:
                    answers[answer.url] = answer
                if on_answer is not None:
                    on_answer(answer)

        with ThreadPoolExecutor(max_workers=self.hosts_at_once, thread_name_prefix="linkcheck") as pool:
            for future in [pool.submit(host_worker, group) for group in by_host.values()]:
                future.result()
        return answers

    def _check_host(self, urls: list[str]) -> list[LinkAnswer]:
        headers = {"User-Agent": self.config.user_agent}
        with httpx.Client(timeout=self.config.fetch_timeout, headers=headers) as client:
            robots, refusal = self._robots(client, urls[0])
            answers = []
            for position, url in enumerate(urls):
                if position:
                    time.sleep(self.config.download_delay)
                if refusal is not None:
                    answers.append(refusal(url))
                elif robots is not None and not robots.can_fetch(self.config.user_agent, url):
                    answers.append(LinkAnswer(url, forbidden=True, error="robots.txt forbids it"))
                else:
                    answers.append(self._ask(client, url))
            return answers

    def _robots(
        self, client: httpx.Client, url: str
    ) -> tuple[urllib.robotparser.RobotFileParser | None, Callable[[str], LinkAnswer] | None]:
        """Return the host's robots.txt rules, or how every link of a host that cannot be asked answers."""
        if not self.config.obey_robots_txt:
            return None, None
        robots_url = f"{_origin(url)}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            status, _, body = self._request(client, "GET", robots_url, read=True)
        except HostNotFound as exc:
            message = str(exc)
            return None, lambda u: LinkAnswer(u, no_such_host=True, error=message)
        except FetchError as exc:
            message = f"robots.txt cannot be read ({exc}): nothing asked"
            return None, lambda u: LinkAnswer(u, forbidden=True, error=message)
        if status >= 500 or status in (401, 403, 429):
            message = f"robots.txt answered HTTP {status}: nothing asked"
            return None, lambda u: LinkAnswer(u, forbidden=True, error=message)
        parser.parse(body.decode("utf-8", "replace").splitlines() if status < 300 else [])
        return parser, None

    def _ask(self, client: httpx.Client, url: str) -> LinkAnswer:
        """Return what ``url`` answers: HEAD, and GET when HEAD answered with anything but a success."""
        answer = self._follow(client, "HEAD", url)
        # No status (a timeout, a refused connection, no such host) is no HEAD quirk: GET would fare alike.
        if answer.is_ok or answer.http_status is None:
            return answer
        return self._follow(client, "GET", url)

    def _follow(self, client: httpx.Client, method: str, url: str) -> LinkAnswer:
        current = url
        hops: list[int] = []
        for _ in range(MAX_REDIRECTS + 1):
            try:
                status, location, _ = self._request(client, method, current, read=False)
            except HostNotFound as exc:
                return LinkAnswer(url, final_url=current, no_such_host=True, error=str(exc))
            except BlockedAddress as exc:
                return LinkAnswer(url, final_url=current, forbidden=True, error=str(exc))
            except FetchError as exc:
                return LinkAnswer(url, final_url=current, error=str(exc))
            if 300 <= status < 400 and location:
                target = absolute_http(location, current)
                if target is None:
                    return LinkAnswer(url, status, current, error=f"redirects to {location!r}")
                hops.append(status)
                current = target
                continue
            permanent = bool(hops) and all(h in PERMANENT for h in hops)
            return LinkAnswer(url, status, current, permanent=permanent)
        return LinkAnswer(url, final_url=current, error=f"more than {MAX_REDIRECTS} redirects")

    def _request(self, client: httpx.Client, method: str, url: str, *, read: bool) -> tuple[int, str, bytes]:
        """Return the status, Location and (when ``read``) body of one request, bounded by the timeout."""
        addresses = checked_addresses(
            url, allow_private=self.config.allow_private_networks, allowed=self._allowed
        )
        target, extensions, host = pinned(url, addresses)
        deadline = time.monotonic() + self.config.fetch_timeout
        try:
            with client.stream(method, target, headers={"Host": host}, extensions=extensions) as response:
                body = bytearray()
                if read:
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > 512 * 1024 or time.monotonic() > deadline:
                            break
                return response.status_code, response.headers.get("location", ""), bytes(body)
        except httpx.TimeoutException:
            raise FetchError(f"{url}: no answer within {self.config.fetch_timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {exc}") from None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass(frozen=True, slots=True)
class CheckSummary:
    """What one check of published links found: how many links ended in each state."""

    checked: int
    states: dict[str, int]


def check_links(core: Aggregator, *, due_only: bool = False, now: dt.datetime | None = None) -> CheckSummary:
    """Ask every published entry's link (or only those not checked within the interval); keep each answer."""
    config = core.config
    interval = dt.timedelta(days=config.link_check_days) if due_only and config.link_check_days > 0 else None
    due = core.links.due(older_than=interval, now=now)
    by_url: dict[str, list[int]] = {}
    for item_id, url in due:
        by_url.setdefault(url, []).append(item_id)
    states: dict[str, int] = {}
    lock = threading.Lock()

    def keep(answer: LinkAnswer) -> None:
        for item_id in by_url.get(answer.url, ()):
            state = core.links.record(item_id, answer, now=now)
            with lock:
                states[state] = states.get(state, 0) + 1

    LinkChecker(config, hosts_at_once=config.link_check_hosts).check(list(by_url), on_answer=keep)
    return CheckSummary(checked=len(due), states=dict(sorted(states.items())))
