"""Publishers apart from sources, issues as the newsletter wrote them, and arranged topic pages.

Each test names a defect the knowledge base's page showed (issue 14) and fails on the code before.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from aggregator.core import Aggregator
from aggregator.errors import InvalidInput, NotFound
from aggregator.publish.service import export, topic_page
from aggregator.reader.newsletters import Story, read_issue
from tests.test_sources import harvested

TOPIC = "citizens-assemblies"
ISSUE = "https://involve.org.uk/news-opinion/news/involve-newsletter-august-2019"
BULLETS = (
    Story(
        url="https://involve.org.uk/news-opinion/news/brexit-qa",
        title="Could a citizens’ assembly on Brexit happen?",
        text="Sarah Allan gave evidence to the Committee. Watch/Read Sarah’s Q&A",
        link_words="Watch/Read Sarah’s Q&A",
    ),
    Story(
        url="https://involve.org.uk/news-opinion/opinion/why-they-work",
        title="Why do they work? Evidence from two assemblies",
        text="Two researchers explain how assemblies help.",
        link_words="Why do they work? Evidence from two assemblies",
    ),
)


def when(day: int, month: int = 7) -> dt.datetime:
    return dt.datetime(2019, month, day, 8, 0, tzinfo=dt.UTC)


def seed(core: Aggregator) -> dict[str, int]:
    """An Involve newsletter source whose issue links a Guardian and an IWA article; the topic."""
    involve = core.sources.add(
        "https://involve.org.uk/news-opinion/news", name="Involve", settings={"label": "Involve newsletter"}
    )
    core.topics.add(TOPIC, name="Citizens assemblies")
    core.items.record(
        harvested(
            involve.id,
            ISSUE,
            kind="newsletter",
            title="A summer of citizens’ assemblies",
            published=when(30, 8),
            issue_intro="This summer kicked off with a wave of assemblies.\n\nHere are our tips.",
            bullets=BULLETS,
        )
    )
    for position, bullet in enumerate(BULLETS, start=1):
        core.items.record(
            harvested(
                involve.id,
                bullet.url,
                kind="story",
                title=bullet.title,
                excerpt=bullet.text,
                content_origin="bullet",
                parent_url=ISSUE,
                position=position,
            )
        )
    for url, day in (
        ("https://www.theguardian.com/politics/2019/jul/22/britains-first-climate-assembly", 22),
        ("https://www.iwa.wales/click/2019/07/impressions/", 30),
        ("https://www.example.org/2019/07/other", 10),
        ("https://blog.unknown.net/2019/07/plain", 5),
    ):
        # Reached through the newsletter, as its stories are: the source is Involve's.
        core.items.record(
            harvested(
                involve.id,
                url,
                title=url.rsplit("/", 1)[-1] or url,
                published=when(day),
                parent_url=ISSUE,
                site_name="Example Times" if "example.org" in url else None,
            )
        )
    ids = {i.canonical_url: i.id for i in core.items.query(limit=None, include_duplicates=True)}
    return {
        "issue": ids[ISSUE],
        "guardian": ids["https://www.theguardian.com/politics/2019/jul/22/britains-first-climate-assembly"],
        "iwa": ids["https://www.iwa.wales/click/2019/07/impressions/"],
        "example": ids["https://www.example.org/2019/07/other"],
        "unknown": ids["https://blog.unknown.net/2019/07/plain"],
        "story": ids["https://involve.org.uk/news-opinion/news/brexit-qa"],
    }


def headings(core: Aggregator) -> dict[int, str]:
    return {e.item.id: e.heading for e in topic_page(core, TOPIC).entries}


def test_an_article_found_through_a_newsletter_is_headed_by_its_own_publisher(core: Aggregator) -> None:
    ids = seed(core)
    for name in ("guardian", "iwa", "example", "unknown", "issue"):
        core.items.approve(ids[name], actor="ann", topics=[TOPIC])
    assert headings(core) == {
        ids["unknown"]: "July 2019 blog.unknown.net article:",  # the host, last
        ids["example"]: "July 2019 Example Times article:",  # the page's og:site_name
        ids["guardian"]: "July 2019 Guardian article:",  # the publishers table
        ids["iwa"]: "July 2019 Institute of Welsh Affairs article (Click on Wales):",
        ids["issue"]: "From the Involve newsletter in August 2019:",  # on the source's own site
    }


def test_curators_change_publisher_and_kind_and_add_publishers(core: Aggregator) -> None:
    ids = seed(core)
    core.items.approve(ids["unknown"], actor="ann", topics=[TOPIC])
    core.items.edit(ids["unknown"], actor="ann", publisher="Institute of Welsh Affairs", kind="report")
    assert headings(core)[ids["unknown"]] == "July 2019 Institute of Welsh Affairs report (Click on Wales):"
    core.items.edit(ids["unknown"], actor="ann", publisher="", kind="article")
    core.publishers.put("https://blog.unknown.net/anything", name="Unknown Blog")
    assert headings(core)[ids["unknown"]] == "July 2019 Unknown Blog article:"
    events = [e.action for e in core.items.get(ids["unknown"]).events]
    assert events.count("edit") == 2
    with pytest.raises(InvalidInput, match="unknown kind"):
        core.items.edit(ids["unknown"], actor="ann", kind="story")
    with pytest.raises(InvalidInput, match="not a host"):
        core.publishers.put("not a host", name="X")
    assert {p.host for p in core.publishers.all()} >= {
        "www.theguardian.com",
        "www.iwa.wales",
        "involve.org.uk",
    }
    core.publishers.remove("blog.unknown.net")
    with pytest.raises(NotFound):
        core.publishers.remove("blog.unknown.net")


def test_an_issue_keeps_its_bullets_whatever_happens_to_its_stories(core: Aggregator) -> None:
    ids = seed(core)
    core.items.approve(ids["issue"], actor="ann", topics=[TOPIC])
    core.items.approve(ids["story"], actor="ann", excerpt="“A quotation of its own.”", topics=[TOPIC])
    why = next(s for s in core.items.stories(ids["issue"]) if s.title.startswith("Why"))
    core.items.reject(why.id, actor="ann")
    issue = next(e for e in topic_page(core, TOPIC).entries if e.item.id == ids["issue"])
    assert issue.page_title == "A summer of citizens’ assemblies:"
    assert issue.intro == ("This summer kicked off with a wave of assemblies.", "Here are our tips.")
    assert [s.line for s in issue.stories] == [
        "Could a citizens’ assembly on Brexit happen? Sarah Allan gave evidence to the Committee. "
        "Watch/Read Sarah’s Q&A",
        "Why do they work? Evidence from two assemblies: Two researchers explain how assemblies help.",
    ]
    html = issue.content_html()
    assert (
        '<a href="https://involve.org.uk/news-opinion/news/brexit-qa" rel="noopener noreferrer nofollow">'
        "Watch/Read Sarah’s Q&amp;A</a>" in html
    )
    assert "<strong>Why do they work? Evidence from two assemblies</strong></a>:" in html

    core.items.hide_bullet(ids["issue"], 2, actor="ann")
    issue = next(e for e in topic_page(core, TOPIC).entries if e.item.id == ids["issue"])
    assert [s.title for s in issue.stories] == ["Could a citizens’ assembly on Brexit happen?"]
    assert core.items.get(ids["issue"]).events[-1].action == "hide bullet"
    with pytest.raises(InvalidInput, match="has 2 bullets"):
        core.items.hide_bullet(ids["issue"], 3, actor="ann")


def test_topic_pages_run_oldest_first_newest_first_or_as_moved(core: Aggregator) -> None:
    ids = seed(core)
    for name in ("guardian", "iwa", "example"):
        core.items.approve(ids[name], actor="ann", topics=[TOPIC])
    oldest = [ids["example"], ids["guardian"], ids["iwa"]]
    assert [e.item.id for e in topic_page(core, TOPIC).entries] == oldest
    core.topics.update(TOPIC, order="newest")
    assert [e.item.id for e in topic_page(core, TOPIC).entries] == oldest[::-1]
    core.topics.update(TOPIC, order="oldest")
    assert core.topics.move_entry(TOPIC, ids["iwa"], -2) == [ids["iwa"], ids["example"], ids["guardian"]]
    assert core.topics.get(TOPIC).entry_order == "manual"
    core.items.approve(ids["unknown"], actor="ann", topics=[TOPIC])  # not placed yet: after the rest
    assert [e.item.id for e in topic_page(core, TOPIC).entries] == [
        ids["iwa"], ids["example"], ids["guardian"], ids["unknown"]
    ]  # fmt: skip
    with pytest.raises(NotFound):
        core.topics.move_entry(TOPIC, ids["issue"], 1)
    with pytest.raises(InvalidInput, match="unknown order"):
        core.topics.update(TOPIC, order="random")


def test_intros_and_notes_take_small_markdown_and_nothing_that_runs(core: Aggregator) -> None:
    ids = seed(core)
    core.topics.update(
        TOPIC,
        intro="A *mini public*.\n\n[Find it here:](https://ex.org/report) <script>alert(1)</script>"
        " [bad](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    core.items.approve(ids["guardian"], actor="ann", topics=[TOPIC])
    core.items.edit(ids["guardian"], actor="ann", note="See **the report** [here](https://ex.org/r).")
    out = io.BytesIO()
    export(core, "markdown", out, topic=TOPIC)
    md = out.getvalue().decode()
    assert "[Find it here:](https://ex.org/report)" in md
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in md
    out = io.BytesIO()
    export(core, "text", out, topic=TOPIC)
    text = out.getvalue().decode()
    assert "A mini public.\n\nFind it here:" in text
    assert "See the report here." in text
    from aggregator.publish.service import renderer

    page = renderer(core).topic(topic_page(core, TOPIC))
    assert "<em>mini public</em>" in page
    assert '<a href="https://ex.org/report" rel="noopener noreferrer nofollow">Find it here:</a>' in page
    body = page.split("</head>")[1]
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in body


def test_an_issue_page_is_read_with_its_intro_and_its_bullets_parts() -> None:
    page = """<html><body><div class="field--name-body">
    <p>This summer kicked off.</p><p>Here are our tips.</p>
    <ul><li><strong>Could it happen?</strong> Last week we spoke. <a href="/qa">Watch/Read the Q&amp;A</a>
    </li>
    <li><a href="https://ex.org/why"><strong>Why do they work?</strong></a>: Researchers explain.</li>
    <li>We outline in <a href="https://ex.org/article">this article</a> what would be needed.</li>
    </ul></div></body></html>"""
    issue = read_issue(page, "https://involve.org.uk/n/august")
    assert issue.intro == ("This summer kicked off.", "Here are our tips.")
    assert [(s.title, s.text, s.link_words, s.url) for s in issue.stories] == [
        (
            "Could it happen?",
            "Last week we spoke. Watch/Read the Q&A",
            "Watch/Read the Q&A",
            "https://involve.org.uk/qa",
        ),
        ("Why do they work?", "Researchers explain.", "Why do they work?", "https://ex.org/why"),
        ("", "We outline in this article what would be needed.", "this article", "https://ex.org/article"),
    ]
