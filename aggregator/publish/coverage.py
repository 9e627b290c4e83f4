"""The coverage report as CSV, as Markdown, and as SVG charts drawn on the server with leather.

Charts are SVG documents of their own (shown with ``<img>``), drawn by a kept plotting library
rather than by hand: no script runs, the app's Content-Security-Policy stays as strict as it is, and
source and topic names are escaped by the library's XML writer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import leather

from aggregator.services.coverage import Counts, CoverageReport

CSV_FIELDS = ("month", "source", "topic", "harvested", "approved", "rejected", "new", "source_quiet")
# The most series one chart draws; the rest are summed as "others" (leather has nine colours).
MAX_SERIES = 8
CHART_WIDTH = 720
CHART_HEIGHT = 320


def coverage_csv(report: CoverageReport) -> str:
    """Return one CSV row per month, source and topic (topic empty: on no topic)."""
    quiet = {s.name: s.quiet for s in report.sources}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for month, source, topic, counts in report.rows():
        row = [
            month,
            _cell(source),
            _cell(topic),
            counts.harvested,
            counts.approved,
            counts.rejected,
            counts.new,
        ]
        writer.writerow([*row, "yes" if quiet.get(source) else "no"])
    return out.getvalue()


def coverage_markdown(report: CoverageReport) -> str:
    """Return the report as Markdown: sources (quiet ones flagged), topics, then month by month."""
    lines = [f"# Coverage, {report.months[0]} to {report.months[-1]}", "", "## Sources", ""]
    lines += _table(
        ("source", "harvested", "approved", "rejected", "new", "newest item", "usual gap", "quiet"),
        [
            (
                s.name,
                *_numbers(s.counts),
                s.last_item_at.strftime("%Y-%m-%d") if s.last_item_at else "-",
                _days(s.usual_gap),
                "**quiet**" if s.quiet else ("off" if not s.enabled else ""),
            )
            for s in report.sources
        ],
    )
    totals = report.topic_totals()
    lines += ["", "## Topics", ""]
    lines += _table(
        ("topic", "harvested", "approved", "rejected", "new"),
        [(t, *_numbers(totals.get(t, Counts()))) for t in report.topics],
    )
    lines += ["", "## Month by month", ""]
    lines += _table(
        ("month", "source", "topic", "harvested", "approved", "rejected", "new"),
        [(m, s, t or "(no topic)", *_numbers(c)) for m, s, t, c in report.rows()],
    )
    return "\n".join(lines) + "\n"


def chart_svg(report: CoverageReport, *, by: str, measure: str = "harvested") -> str:
    """Return an SVG line chart of ``measure`` per month, one line per source (``by="source"``) or topic."""
    table = report.by_source if by == "source" else report.by_topic
    names = sorted(
        {name for name, _ in table},
        key=lambda n: -sum(getattr(c, measure) for (k, _), c in table.items() if k == n),
    )
    shown, rest = names[:MAX_SERIES], names[MAX_SERIES:]
    what = "sources" if by == "source" else "topics"
    chart = leather.Chart(f"{measure.capitalize()} per month, by {what[:-1]}")
    months = [dt.date(int(m[:4]), int(m[5:7]), 1) for m in report.months]
    series = [(name, [name]) for name in shown] + ([("others", rest)] if rest else [])
    if not series:
        series = [("nothing harvested", [])]
    for label, members in series:
        points = [
            (day, sum(getattr(table.get((name, month), Counts()), measure) for name in members))
            for day, month in zip(months, report.months, strict=True)
        ]
        chart.add_line(points, name=label)
    if len(months) == 1:
        # leather needs a domain wider than one point.
        chart.set_x_scale(
            leather.Temporal(months[0] - dt.timedelta(days=15), months[0] + dt.timedelta(days=15))
        )
    out = io.StringIO()
    chart.to_svg(out, width=CHART_WIDTH, height=CHART_HEIGHT)
    return out.getvalue()


def _numbers(counts: Counts) -> tuple[int, int, int, int]:
    return counts.harvested, counts.approved, counts.rejected, counts.new


def _days(gap: dt.timedelta | None) -> str:
    return "-" if gap is None else f"{gap.total_seconds() / 86400:.1f} days"


def _cell(text: str) -> str:
    # Names are the curators' own, but a cell that a spreadsheet would run as a formula is defused.
    return f"'{text}" if text.startswith(("=", "+", "-", "@")) else text


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines
