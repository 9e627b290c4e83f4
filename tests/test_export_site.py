"""Topic pages: entry headings in the knowledge base's words, and a site's own templates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aggregator.config import Config
from aggregator.core import Aggregator
from aggregator.errors import InvalidInput
from aggregator.publish.entries import Entry, SourceLabel
from aggregator.publish.service import export_site, topic_page
from aggregator.services.views import ItemView
from tests.support.cli import crawl_env, run_cli
from tests.test_export_golden import TOPIC, seed_citizens_assemblies

WHEN = dt.datetime(2019, 7, 22, tzinfo=dt.UTC)


def entry(
    kind: str = "article", excerpt: str | None = None, published: dt.datetime | None = WHEN, **label: str
) -> Entry:
    view = ItemView(
        id=1, source_id=1, source_name="The Guardian", url="https://ex.org/a", canonical_url="https://ex.org/a",
        guid=None, kind=kind, title="T", author=None, published_at=published, first_seen_at=WHEN,
        fetched_at=None, language="en", text="", summary="The summary.", content_origin="article",
        status="approved", excerpt=excerpt, excerpt_candidates=(), curator_note=None, reviewed_by="ann",
        reviewed_at=WHEN, parent_id=None, duplicate_of_id=None, position=None,
    )  # fmt: skip
    return Entry(item=view, source=SourceLabel(**label) if label else SourceLabel("Guardian"), updated=WHEN)


def test_headings_say_when_which_source_and_what_kind() -> None:
    assert entry().heading == "July 2019 Guardian article:"
    assert entry(label="Institute of Welsh Affairs", suffix="(Click on Wales)").heading == (
        "July 2019 Institute of Welsh Affairs article (Click on Wales):"
    )
    assert entry(label="Involve", article_word="report").heading == "July 2019 Involve report:"
    assert entry("newsletter", label="Involve").heading == "From the Involve newsletter in July 2019:"
    assert (
        entry("newsletter", label="Involve newsletter").heading == "From the Involve newsletter in July 2019:"
    )
    assert entry("newsletter", label="Involve newsletter (demo)").heading == (
        "From the Involve newsletter (demo) in July 2019:"
    )
    assert entry("newsletter", label="Involve", published=None).heading == "From the Involve newsletter:"
    assert entry(published=None).heading == "Guardian article:"
    assert entry("story", label="Involve").heading == "July 2019 Involve story:"


def test_labels_come_from_source_settings() -> None:
    assert SourceLabel.from_settings("iwa.wales", {}) == SourceLabel("iwa.wales")
    settings = {
        "label": "Institute of Welsh Affairs",
        "label_suffix": "(Click on Wales)",
        "entry_kind": "report",
    }
    assert SourceLabel.from_settings("IWA", settings) == SourceLabel(
        "Institute of Welsh Affairs", "(Click on Wales)", "report"
    )
    assert SourceLabel.from_settings("IWA", {"label": 42}) == SourceLabel("IWA")  # not text: ignored


def test_an_excerpt_is_a_quotation_when_it_is_quoted() -> None:
    assert entry(excerpt="“Quoted,” she said.").is_quotation
    assert entry(excerpt='"Straight quotes"').is_quotation
    assert entry(excerpt="Ends with a quote: “so”").is_quotation
    assert not entry(excerpt="Plain words.").is_quotation
    assert entry().excerpt == "The summary."  # no excerpt chosen: the summary stands in
    assert entry("newsletter").excerpt == ""  # ...except for a newsletter, whose stories speak


def test_topic_page_lists_entries_oldest_first_with_stories(core: Aggregator) -> None:
    seed_citizens_assemblies(core)
    page = topic_page(core, TOPIC)
    assert [e.heading for e in page.entries] == [
        "July 2019 Guardian article:",
        "July 2019 Institute of Welsh Affairs article (Click on Wales):",
        "From the Involve newsletter in August 2019:",
    ]
    assert [s.text for s in page.entries[-1].stories] == [
        "Could a citizens' assembly on Brexit happen? …",
        "How Camden's citizens' assembly on climate change worked …",
        "The Irish Citizens' Assembly, two years on …",
    ]


def test_a_rejected_story_stays_in_its_issue(core: Aggregator) -> None:
    # An issue stored before issues kept their own bullets shows its stories; rejecting one in the
    # queue is a decision about the story as an entry of its own, not about the issue.
    seed_citizens_assemblies(core)
    issue = topic_page(core, TOPIC).entries[-1]
    camden = next(s for s in core.items.stories(issue.item.id) if "Camden" in s.title + s.text)
    core.items.reject(camden.id, actor="ann", reason="not about assemblies")
    page = topic_page(core, TOPIC)
    assert [s.text for s in page.entries[-1].stories] == [
        "Could a citizens' assembly on Brexit happen? …",
        "How Camden's citizens' assembly on climate change worked …",
        "The Irish Citizens' Assembly, two years on …",
    ]


def test_a_site_overrides_templates_one_by_one(core: Aggregator, tmp_path: Path) -> None:
    seed_citizens_assemblies(core)
    own = tmp_path / "templates"
    own.mkdir()
    (own / "entry.html").write_text(
        '<div class="kb-entry"><em>{{ entry.heading }}</em> {{ entry.title }}</div>\n', encoding="utf-8"
    )
    (own / "style.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    export_site(core, tmp_path / "site", templates=own)
    page = (tmp_path / "site" / TOPIC / "index.html").read_text(encoding="utf-8")
    assert page.count('<div class="kb-entry">') == 3
    assert "<em>July 2019 Guardian article:</em>" in page
    assert "<h1>Citizens assemblies</h1>" in page  # topic.html and base.html are still the defaults
    assert (tmp_path / "site" / "style.css").read_text(encoding="utf-8") == "body { color: #123456; }\n"


def test_a_broken_template_fails_before_anything_is_written(core: Aggregator, tmp_path: Path) -> None:
    seed_citizens_assemblies(core)
    own = tmp_path / "templates"
    own.mkdir()
    (own / "topic.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ oops(}}{% endblock %}", "utf-8"
    )
    with pytest.raises(InvalidInput, match=r"template .*topic\.html:1"):
        export_site(core, tmp_path / "site", templates=own)
    assert not (tmp_path / "site").exists()
    with pytest.raises(InvalidInput, match="does not exist"):
        export_site(core, tmp_path / "site", templates=tmp_path / "missing")
    (tmp_path / "file").write_text("x", "utf-8")
    with pytest.raises(InvalidInput, match="is a file"):
        export_site(core, tmp_path / "file")


def test_the_templates_folder_can_come_from_the_environment(
    config: Config, core: Aggregator, tmp_path: Path
) -> None:
    seed_citizens_assemblies(core)
    own = tmp_path / "templates"
    own.mkdir()
    (own / "index.html").write_text("<p>Our own index of {{ pages|length }} topics</p>\n", "utf-8")
    env = crawl_env(config.database_url, AGGREGATOR_TEMPLATES_DIR=str(own))
    done = run_cli("export", "--format", "site", "--output", str(tmp_path / "site"), env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").read_text("utf-8") == "<p>Our own index of 1 topics</p>\n"
