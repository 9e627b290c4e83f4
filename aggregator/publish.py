"""Publishing service: the approved entries as feeds, data files, WordPress posts and topic pages.

Entries are streamed from the database in batches (``yield_per``), so an export of 100,000 entries
holds one batch in memory, never the whole table; a newsletter's stories are fetched per batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from aggregator.core import Aggregator
from aggregator.errors import InvalidInput
from aggregator.export import DATA_FORMATS, FEED_PATHS, FeedInfo, writer_for
from aggregator.export import opml as opml_export
from aggregator.export.entries import Entry, SourceLabel, story_of
from aggregator.export.site import SiteRenderer, TopicPage, write_site
from aggregator.item_views import ItemView, to_view, with_relations
from aggregator.models import ITEM_STATUSES, Item, ItemTopic, Source, Topic, utcnow
from aggregator.sanitize import one_line, plain_text
from aggregator.topics import TopicView

_BATCH = 500


def export(
    core: Aggregator,
    fmt: str,
    out: BinaryIO,
    *,
    topic: str | None = None,
    status: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Write ``fmt`` to ``out``: approved entries (of one topic), or every item for CSV / JSON Lines.

    Return how many entries (or, for OPML, sources) were written.
    """
    now = now or utcnow()
    if fmt == "opml":
        if topic or status or since:
            raise InvalidInput("the OPML export lists sources: --topic, --status and --since do not apply")
        title = f"{core.config.site_title}: sources"
        return opml_export.write(core.sources.all(), title, now, out)
    writer = writer_for(fmt)
    if fmt == "wxr" and topic is None:
        raise InvalidInput("a WordPress export is one topic's posts: give --topic SLUG")
    topic_view = core.topics.get(topic) if topic is not None else None
    if fmt in DATA_FORMATS:
        entries = data_entries(core, status=status, topic=topic, since=since, limit=limit)
        info = feed_info(core, fmt, topic_view, now)
    else:
        if status not in (None, "approved"):
            raise InvalidInput(f"{fmt} publishes approved entries only; --status applies to csv and jsonl")
        info = feed_info(core, fmt, topic_view, latest_update(core, topic=topic, since=since) or now)
        entries = published_entries(core, topic=topic, since=since, limit=limit)
    return writer(entries, info, out)


def export_site(core: Aggregator, folder: Path, *, templates: Path | None = None) -> list[Path]:
    """Write the static site (index, one page per topic, the CSS) into ``folder``; return the files."""
    return write_site(renderer(core, templates), topic_pages(core), folder)


def renderer(core: Aggregator, templates: Path | None = None) -> SiteRenderer:
    """Return the page renderer, with ``templates`` (or the configured folder) over the defaults."""
    folder = templates or (Path(core.config.templates_dir) if core.config.templates_dir else None)
    return SiteRenderer(site_title=core.config.site_title, site_url=core.config.site_url, templates=folder)


def feed_info(core: Aggregator, fmt: str, topic: TopicView | None, updated: dt.datetime) -> FeedInfo:
    """Return what the ``fmt`` document (of ``topic``) says about itself, at its stable URL."""
    config = core.config
    name = FEED_PATHS.get(fmt, f"entries.{fmt}")
    if topic is None:
        title, path, page = one_line(config.site_title), f"feeds/{name}", "topics/"
    else:
        title, path = one_line(f"{config.site_title}: {topic.name}"), f"topics/{topic.slug}/{name}"
        page = f"topics/{topic.slug}/"
    self_url = urljoin(config.site_url, path)
    return FeedInfo(
        title=title,
        site_url=urljoin(config.site_url, page),
        self_url=self_url,
        feed_id=self_url,
        updated=updated,
        subtitle=plain_text(topic.intro).strip() or None if topic else None,
        topic=(topic.slug, one_line(topic.name)) if topic else None,
        base_url=config.site_url,
    )


