"""Publishing service: the approved entries as feeds, data files, WordPress posts and topic pages.

Entries are streamed from the database in batches (``yield_per``), so an export of 100,000 entries
holds one batch in memory, never the whole table; a newsletter's stories are fetched per batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from aggregator.core import Aggregator
from aggregator.enums import EntryOrder, ItemKind, ItemStatus
from aggregator.errors import InvalidInput
from aggregator.models import ITEM_STATUSES, Item, ItemTopic, Publisher, Source, Topic, utcnow
from aggregator.publish import markdown
from aggregator.publish.entries import Entry, OtherLanguage, SourceLabel, bullets_of, intro_of, story_of
from aggregator.publish.formats import Covers, FeedInfo, Format, format_of
from aggregator.publish.formats.site import SiteRenderer, TopicPage, write_site
from aggregator.publish.sanitize import one_line, safe_url
from aggregator.services.publishers import PublisherView, SourceSite, resolve
from aggregator.services.topics import TopicView, entry_order_by
from aggregator.services.views import ItemView, TopicScoreView, item_view
from aggregator.urls import host_of

_BATCH = 500
_VIEW_COLUMNS = (
    Item.id,
    Item.source_id,
    Source.name.label("source_name"),
    Item.url,
    Item.canonical_url,
    Item.guid,
    Item.kind,
    Item.title,
    Item.author,
    Item.published_at,
    Item.language,
    Item.summary,
    Item.status,
    Item.excerpt,
    Item.curator_note,
    Item.reviewed_by,
    Item.reviewed_at,
    Item.parent_id,
    Item.position,
    Item.pair_id,
    Item.archived_url,
    Item.updated_at,
    Item.publisher,
    Item.site_name,
    Item.entry_word,
    Item.issue_intro,
    Item.bullets,
)
# What only the data formats show; SQLite keeps dates as text, and parsing them is most of the cost
# of reading a row, so feeds leave out the dates they do not print.
_DATA_COLUMNS = (
    Item.first_seen_at,
    Item.fetched_at,
    Item.content_origin,
    Item.duplicate_of_id,
    Item.text,
    Item.excerpt_candidates,
)


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
    site_url: str = "",
) -> int:
    """Write ``fmt`` to ``out``: approved entries (of one topic), or every item for CSV / JSON Lines.

    Return how many entries (or, for OPML, sources) were written.
    """
    now = now or utcnow()
    form = format_of(fmt)
    if form.covers is Covers.SITE:
        raise InvalidInput("the site is a folder of pages: export it with --output DIR")
    if form.covers is Covers.SOURCES:
        if topic or status or since:
            raise InvalidInput(f"the {fmt} export lists sources: --topic, --status and --since do not apply")
        assert form.source_writer is not None
        return form.source_writer(core.sources.all(), f"{core.config.site_title}: sources", now, out)
    assert form.writer is not None
    if form.needs_topic and topic is None:
        raise InvalidInput(f"a {fmt} export is one topic's entries: give --topic SLUG")
    topic_view = core.topics.get(topic) if topic is not None else None
    if form.covers is Covers.ITEMS:
        entries = data_entries(core, status=status, topic=topic, since=since, limit=limit)
        info = feed_info(core, form, topic_view, now, site_url)
    else:
        if status not in (None, ItemStatus.APPROVED):
            raise InvalidInput(f"{fmt} publishes approved entries only; --status applies to csv and jsonl")
        updated = latest_update(core, topic=topic, since=since) or now
        info = feed_info(core, form, topic_view, updated, site_url)
        entries = published_entries(core, topic=topic, since=since, limit=limit, arranged=form.arranged)
    return form.writer(entries, info, out)


def export_site(core: Aggregator, folder: Path, *, templates: Path | None = None) -> list[Path]:
    """Write the static site (index, one page per topic, the CSS) into ``folder``; return the files."""
    return write_site(renderer(core, templates), topic_pages(core), folder)


def renderer(core: Aggregator, templates: Path | None = None) -> SiteRenderer:
    """Return the page renderer, with ``templates`` (or the configured folder) over the defaults."""
    folder = templates or (Path(core.config.templates_dir) if core.config.templates_dir else None)
    return SiteRenderer(site_title=core.config.site_title, site_url=core.config.site_url, templates=folder)


def feed_info(
    core: Aggregator, form: Format, topic: TopicView | None, updated: dt.datetime, site_url: str = ""
) -> FeedInfo:
    """Return what the ``form`` document (of ``topic``) says about itself, at its stable URL.

    ``site_url`` is where the site is served, when the app knows better than the configuration.
    """
    config = core.config
    root = site_url or config.site_url
    name = form.file_name or f"entries.{form.name}"
    if topic is None:
        title, path, page = one_line(config.site_title), f"feeds/{name}", "topics/"
    else:
        title, path = one_line(f"{config.site_title}: {topic.name}"), f"topics/{topic.slug}/{name}"
        page = f"topics/{topic.slug}/"
    self_url = urljoin(root, path)
    return FeedInfo(
        title=title,
        site_url=urljoin(root, page),
        self_url=self_url,
        feed_id=self_url,
        updated=updated,
        subtitle=markdown.to_text(topic.intro) or None if topic else None,
        intro=topic.intro if topic else "",
        topic=(topic.slug, one_line(topic.name)) if topic else None,
        base_url=root,
    )


def published_entries(
    core: Aggregator,
    *,
    topic: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
    arranged: bool = False,
) -> Iterator[Entry]:
    """Yield the approved entries (of one topic), newsletters with their stories, newest first.

    ``arranged``: a topic's entries as its page runs them (oldest first unless its curators chose
    newest first or their own order), for the page formats; feeds stay newest first. An entry whose
    other-language version is listed too is printed once, as the version stored first, with a link
    to the other.
    """
    partner = aliased(Item)
    listed_first = (
        select(partner.id)
        .where(partner.id == Item.pair_id, partner.id < Item.id, *_approved(topic, since, partner))
        .exists()
    )
    query = _select(full=False).where(*_approved(topic, since), ~listed_first)
    if topic is not None and arranged:
        view = core.topics.get(topic)
        query = query.order_by(*entry_order_by(view.id, view.entry_order))
    else:
        query = query.order_by(*entry_order_by(0, EntryOrder.NEWEST))
    if limit is not None:
        query = query.limit(limit)
    yield from _stream(core, query, full=False)


def data_entries(
    core: Aggregator,
    *,
    status: str | None = None,
    topic: str | None = None,
    since: dt.datetime | None = None,
    limit: int | None = None,
) -> Iterator[Entry]:
    """Yield every item (of a status, of a topic, since a date) in the order they were stored."""
    query = _select(full=True)
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
    yield from _stream(core, query, full=True)


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
    return TopicPage(topic=topic, entries=tuple(published_entries(core, topic=slug, arranged=True)))


def topic_index(core: Aggregator) -> list[TopicPage]:
    """Return every topic, in the topics' own order, with its number of entries but not the entries."""
    counts = (
        select(Topic.slug, func.count(Item.id))
        .join(ItemTopic, ItemTopic.topic_id == Topic.id)
        .join(Item, Item.id == ItemTopic.item_id)
        .where(ItemTopic.assigned.is_(True), Item.status == ItemStatus.APPROVED)
        .group_by(Topic.slug)
    )
    with core.db.read() as session:
        sizes = {slug: int(n) for slug, n in session.execute(counts)}
    return [TopicPage(topic=t, entries=(), known_count=sizes.get(t.slug, 0)) for t in core.topics.all()]


