"""Newsletter messages for the mail tests, rebuilt from recorded issues as a mailer would send them."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "aggregator" / "demo" / "snapshot"
AUGUST_2019_PAGE = (
    SNAPSHOT
    / "involve.org.uk"
    / "news-opinion"
    / "news"
    / "involve-newsletter-august-2019-summer-citizens-assemblies.html"
)
PSNC_FEED = ROOT / "tests" / "fixtures" / "feeds" / "psnc_mailchimp_archive_2023-03.xml"
INVOLVE_ARCHIVE = SNAPSHOT / "us4.campaign-archive.com" / "feed-involve-newsletter.xml"

# The August 2019 issue's stories, as they are on the web copy (and so in the seed).
AUGUST_2019_STORIES = (
    "https://involve.org.uk/news-opinion/news/could-citizens-assembly-brexit-happen",
    "https://involve.org.uk/news-opinion/opinion/why-do-citizens-assemblies-work",
    "https://involve.org.uk/news-opinion/opinion/six-things-i-learnt-citizens-assembly-brexit",
    "https://involve.org.uk/news-opinion/news/how-can-practitioners-respond-growing-demand-citizens-assemblies",
    "https://involve.org.uk/news-opinion/opinion/citizens-assembly-climate-change-how-would-it-work",
    "https://involve.org.uk/news-opinion/opinion/what-was-it-facilitate-national-assembly-wales-citizens-assembly",
)


def mandrill(url: str) -> str:
    """Return ``url`` behind a Mandrill click-tracking redirect (the target packed in ``p``)."""
    inner = json.dumps({"u": 30000000, "v": 1, "url": url, "id": "0123abcd"})
    packed = (
        base64.urlsafe_b64encode(json.dumps({"s": "x", "v": 1, "p": inner}).encode()).decode().rstrip("=")
    )
    return f"https://mandrillapp.com/track/click/30000000/www.example.org?p={packed}"


def message(
    html: str | None,
    *,
    subject: str,
    sender: str = "newsletter@involve.org.uk",
    message_id: str | None = "<august-2019.involve@mail.example>",
    sent: dt.datetime = dt.datetime(2019, 8, 20, 9, 0, tzinfo=dt.UTC),
    text: str | None = None,
) -> bytes:
    """Return a multipart/alternative message with ``html`` (and a text part) as a mailer sends it."""
    msg = EmailMessage()
    msg["From"] = f"Involve <{sender}>"
    msg["To"] = "curators@kb.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(sent)
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content(text or "This newsletter is best read in HTML.")
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def august_2019() -> bytes:
    """Return the seed's August 2019 Involve issue as an email: tracked links, campaign tags, a footer."""
    page = AUGUST_2019_PAGE.read_text(encoding="utf-8")
    body = re.search(r'<div class="field--name-body">.*?</div>', page, re.S)
    assert body is not None
    html = body.group(0)
    # Three ways mailers wrap a link: a Mandrill redirect, campaign tags, a Google redirect.
    mandrilled, tagged, redirected, *_ = AUGUST_2019_STORIES
    html = html.replace(
        f'href="{mandrilled}"', f'href="{mandrill(mandrilled + "?utm_source=involve&utm_medium=email")}"'
    )
    html = html.replace(
        f'href="{tagged}"', f'href="{tagged}?utm_campaign=august-2019&amp;utm_source=newsletter"'
    )
    html = html.replace(f'href="{redirected}"', f'href="https://www.google.com/url?q={redirected}&amp;sa=D"')
    footer = (
        '<p><a href="https://involve.us4.list-manage.com/unsubscribe?u=5c6e&amp;id=1a2b">Unsubscribe</a> | '
        '<a href="https://twitter.com/involveuk">Twitter</a></p>'
    )
    full = f"<html><body><table><tr><td>{html}{footer}</td></tr></table></body></html>"
    return message(full, subject="Involve newsletter: August 2019 - A summer of citizens' assemblies")


def feed_issue(feed: Path, index: int = 0) -> tuple[str, str]:
    """Return the title and whole-email HTML of item ``index`` of a Mailchimp archive feed."""
    text = feed.read_text(encoding="utf-8")
    titles = re.findall(r"<item>\s*<title><!\[CDATA\[(.*?)\]\]>", text, re.S)
    bodies = re.findall(r"<content:encoded><!\[CDATA\[(.*?)\]\]></content:encoded>", text, re.S)
    return titles[index], bodies[index]


def psnc_issue() -> bytes:
    """Return a real Mailchimp campaign (PSNC's, from its archive feed) as the email it was."""
    title, html = feed_issue(PSNC_FEED)
    return message(
        html,
        subject=title,
        sender="psnc@psnc.org.uk",
        message_id="<psnc-2023-03@mail.mailchimpapp.net>",
        sent=dt.datetime(2023, 3, 1, 10, 0, tzinfo=dt.UTC),
    )


def not_a_newsletter() -> bytes:
    """Return a personal message with no linked stories."""
    return message(
        None, subject="Lunch on Thursday?", message_id="<lunch@mail.example>", text="Shall we meet at one?"
    )


def malformed() -> bytes:
    """Return a multipart message whose boundary never appears: its parts cannot be found."""
    return (
        b"From: Involve <newsletter@involve.org.uk>\r\nSubject: Broken\r\n"
        b"Message-ID: <broken@mail.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="XYZ"\r\n\r\n'
        b"--ABC\r\nContent-Type: text/html\r\n\r\n"
        b'<p><a href="https://ex.org/a">A story</a> text</p>\r\n--ABC--\r\n'
    )


def too_large(size: int) -> bytes:
    """Return a real-looking issue padded past ``size`` bytes."""
    padding = "<p>" + "x" * size + "</p>"
    story = '<ul><li><a href="https://ex.org/big">Big story</a> Long.</li></ul>'
    return message(
        f"<html><body>{story}{padding}</body></html>",
        subject="A very large issue",
        message_id="<big@mail.example>",
    )