def published_entries(
    core: Aggregator,
    *,
    topic: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> Iterator[Entry]:
    """Yield the approved entries (of one topic), newest first, newsletters with their stories."""
    query = with_relations(select(Item)).where(*_approved(topic, since))
    query = query.order_by(Item.published_at.desc().nulls_last(), Item.id.desc())
    if limit is not None:
        query = query.limit(limit)
    yield from _stream(core, query, with_stories=True)


def data_entries(
    core: Aggregator,
    *,
    status: str | None = None,
    topic: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> Iterator[Entry]:
    """Yield every item (of a status, of a topic, since a date) in the order they were stored."""
    query = with_relations(select(Item))
    if status is not None:
        if status not in ITEM_STATUSES:
            raise InvalidInput(f"unknown status {status!r}; use one of {', '.join(ITEM_STATUSES)}")
        query = query.where(Item.status == status)
    if topic is not None:
        on_topic = or_(ItemTopic.score > 0, ItemTopic.assigned.is_(True))
        query = (
            query.join(ItemTopic, ItemTopic.item_id == Item.id)
            .join(Topic)
            .where(Topic.slug == topic, on_topic)
        )
    if since is not None:
        query = query.where(_dated(since))
    query = query.order_by(Item.id)
    if limit is not None:
        query = query.limit(limit)
    yield from _stream(core, query, with_stories=False)


def latest_update(
    core: Aggregator, *, topic: str | None = None, since: dt.datetime | None = None
) -> dt.datetime | None:
    """Return when the newest approved entry (of one topic) last changed, or None when there is none."""
    query = select(func.max(Item.updated_at)).where(*_approved(topic, since))
    with core.db.read() as session:
        return session.scalar(query)


def topic_page(core: Aggregator, slug: str) -> TopicPage:
    """Return topic ``slug`` with its approved entries; raise NotFound for an unknown topic."""
    topic = core.topics.get(slug)
    return TopicPage(topic=topic, entries=tuple(published_entries(core, topic=slug)))


def topic_pages(core: Aggregator) -> list[TopicPage]:
    """Return every topic, in the topics' own order, with its entries."""
    return [
        TopicPage(topic=t, entries=tuple(published_entries(core, topic=t.slug))) for t in core.topics.all()
    ]


def _approved(topic: str | None, since: dt.datetime | None) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [Item.status == "approved"]
    if topic is not None:
        assigned = (
            select(ItemTopic.item_id)
            .join(Topic, Topic.id == ItemTopic.topic_id)
            .where(and_(Topic.slug == topic, ItemTopic.assigned.is_(True)))
        )
        clauses.append(Item.id.in_(assigned))
    if since is not None:
        clauses.append(_dated(since))
    return clauses


def _dated(since: dt.datetime) -> ColumnElement[bool]:
    # Undated items count from when they were first seen.
    return func.coalesce(Item.published_at, Item.first_seen_at) >= since


def _stream(core: Aggregator, query: Select[Item], *, with_stories: bool) -> Iterator[Entry]:
    with core.db.read() as session:
        labels = _labels(session)
        result = session.scalars(query.execution_options(yield_per=_BATCH))
        for batch in result.partitions():
            stories = (
                _stories(session, [i.id for i in batch if i.kind == "newsletter"]) if with_stories else {}
            )
            for item in batch:
                view = to_view(item)
                yield Entry(
                    item=view,
                    source=labels.get(item.source_id) or SourceLabel(label=view.source_name),
                    updated=item.updated_at,
                    stories=tuple(story_of(s) for s in stories.get(item.id, ())),
                )


def _labels(session: Session) -> dict[int, SourceLabel]:
    # Retired sources too: their approved entries stay published.
    rows = session.execute(select(Source.id, Source.name, Source.settings))
    return {sid: SourceLabel.from_settings(name, dict(settings or {})) for sid, name, settings in rows}


def _stories(session: Session, issue_ids: Sequence[int]) -> dict[int, list[ItemView]]:
    if not issue_ids:
        return {}
    query = (
        with_relations(select(Item))
        .where(Item.parent_id.in_(issue_ids))
        .order_by(Item.parent_id, Item.position.nulls_last(), Item.id)
    )
    found: dict[int, list[ItemView]] = {}
    for item in session.scalars(query):
        if item.parent_id is not None:
            found.setdefault(item.parent_id, []).append(to_view(item))
    return found
