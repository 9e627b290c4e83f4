"""Newsletters by mail: messages read as issues, tracking unwrapped, bad ones refused; the import command."""

from __future__ import annotations

import mailbox
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from aggregator.core import Aggregator
from aggregator.enums import ContentOrigin, ItemKind
from aggregator.models import Item
from aggregator.reader.mail import MessageRejected, read_message
from aggregator.reader.newsletters import split_stories
from aggregator.reader.tracking import unwrap
from tests.support import messages
from tests.support.cli import crawl_env, run_cli


def test_tracking_redirects_are_unwrapped_where_the_link_carries_the_target() -> None:
    target = "https://www.theguardian.com/a?id=7&utm_source=news&utm_medium=email"
    assert unwrap(messages.mandrill(target)) == "https://www.theguardian.com/a?id=7"
    assert unwrap("https://www.google.com/url?q=https://oecd.org/x&sa=D") == "https://oecd.org/x"
    # Mailchimp keeps its target on its server: the link stays, without the subscriber's id.
    tracked = "https://x.us4.list-manage.com/track/click?u=1&id=2&e=subscriber"
    assert unwrap(tracked) == "https://x.us4.list-manage.com/track/click?u=1&id=2"
    # A url= that is no redirect (a search page) is left alone.
    assert unwrap("https://ex.org/search?url=https://a.org/") == "https://ex.org/search?url=https://a.org/"


def test_the_august_2019_issue_by_mail_gives_the_stories_of_its_web_copy() -> None:
    issue = read_message(messages.august_2019())
    page = messages.AUGUST_2019_PAGE.read_text(encoding="utf-8")
    web = split_stories(page, "https://involve.org.uk/news-opinion/news/involve-newsletter-august-2019")
    assert [s.url for s in issue.stories] == list(messages.AUGUST_2019_STORIES) == [s.url for s in web]
    assert [(s.title, s.text) for s in issue.stories] == [(s.title, s.text) for s in web]
    assert issue.url == "mid:august-2019.involve@mail.example"  # no web version linked in the message
    assert issue.sender == "newsletter@involve.org.uk"
    assert issue.text.startswith("This summer kicked off with a wave of citizens’ assemblies")  # the HTML's
    assert issue.sent is not None
    assert issue.sent.year == 2019


def test_a_real_mailchimp_campaign_keeps_its_stories_and_its_web_version() -> None:
    title, html = messages.feed_issue(messages.INVOLVE_ARCHIVE)
    issue = read_message(messages.message(html, subject=title, message_id="<nov-2021@mc>"))
    assert issue.url == "https://us4.campaign-archive.com/?u=5c6e4a1b2f3d4e5f6a7b8c9d0&id=b7e4c21f90"
    assert next(s.title for s in issue.stories) == "New guide: running deliberative processes online"
    psnc = read_message(messages.psnc_issue())
    assert len(psnc.stories) == 3
    assert all("e=" not in s.url.split("?")[1].split("&")[-1] for s in psnc.stories)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (messages.not_a_newsletter(), "not a newsletter"),
        (messages.malformed(), "malformed MIME"),
        (messages.too_large(20_000), "too large"),
        (b"no headers at all", "malformed"),
    ],
)
def test_bad_messages_are_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MessageRejected, match=reason):
        read_message(raw, max_bytes=10_000)


def test_only_allowed_senders_are_read() -> None:
    raw = messages.august_2019()
    assert read_message(raw, senders=("@involve.org.uk",)).stories
    with pytest.raises(MessageRejected, match="not among the allowed senders"):
        read_message(raw, senders=("someone@else.org", "@involve.org"))


def test_import_an_eml_and_an_mbox_stores_issues_once(core: Aggregator, config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = crawl_env(config.database_url)
    done = run_cli(
        "sources",
        "add",
        "https://involve.org.uk/newsletter",
        "--name",
        "involve",
        "--kind",
        "newsletter",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    eml = tmp_path / "august.eml"
    eml.write_bytes(messages.august_2019())
    box_path = tmp_path / "export.mbox"
    box = mailbox.mbox(box_path)
    for raw in (messages.psnc_issue(), messages.not_a_newsletter(), messages.august_2019()):
        box.add(raw)
    box.close()

    first = run_cli("newsletters", "import", str(eml), str(box_path), "--source", "involve", env=env)
    assert first.returncode == 1, first.stderr  # one message was skipped, and said so
    assert "skipped: export.mbox: lunch@mail.example: not a newsletter" in first.stderr
    assert "august.eml: 1 new issues, 0 known, 0 skipped" in first.stdout
    assert "export.mbox: 1 new issues, 1 known, 1 skipped" in first.stdout

    with core.db.read() as session:
        issue = session.scalars(select(Item).where(Item.url == "mid:august-2019.involve@mail.example")).one()
        stories = session.scalars(
            select(Item).where(Item.parent_id == issue.id).order_by(Item.position)
        ).all()
        assert issue.kind == ItemKind.NEWSLETTER
        assert issue.guid == "august-2019.involve@mail.example"
        assert [s.url for s in stories] == list(messages.AUGUST_2019_STORIES)
        assert {s.content_origin for s in stories} == {ContentOrigin.BULLET}
        assert stories[0].excerpt
        assert stories[0].excerpt.startswith("Last week, Sarah Allan, our Head of Engagement")
        count = len(session.scalars(select(Item.id)).all())
    assert count == 2 + len(messages.AUGUST_2019_STORIES) + 3

    again = run_cli("newsletters", "import", str(eml), "--source", "involve", env=env)
    assert again.returncode == 0, again.stderr
    assert re.search(r"known already: .* \(0 new stories\)", again.stdout)
    with core.db.read() as session:
        assert len(session.scalars(select(Item.id)).all()) == count
