"""Coverage per source, topic and month on a seeded database; CSV, Markdown, the app page and its charts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import update

from aggregator.cli import main
from aggregator.core import Aggregator
from aggregator.errors import InvalidInput
from aggregator.models import Item
from aggregator.publish.coverage import chart_svg, coverage_csv, coverage_markdown
from aggregator.services.coverage import months_back, usual_gap
from aggregator.services.harvested import TopicMatch
from tests.support.curator import Seeded, login
from tests.test_sources import harvested

NOW = dt.datetime(2024, 6, 20, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def seed_coverage(core: Aggregator) -> dict[str, int]:
    """Two sources over three months: one weekly and still going, one weekly that stopped in April."""
    for slug in {"assemblies", "budgets"} - {t.slug for t in core.topics.all()}:
        core.topics.add(slug, name=slug.title())
    slugs = {t.slug: t.id for t in core.topics.all()}
    weekly = core.sources.add("https://ex.org/weekly", name="Weekly <Wales>").id
    stopped = core.sources.add("https://ex.org/stopped", name="=Stopped").id
    plan = []  # (source, harvested, topics, status)
    for n in range(12):  # weekly, 1 April to 17 June
        when = dt.datetime(2024, 4, 1, 9, tzinfo=dt.UTC) + 7 * n * DAY
        topics = ("assemblies",) if n % 2 == 0 else ("assemblies", "budgets") if n % 3 == 0 else ()
        plan.append((weekly, when, topics, ("approved", "rejected", "new")[n % 3]))
    for n in range(5):  # weekly, 1 to 29 April, then nothing
        when = dt.datetime(2024, 4, 1, 9, tzinfo=dt.UTC) + 7 * n * DAY
        plan.append((stopped, when, ("budgets",), "approved" if n < 2 else "new"))
    ids: dict[str, int] = {}
    for n, (source, when, topics, status) in enumerate(plan):
        matches = tuple(TopicMatch(slugs[t], 0.5, ("x",)) for t in topics)
        url = f"https://ex.org/{n}"
        core.items.record(harvested(source, url, title=f"item {n}", published=when, topic_matches=matches))
        with core.db.write() as session:
            session.execute(update(Item).where(Item.url == url).values(first_seen_at=when + DAY / 24))
        item_id = next(i.id for i in core.items.query(limit=None, include_duplicates=True) if i.url == url)
        ids[url] = item_id
        if status == "approved":
            core.items.approve(item_id, actor="ann")
        elif status == "rejected":
            core.items.reject(item_id, actor="ann")
    return ids


def test_months_and_usual_gaps() -> None:
    assert months_back(NOW, 3) == ["2024-04", "2024-05", "2024-06"]
    assert months_back(dt.datetime(2024, 1, 5, tzinfo=dt.UTC), 2) == ["2023-12", "2024-01"]
    with pytest.raises(InvalidInput):
        months_back(NOW, 0)
    week = [NOW - 7 * n * DAY for n in range(5)]
    assert usual_gap(week) == 7 * DAY
    assert usual_gap(week[:2]) is None
    # Several items a day: the gap is at least a day.
    assert usual_gap([NOW - dt.timedelta(hours=h) for h in range(5)]) == DAY


def test_coverage_per_source_topic_and_month_adds_up_and_flags_the_quiet_source(core: Aggregator) -> None:
    seed_coverage(core)
    report = core.coverage.report(months=3, now=NOW)
    assert report.months == ["2024-04", "2024-05", "2024-06"]
    sources = {s.name: s for s in report.sources}
    weekly, stopped = sources["Weekly <Wales>"], sources["=Stopped"]
    assert (weekly.counts.harvested, weekly.counts.approved, weekly.counts.rejected, weekly.counts.new) == (
        12,
        4,
        4,
        4,
    )
    assert (stopped.counts.harvested, stopped.counts.approved, stopped.counts.new) == (5, 2, 3)
    assert weekly.usual_gap == 7 * DAY
    # Quiet: nothing since 29 April, against a weekly habit; the weekly one published on 17 June.
    assert (weekly.quiet, stopped.quiet) == (False, True)
    april = report.by_source[("Weekly <Wales>", "2024-04")]
    assert april.harvested == april.approved + april.rejected + april.new == 5
    assert report.by_source[("=Stopped", "2024-04")].harvested == 5
    assert ("=Stopped", "2024-05") not in report.by_source
    # Per topic: an item on two topics counts on both; items on no topic count under none.
    totals = report.topic_totals()
    assert totals["assemblies"].harvested == 8
    assert totals["budgets"].harvested == 5 + 2
    rows = {(m, s, t): c.harvested for m, s, t, c in report.rows()}
    assert rows[("2024-04", "=Stopped", "budgets")] == 5
    assert sum(c for (m, s, t), c in rows.items() if s == "Weekly <Wales>" and t == "") == 4
    # A month later, the weekly source is quiet too.
    later = core.coverage.report(months=3, now=NOW + 30 * DAY)
    assert {s.name: s.quiet for s in later.sources} == {"Weekly <Wales>": True, "=Stopped": True}


def test_csv_markdown_and_svg(core: Aggregator) -> None:
    seed_coverage(core)
    report = core.coverage.report(months=3, now=NOW)
    rows = list(csv.DictReader(io.StringIO(coverage_csv(report))))
    stopped = [r for r in rows if r["source"] == "'=Stopped"]  # a formula-like name is defused
    assert {r["source_quiet"] for r in stopped} == {"yes"}
    assert sum(int(r["harvested"]) for r in stopped) == 5
    markdown = coverage_markdown(report)
    assert "| =Stopped | 5 | 2 | 0 | 3 | 2024-04-29 | 7.0 days | **quiet** |" in markdown
    assert "## Month by month" in markdown
    svg = chart_svg(report, by="source")
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert "Weekly &lt;Wales&gt;" in svg
    assert "<script" not in svg


def test_the_cli_report(core: Aggregator, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_coverage(core)
    monkeypatch.setenv("AGGREGATOR_DATABASE_URL", db_url)
    done = CliRunner().invoke(main, ["report", "coverage", "--format", "csv", "--months", "120"])
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0] == "month,source,topic,harvested,approved,rejected,new,source_quiet"
    assert "warning: =Stopped went quiet: nothing since 2024-04-29" in done.stderr
    markdown = CliRunner().invoke(main, ["report", "coverage", "--months", "120"])
    assert markdown.stdout.startswith("# Coverage, ")


def test_the_app_shows_tables_and_charts(core: Aggregator, client: TestClient, seeded: Seeded) -> None:
    seed_coverage(core)
    login(client, "viewer")
    page = client.get("/manage/coverage?months=120")
    assert page.status_code == 200
    assert '<img class="chart" src="/manage/coverage/sources.svg?months=120"' in page.text
    assert "Weekly &lt;Wales&gt;" in page.text
    assert '<strong class="warn">quiet</strong>' in page.text
    chart = client.get("/manage/coverage/topics.svg?months=120&measure=approved")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert "assemblies" in chart.text
    assert "script-src 'self'" in chart.headers["content-security-policy"]
    assert client.get("/manage/coverage/nothing.svg").status_code == 422
