"""Golden files: every format of the example "Citizens assemblies" topic, byte for byte.

The data and the clock are fixed, so the output is too; the same files must come out of SQLite and
PostgreSQL. After an intended change, regenerate them with ``UPDATE_GOLDEN=1 pytest
tests/test_export_golden.py`` and read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import update

from aggregator.core import Aggregator
from aggregator.models import Item
from aggregator.publish.service import export, export_site
from tests.test_sources import harvested

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
CLOCK = dt.datetime(2019, 9, 2, 9, 30, tzinfo=dt.UTC)
TOPIC = "citizens-assemblies"
ISSUE_URL = "https://involve.org.uk/news-opinion/news/summer-citizens-assemblies"
STORIES = (
    (
        "Could a citizens' assembly on Brexit happen?",
        "https://involve.org.uk/news-opinion/opinion/brexit-assembly",
    ),
    (
        "How Camden's citizens' assembly on climate change worked",
        "https://www.camden.gov.uk/citizens-assembly",
    ),
    ("The Irish Citizens' Assembly, two years on", "https://www.citizensassembly.ie/en/news/two-years-on"),
)


def seed_citizens_assemblies(core: Aggregator) -> dict[str, int]:
    """Store and approve the DESIGN.md example: a Guardian article, an IWA article, an Involve issue."""
    guardian = core.sources.add(
        "https://www.theguardian.com/politics/rss", name="The Guardian", settings={"label": "Guardian"}
    )
    iwa = core.sources.add(
        "https://www.iwa.wales/feed/",
        name="IWA",
        kind="wordpress",
        settings={"label": "Institute of Welsh Affairs", "label_suffix": "(Click on Wales)"},
    )
    involve = core.sources.add(
        "https://us4.campaign-archive.com/feed?u=1&id=2",
        name="Involve newsletter",
        kind="newsletter",
        settings={"label": "Involve"},
    )
    core.topics.add(
        TOPIC,
        name="Citizens assemblies",
        intro="Citizens' assemblies bring a random, representative group of people together to learn, "
        "deliberate and make recommendations.",
    )
    core.items.record(
        harvested(
            guardian.id,
            "https://www.theguardian.com/politics/2019/jul/22/britains-first-climate-assembly",
            title="Britain's first climate assembly: can it help fix democracy too?",
            author="Rachel Shabi",
            published=dt.datetime(2019, 7, 22, 6, 0, tzinfo=dt.UTC),
            summary="A climate assembly of 110 people is to meet this autumn.",
            text="A climate assembly of 110 people is to meet this autumn.",
        )
    )
    core.items.record(
        harvested(
            iwa.id,
            "https://www.iwa.wales/click/2019/07/impressions-from-wales-first-citizens-assembly/",
            title="Impressions from Wales' first citizens' assembly",
            author=None,
            published=dt.datetime(2019, 7, 30, 11, 15, tzinfo=dt.UTC),
            summary="Wales held its first citizens' assembly in Wrexham.",
        )
    )
    core.items.record(
        harvested(
            involve.id,
            ISSUE_URL,
            kind="newsletter",
            title="A summer of citizens' assemblies",
            published=dt.datetime(2019, 8, 5, 8, 0, tzinfo=dt.UTC),
            summary="View this email in your browser",
        )
    )
    for position, (bullet, url) in enumerate(STORIES, start=1):
        core.items.record(
            harvested(
                involve.id,
                url,
                kind="story",
                title=bullet,
                content_origin="bullet",
                parent_url=ISSUE_URL,
                position=position,
                published=dt.datetime(2019, 8, 5, 8, 0, tzinfo=dt.UTC),
                excerpt=f"{bullet} …",
            )
        )
    ids = {i.canonical_url: i.id for i in core.items.query(limit=None)}
    guardian_id = ids["https://www.theguardian.com/politics/2019/jul/22/britains-first-climate-assembly"]
    iwa_id = ids["https://www.iwa.wales/click/2019/07/impressions-from-wales-first-citizens-assembly/"]
    issue_id = ids[ISSUE_URL]
    core.items.approve(
        guardian_id,
        actor="ann",
        excerpt="“I am interested in the idea of citizens assemblies and not just for climate change,” "
        "said …",
        topics=[TOPIC],
    )
    core.items.approve(
        iwa_id,
        actor="ann",
        excerpt="The true tests, if citizens' assemblies are to become a part of Welsh democracy, is …",
        topics=[TOPIC],
    )
    core.items.approve(issue_id, actor="bryn", topics=[TOPIC])
    core.items.edit(iwa_id, actor="ann", note="Read with the Guardian piece.")
    freeze_clock(core)
    return {"guardian": guardian_id, "iwa": iwa_id, "issue": issue_id}


def freeze_clock(core: Aggregator) -> None:
    """Set every time the database stamped to the fixed clock, so exports are reproducible."""
    with core.db.write() as session:
        # Naming updated_at in each statement keeps its onupdate default from stamping the real time.
        session.execute(update(Item).values(first_seen_at=CLOCK, updated_at=CLOCK, fetched_at=CLOCK))
        reviewed = update(Item).where(Item.reviewed_at.is_not(None))
        session.execute(reviewed.values(reviewed_at=CLOCK, updated_at=CLOCK))


CASES = [
    ("atom", TOPIC, "citizens-assemblies.atom.xml"),
    ("rss", TOPIC, "citizens-assemblies.rss.xml"),
    ("jsonfeed", TOPIC, "citizens-assemblies.feed.json"),
    ("wxr", TOPIC, "citizens-assemblies.wordpress.xml"),
    ("csv", None, "items.csv"),
    ("jsonl", None, "items.jsonl"),
    ("opml", None, "sources.opml"),
]


@pytest.mark.parametrize(("fmt", "topic", "name"), CASES)
def test_every_format_matches_its_golden_file(
    core: Aggregator, fmt: str, topic: str | None, name: str
) -> None:
    seed_citizens_assemblies(core)
    out = io.BytesIO()
    export(core, fmt, out, topic=topic, now=CLOCK)
    check_golden(name, out.getvalue())


def test_the_site_matches_its_golden_pages(core: Aggregator, tmp_path: Path) -> None:
    seed_citizens_assemblies(core)
    core.topics.add("participatory-budgeting", name="Participatory budgeting")
    files = export_site(core, tmp_path / "site")
    written = sorted(str(f.relative_to(tmp_path / "site")) for f in files)
    assert written == [
        "citizens-assemblies/index.html",
        "index.html",
        "participatory-budgeting/index.html",
        "style.css",
    ]
    check_golden("site-index.html", (tmp_path / "site" / "index.html").read_bytes())
    check_golden("site-citizens-assemblies.html", (tmp_path / "site" / TOPIC / "index.html").read_bytes())


def check_golden(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(actual)
        return
    assert path.exists(), f"no golden file {path}; create it with UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    assert actual.decode() == expected.decode(), f"{name} differs from its golden file"