def topic_pages(core: Aggregator) -> list[TopicPage]:
    """Return every topic, in the topics' own order, with its entries."""
    return [
        TopicPage(topic=t, entries=tuple(published_entries(core, topic=t.slug, arranged=True)))
        for t in core.topics.all()
    ]


def _approved(topic: str | None, since: dt.datetime | None, item: Any = Item) -> list[ColumnElement[bool]]:
    """Return the conditions of a published entry (of ``topic``, since ``since``) on ``item`` or an alias."""
    clauses: list[ColumnElement[bool]] = [item.status == ItemStatus.APPROVED]
    if topic is not None:
        assigned = (
            select(ItemTopic.item_id)
            .join(Topic, Topic.id == ItemTopic.topic_id)
            .where(and_(Topic.slug == topic, ItemTopic.assigned.is_(True)))
        )
        clauses.append(item.id.in_(assigned))
    if since is not None:
        clauses.append(_dated(since, item))
    return clauses


def _dated(since: dt.datetime, item: Any = Item) -> ColumnElement[bool]:
    # Undated items count from when they were first seen.
    return func.coalesce(item.published_at, item.first_seen_at) >= since


def _select(*, full: bool) -> Select[Any]:
    # Plain columns, not ORM objects: a third of the cost of loading 100,000 items goes otherwise to
    # the ORM's bookkeeping. Feeds never show the article text, so they do not load it.
    columns = [*_VIEW_COLUMNS, *_DATA_COLUMNS] if full else _VIEW_COLUMNS
    return select(*columns).join(Source, Source.id == Item.source_id)


