"""Sources service: add, list, remove, import and export the places articles come from, and their health."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from aggregator.db import MAX_ID, Database
from aggregator.enums import ItemStatus
from aggregator.errors import Conflict, InvalidInput, NotFound
from aggregator.models import Item, Source, utcnow
from aggregator.reader.opml import Outline, read_opml, write_opml
from aggregator.services.kinds import DEFAULT_KIND, kind_of
from aggregator.services.scheduling import SchedulePolicy
from aggregator.services.views import SourceView, source_view
from aggregator.text import storable
from aggregator.urls import is_http_url

if TYPE_CHECKING:
    from aggregator.reader.discovery import Discovered

ERROR_TEXT_LIMIT = 2000
MIN_INTERVAL = 60
# The sources table's column lengths (models.Source).
NAME_CHARS = 200
URL_CHARS = 2000
AUTO_KIND = "auto"


class Unchanged:
    """The value of an argument left as it is (where None has a meaning of its own)."""


UNCHANGED = Unchanged()


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an OPML import did."""

    added: list[str]
    skipped: list[str]


class SourceService:
    """Every rule about sources lives here; the CLI, the app and the spiders call it."""

    def __init__(
        self,
        db: Database,
        policy: SchedulePolicy | None = None,
        discover: Callable[[str], Discovered] | None = None,
    ) -> None:
        self._db = db
        self.policy = policy or SchedulePolicy()
        # Fetching a page to find its feed goes through the network guard the core was configured with.
        self._discover = discover

    def add(
        self,
        url: str,
        *,
        name: str | None = None,
        kind: str = DEFAULT_KIND,
        settings: dict[str, Any] | None = None,
    ) -> SourceView:
        """Store a new source and return it; a retired source with this URL comes back instead.

        With kind ``auto`` the URL is fetched: a feed is added as one, and a page as the feed it
        announces (named after the feed's title when no name is given).
        """
        url = url.strip()
        if kind != AUTO_KIND and not kind_of(kind).on_the_web:
            kind_of(kind).check_address(url)  # a mailbox is known by its imaps:// address
        elif not is_http_url(url) or len(url) > URL_CHARS:
            raise InvalidInput(
                f"a source needs an http(s) URL of at most {URL_CHARS} characters, not {url[:200]!r}"
            )
        if kind == AUTO_KIND:
            if self._discover is None:
                raise InvalidInput("finding a page's feed is not available here; give the kind")
            found = self._discover(url)
            url, kind = found.feed_url, "feed"
            name = name or storable(found.title.strip(), NAME_CHARS) or None
        checked = kind_of(kind).check(settings or {})
        with self._db.write() as session:
            existing = session.scalar(select(Source).where(Source.url == url))
            if existing is not None and existing.retired_at is None:
                raise Conflict(f"a source with this URL exists already: {existing.name!r}")
            wanted = storable(name.strip()) if name else None
            if wanted == "":
                raise InvalidInput("a source name cannot be empty")
            if wanted is not None and len(wanted) > NAME_CHARS:
                raise InvalidInput(f"a source name has at most {NAME_CHARS} characters")
            if wanted is not None and self._name_taken(session, wanted, existing):
                raise Conflict(f"a source named {wanted!r} exists already")
            if existing is not None:
                existing.retired_at = None
                existing.enabled = True
                existing.kind = kind
                existing.settings = checked or existing.settings
                existing.name = wanted or existing.name
                source = existing
            else:
                source = Source(
                    url=url,
                    name=wanted or self._free_name(session, _default_name(url)),
                    kind=kind,
                    settings=checked,
                )
                session.add(source)
            session.flush()
            return source_view(source)

    def all(self, *, include_disabled: bool = True) -> list[SourceView]:
        """Return every source that is not retired, by name, with its item count."""
        with self._db.read() as session:
            per_source = select(Item.source_id, func.count()).group_by(Item.source_id)
            counts = {source_id: count for source_id, count in session.execute(per_source)}
            query = select(Source).where(Source.retired_at.is_(None)).order_by(Source.name)
            if not include_disabled:
                query = query.where(Source.enabled.is_(True))
            return [source_view(s, counts.get(s.id, 0)) for s in session.scalars(query)]

    def names(self) -> list[str]:
        """Return the names of the sources that are not retired, in order (cheaper than ``all``)."""
        query = select(Source.name).where(Source.retired_at.is_(None)).order_by(Source.name)
        with self._db.read() as session:
            return list(session.scalars(query))

    def get(self, name: str) -> SourceView:
        """Return the source called ``name`` (or with that id or URL); raise NotFound otherwise."""
        with self._db.read() as session:
            return source_view(self._find(session, name))

    def to_crawl(self, *, kind: str | None = None, names: Iterable[str] = ()) -> list[SourceView]:
        """Return the enabled sources to crawl: those named, or all of ``kind``; unknown names raise."""
        wanted = list(names)
        with self._db.read() as session:
            if wanted:
                found = [self._find(session, n) for n in wanted]
                chosen = [s for s in found if kind is None or s.kind == kind]
            else:
                query = select(Source).where(Source.retired_at.is_(None), Source.enabled.is_(True))
                if kind is not None:
                    query = query.where(Source.kind == kind)
                chosen = list(session.scalars(query.order_by(Source.id)))
            return [source_view(s) for s in chosen]

    def remove(self, name: str) -> str:
        """Remove a source; one with reviewed items is retired so they survive. Return what was done."""
        with self._db.write() as session:
            source = self._find(session, name)
            reviewed = session.scalar(
                select(func.count()).where(Item.source_id == source.id, Item.status != ItemStatus.NEW)
            )
            if reviewed:
                # Approved entries stay published and rejected ones stay tombstoned, so the
                # source row stays behind them; only its unreviewed candidates go.
                session.execute(
                    delete(Item).where(Item.source_id == source.id, Item.status == ItemStatus.NEW)
                )
                source.retired_at = utcnow()
                source.enabled = False
                return "retired"
            session.delete(source)
            return "removed"

    def set_enabled(self, name: str, enabled: bool) -> SourceView:
        """Enable or disable a source and return it (enabling makes even a parked one due now)."""
        return self.save(name, enabled=enabled)

    def record_success(
        self,
        source_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        fresh_for: float | None = None,
        warning: str | None = None,
    ) -> None:
        """Note a good fetch: keep the validators and its warning (or none), clear errors and parking."""
        with self._db.write() as session:
            source = session.get_one(Source, source_id)
            source.etag = etag
            source.last_modified = last_modified
            source.last_warning = warning[:ERROR_TEXT_LIMIT] if warning else None
            self._succeeded(source, fresh_for)

    def record_not_modified(self, source_id: int, *, fresh_for: float | None = None) -> None:
        """Note a 304: the source is healthy and its validators still hold."""
        with self._db.write() as session:
            self._succeeded(session.get_one(Source, source_id), fresh_for)

    def _succeeded(self, source: Source, fresh_for: float | None) -> None:
        now = utcnow()
        source.last_attempt_at = now
        source.last_success_at = now
        source.error_count = 0
        source.last_error = None
        source.parked_at = None
        interval = self.policy.interval(source.kind, source.interval_seconds)
        source.next_check_at = self.policy.after_success(now, interval, fresh_for)

    def record_failure(self, source_id: int, error: str, *, retry_after: float | None = None) -> None:
        """Note a failed fetch: count it, keep its message, back off, park after too many in a row."""
        with self._db.write() as session:
            source = session.get_one(Source, source_id)
            now = utcnow()
            source.last_attempt_at = now
            source.error_count += 1
            source.last_error = error[:ERROR_TEXT_LIMIT]
            if source.error_count >= self.policy.park_after and source.parked_at is None:
                source.parked_at = now
            interval = self.policy.interval(source.kind, source.interval_seconds)
            source.next_check_at = self.policy.after_failure(
                now, interval, source.error_count, source.parked_at is not None, retry_after
            )

    def claim(
        self,
        owner: str,
        *,
        names: Iterable[str] = (),
        due_only: bool = False,
        lease_seconds: int = 3 * 3600,
        is_stale: Callable[[str], bool] = lambda _owner: False,
    ) -> tuple[list[SourceView], list[str]]:
        """Lease the sources a crawl may run: those named (or all enabled, or only the due ones).

        Return the leased sources and the names of those another crawl holds. One transaction takes
        every lease, so two crawls starting together never share a source.
        """
        wanted = list(names)
        now = utcnow()
        held: list[str] = []
        with self._db.write() as session:
            if wanted:
                candidates = [self._find(session, n) for n in wanted]
            else:
                query = select(Source).where(Source.retired_at.is_(None), Source.enabled.is_(True))
                if due_only:
                    query = query.where(or_(Source.next_check_at.is_(None), Source.next_check_at <= now))
                if session.get_bind().dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                candidates = list(session.scalars(query.order_by(Source.id)))
            leased = []
            for source in candidates:
                live = source.lease_until is not None and source.lease_until > now
                other = source.lease_owner is not None and source.lease_owner != owner
                if live and other and not is_stale(str(source.lease_owner)):
                    held.append(source.name)
                    continue
                source.lease_owner = owner
                source.lease_until = now + dt.timedelta(seconds=lease_seconds)
                leased.append(source_view(source))
            return leased, held

    def release(self, owner: str) -> None:
        """Give back every lease ``owner`` holds."""
        with self._db.write() as session:
            session.execute(
                update(Source).where(Source.lease_owner == owner).values(lease_owner=None, lease_until=None)
            )

    def set_interval(self, name: str, seconds: int | None) -> SourceView:
        """Set how often a source is crawled (None: its kind's default) and make it due now."""
        return self.save(name, interval_seconds=seconds)

    def save(
        self,
        name: str,
        *,
        kind: str | None = None,
        settings: dict[str, Any] | None = None,
        interval_seconds: int | Unchanged | None = UNCHANGED,
        enabled: bool | None = None,
    ) -> SourceView:
        """Change what a curator may change of a source, in one transaction; return it.

        Only what is given changes. A new kind, settings or interval makes the source due now;
        enabling also clears its failures and parking (a curator saying "try again now").
        """
        with self._db.write() as session:
            source = self._find(session, name)
            new_kind = kind if kind is not None else source.kind
            if kind is not None or settings is not None:
                given = settings if settings is not None else dict(source.settings or {})
                source.settings = kind_of(new_kind).check(given)
                source.kind = new_kind
                source.next_check_at = None
            if not isinstance(interval_seconds, Unchanged):
                if interval_seconds is not None and interval_seconds < MIN_INTERVAL:
                    raise InvalidInput(f"a source's interval is at least {MIN_INTERVAL} seconds")
                source.interval_seconds = interval_seconds
                source.next_check_at = None
            if enabled is not None:
                source.enabled = enabled
                if enabled:
                    source.error_count = 0
                    source.parked_at = None
                    source.next_check_at = None
            return source_view(source)

    def due_count(self, now: dt.datetime | None = None) -> int:
        """Return how many enabled sources are due now (never crawled, or past their next check)."""
        query = select(func.count()).where(
            Source.retired_at.is_(None),
            Source.enabled.is_(True),
            or_(Source.next_check_at.is_(None), Source.next_check_at <= (now or utcnow())),
        )
        with self._db.read() as session:
            return int(session.scalar(query) or 0)

    def items_per_month(self, *, days: int = 30) -> dict[int, int]:
        """Return, per source id, how many items it gave over the last ``days`` days."""
        since = utcnow() - dt.timedelta(days=days)
        query = (
            select(Item.source_id, func.count()).where(Item.first_seen_at >= since).group_by(Item.source_id)
        )
        with self._db.read() as session:
            return {source_id: int(count) for source_id, count in session.execute(query)}

    def import_opml(self, data: bytes) -> ImportReport:
        """Add every feed in an OPML document; ones already present are skipped, not duplicated."""
        added: list[str] = []
        skipped: list[str] = []
        for outline in read_opml(data):
            try:
                # A title is only a name here: a long one is cut, not a reason to skip the feed.
                title = storable(outline.title, NAME_CHARS) if outline.title else None
                source = self.add(outline.url, name=title, kind=outline.kind or "feed")
            except Conflict:
                try:
                    source = self.add(outline.url, kind=outline.kind or "feed")
                except Conflict:
                    skipped.append(outline.url)
                    continue
            except InvalidInput:
                skipped.append(outline.url)
                continue
            added.append(source.name)
        return ImportReport(added=added, skipped=skipped)

    def export_opml(self, title: str) -> bytes:
        """Return the sources as an OPML 2.0 document."""
        outlines = [Outline(url=s.url, title=s.name, kind=s.kind) for s in self.all()]
        return write_opml(outlines, title=title, now=utcnow())

    @staticmethod
    def _find(session: Session, key: str) -> Source:
        key = key.strip()
        clauses = [Source.name == key, Source.url == key]
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
        if key.isascii() and key.isdigit() and 0 < int(key) <= MAX_ID:
            clauses.append(Source.id == int(key))
        for clause in clauses:
            source = session.scalar(select(Source).where(clause, Source.retired_at.is_(None)))
            if source is not None:
                return source
        raise NotFound(f"no source named {key!r}")

    @staticmethod
    def _name_taken(session: Session, name: str, existing: Source | None) -> bool:
        other = session.scalar(select(Source).where(Source.name == name))
        return other is not None and other is not existing

    @staticmethod
    def _free_name(session: Session, base: str) -> str:
        taken = set(session.scalars(select(Source.name).where(Source.name.startswith(base))))
        if base not in taken:
            return base
        n = 2
        while f"{base} ({n})" in taken:
            n += 1
        return f"{base} ({n})"


def _default_name(url: str) -> str:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return host
