"""The page the product exists to produce: the knowledge base's "Citizens assemblies", line for line.

The demo crawls its recorded sites (which hold the seed's three items, rebuilt), a curator makes the
seed's decisions through the CLI, and the text export must equal the seed's entries section
(``tests/fixtures/seed/citizens-assemblies.txt``, a copy of the knowledge base's page), typographic
quotes kept, whitespace aside. The static page must carry the same text and link each story on the
newsletter's own words.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.support.cli import crawl_env, run_cli

pytestmark = pytest.mark.crawl
SEED = Path(__file__).parent / "fixtures" / "seed" / "citizens-assemblies.txt"
TOPIC = "citizens-assemblies"
GUARDIAN_TITLE = "Britain’s first climate assembly: can it help fix democracy too?"
IWA_TITLE = "Impressions from Wales’ first citizens’ assembly"
ISSUE_TITLE = "A summer of citizens’ assemblies"
ISSUE_PAGE = "https://involve.org.uk/news-opinion/news/involve-newsletter-august-2019"
INTRO = (
    "Citizens assemblies are a type of mini public. All round they’re a good way to involve people in "
    "decision making.\n\n"
    "Alliance for Useful Evidence’s report sets out the major challenges that mini-publics must confront "
    "and draws out key lessons on how mini-publics can address these challenges and have real impact "
    "on policy.\n\n"
    "[Find it here:](https://www.alliance4usefulevidence.org/publication/mini-publics/)"
)
STORY_LINKS = {
    "Watch/Read Sarah’s Q&A": "/news/could-citizens-assembly-brexit-happen",
    "Why do they work? Evidence from the citizens’ assemblies on Brexit and Social Care": (
        "/opinion/why-do-citizens-assemblies-work"
    ),
    "Read the six key observations here": "/opinion/six-things-i-learnt-citizens-assembly-brexit",
    "Check out their ideas": "/news/how-can-practitioners-respond-growing-demand-citizens-assemblies",
    "this article": "/opinion/citizens-assembly-climate-change-how-would-it-work",
    "opinion piece": "/opinion/what-was-it-facilitate-national-assembly-wales-citizens-assembly",
}


def seed_entries() -> list[str]:
    """Return the seed page's lines from the topic's name to its last bullet, without the furniture."""
    lines = [" ".join(line.split()) for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    start = lines.index("Citizens assemblies")
    end = lines.index("Leave a Reply")
    return lines[start:end]


def quotation(after: str, before: str) -> str:
    """Return the seed's quotation: the line after ``after`` (the entry's title), up to ``before``."""
    lines = seed_entries()
    found = lines[lines.index(after) + 1]
    assert before in lines[lines.index(after) + 2]
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_demo_and_the_seeds_decisions_give_the_seed_page(db_url: str, tmp_path: Path) -> None:
    env = crawl_env(db_url, AGGREGATOR_FETCH_TIMEOUT="20")
    crawled = run_cli("demo", "--port", str(free_port()), "--no-serve", env=env, cwd=tmp_path)
    assert crawled.returncode == 0, crawled.stderr

    listed = run_cli("items", "list", "--limit", "500", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    by_title = {item["title"]: item for item in found}
    guardian, iwa = by_title[GUARDIAN_TITLE], by_title[IWA_TITLE]
    # The issue is on Involve's site and in its Mailchimp archive: the curator takes the site's.
    (issue,) = [i for i in found if i["title"] == ISSUE_TITLE and i["url"].startswith(ISSUE_PAGE)]
    assert len([i for i in found if i["title"] == ISSUE_TITLE]) == 2
    assert issue["kind"] == "newsletter"
    # The quotation interrupted by its attribution is proposed whole, as the knowledge base quotes it.
    assert guardian["excerpt_candidates"][0] == quotation(GUARDIAN_TITLE, "Institute of Welsh Affairs")

    decisions = [
        ("items", "approve", str(guardian["id"]), "--topic", TOPIC, "--excerpt"),
        ("items", "approve", str(iwa["id"]), "--topic", TOPIC, "--excerpt"),
    ]
    excerpts = [
        quotation(GUARDIAN_TITLE, "Institute of Welsh Affairs"),
        quotation(IWA_TITLE, "Involve newsletter"),
    ]
    for args, excerpt in zip(decisions, excerpts, strict=True):
        done = run_cli(*args, excerpt, env=env)
        assert done.returncode == 0, done.stderr
    for args in (
        ("items", "approve", str(issue["id"]), "--topic", TOPIC),
        ("topics", "edit", TOPIC, "--intro", INTRO),
    ):
        done = run_cli(*args, env=env)
        assert done.returncode == 0, done.stderr

    exported = run_cli("export", "--format", "text", "--topic", TOPIC, env=env)
    assert exported.returncode == 0, exported.stderr
    lines = [" ".join(line.split()) for line in exported.stdout.splitlines()]
    assert [line for line in lines if line] == seed_entries()

    site = tmp_path / "site"
    done = run_cli("export", "--format", "site", "--output", str(site), env=env)
    assert done.returncode == 0, done.stderr
    page = lxml_html.fromstring((site / TOPIC / "index.html").read_text(encoding="utf-8"))
    main = page.cssselect("main")[0]
    shown = [" ".join(e.text_content().split()) for e in main.iter("h1", "p", "h2", "li", "blockquote")]
    # A blockquote's paragraph shows twice (as itself and inside the quotation): once is enough.
    assert list(dict.fromkeys(line.removeprefix("• ") for line in shown if line)) == [
        line.removeprefix("• ") for line in seed_entries()
    ]
    links = {" ".join(a.text_content().split()): a.get("href") for a in main.cssselect("li a")}
    assert set(links) == set(STORY_LINKS)
    for words, path in STORY_LINKS.items():
        assert links[words] == f"https://involve.org.uk/news-opinion{path}", (words, links[words])
    # The demo fetched through its replay server, but what it stored and published is the real web.
    titles = {" ".join(a.text_content().split()): a.get("href") for a in main.cssselect(".entry-title a")}
    assert titles == {
        GUARDIAN_TITLE: guardian["url"],
        IWA_TITLE: iwa["url"],
        f"{ISSUE_TITLE}:": issue["url"],
    }
    assert issue["url"] == (
        "https://involve.org.uk/news-opinion/news/involve-newsletter-august-2019-summer-citizens-assemblies"
    )
    assert guardian["url"].startswith("https://www.theguardian.com/politics/2019/jul/22/")
    assert iwa["url"] == "https://www.iwa.wales/click/2019/07/impressions-from-wales-first-citizens-assembly/"
    assert "127.0.0.1" not in (site / TOPIC / "index.html").read_text(encoding="utf-8")
    intro_link = main.cssselect(".intro a")[0]
    assert intro_link.text_content() == "Find it here:"
    assert intro_link.get("href") == "https://www.alliance4usefulevidence.org/publication/mini-publics/"