def _stream(core: Aggregator, query: Select[Any], *, full: bool) -> Iterator[Entry]:
    """Yield entries for ``query``'s rows, one batch in memory at a time."""
    with core.db.read() as session:
        labels = _labels(session)
        sites = _sites(session)
        publishers = _publishers(session)
        slugs = {topic_id: slug for topic_id, slug in session.execute(select(Topic.id, Topic.slug))}
        # Core rows through the connection: the ORM session adds nothing for plain columns.
        result = session.connection().execute(query.execution_options(yield_per=_BATCH))
        keys = tuple(result.keys())
        for batch in result.partitions():
            scores = _scores(session, [row.id for row in batch], slugs, assigned_only=not full)
            issues = [row.id for row in batch if row.kind == ItemKind.NEWSLETTER] if not full else []
            stories = _stories(session, issues)
            others = _other_languages(session, [row.pair_id for row in batch if row.pair_id is not None])
            for row in batch:
                view = item_view(dict(zip(keys, row, strict=True)), scores.get(row.id, ()))
                own = labels.get(row.source_id) or SourceLabel(label=row.source_name)
                site = sites.get(row.source_id) or SourceSite(own.label, own.suffix, "")
                who = resolve(view.url, site, publishers, chosen=view.publisher, site_name=view.site_name)
                # An issue stored before issues kept their bullets shows its story items instead.
                bullets = bullets_of(view) or tuple(story_of(s) for s in stories.get(row.id, ()))
                yield Entry(
                    item=view,
                    source=SourceLabel(who.name, who.suffix, own.article_word),
                    updated=row.updated_at,
                    stories=bullets,
                    intro=intro_of(view),
                    other_language=others.get(row.pair_id) if row.pair_id is not None else None,
                )


def _scores(
    session: Session, item_ids: Sequence[int], slugs: dict[int, str], *, assigned_only: bool
) -> dict[int, tuple[TopicScoreView, ...]]:
    """Return each item's topic scores; feeds need only the assigned topics, not the matched terms."""
    if not item_ids:
        return {}
    found: dict[int, list[TopicScoreView]] = {}
    if assigned_only:
        query = select(ItemTopic.item_id, ItemTopic.topic_id, ItemTopic.score).where(
            ItemTopic.item_id.in_(item_ids), ItemTopic.assigned.is_(True)
        )
        for item_id, topic_id, score in session.execute(query):
            found.setdefault(item_id, []).append(TopicScoreView(slugs[topic_id], score, (), True))
    else:
        every = select(
            ItemTopic.item_id,
            ItemTopic.topic_id,
            ItemTopic.score,
            ItemTopic.matched_terms,
            ItemTopic.assigned,
        ).where(ItemTopic.item_id.in_(item_ids))
        for item_id, topic_id, score, matched, assigned in session.execute(every):
            view = TopicScoreView(slugs[topic_id], score, tuple(matched or ()), assigned)
            found.setdefault(item_id, []).append(view)
    return {
        item_id: tuple(sorted(views, key=lambda v: (-v.score, v.slug))) for item_id, views in found.items()
    }


def _other_languages(session: Session, pair_ids: Sequence[int]) -> dict[int, OtherLanguage]:
    """Return the other-language versions worth linking: not rejected, with a language and a safe link."""
    if not pair_ids:
        return {}
    query = select(Item.id, Item.language, Item.url, Item.canonical_url, Item.archived_url).where(
        Item.id.in_(sorted(set(pair_ids))), Item.status != ItemStatus.REJECTED
    )
    found: dict[int, OtherLanguage] = {}
    for item_id, language, url, canon, archived in session.execute(query):
        link = safe_url(archived) or safe_url(url) or safe_url(canon)
        code = (language or "").split("-", 1)[0].lower()
        if link and code:
            found[item_id] = OtherLanguage(language=code, url=link)
    return found


def _labels(session: Session) -> dict[int, SourceLabel]:
    # Retired sources too: their approved entries stay published.
    rows = session.execute(select(Source.id, Source.name, Source.settings))
    return {sid: SourceLabel.from_settings(name, dict(settings or {})) for sid, name, settings in rows}


def _sites(session: Session) -> dict[int, SourceSite]:
    rows = session.execute(select(Source.id, Source.name, Source.url, Source.settings))
    found = {}
    for sid, name, url, settings in rows:
        label = SourceLabel.from_settings(name, dict(settings or {}))
        found[sid] = SourceSite(label.label, label.suffix, host_of(url))
    return found


def _publishers(session: Session) -> dict[str, PublisherView]:
    rows = session.execute(select(Publisher.host, Publisher.name, Publisher.suffix))
    return {host: PublisherView(host, name, suffix or "") for host, name, suffix in rows}


def _stories(session: Session, issue_ids: Sequence[int]) -> dict[int, list[ItemView]]:
    if not issue_ids:
        return {}
    query = (
        _select(full=False)
        # Only for issues without their own bullets (stored before 0007): their stories stand in,
        # rejected or not, since a story's review is not a decision about its issue.
        .where(Item.parent_id.in_(issue_ids), Item.kind != ItemKind.NEWSLETTER)
        .order_by(Item.parent_id, Item.position.nulls_last(), Item.id)
    )
    found: dict[int, list[ItemView]] = {}
    result = session.execute(query)
    keys = tuple(result.keys())
    for row in result:
        found.setdefault(row.parent_id, []).append(item_view(dict(zip(keys, row, strict=True))))
    return found
