"""A newsletter issue read from one mail message: its headers, its body and the stories it links.

The message is untrusted input like any page: its size is capped before parsing, MIME damage that
leaves no readable body is an error naming the message, and the body goes through the same story
splitting as a web issue, after its tracking redirects are unwrapped. Nothing here stores anything.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import html
import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from aggregator import dates
from aggregator.errors import AggregatorError
from aggregator.reader.newsletters import Story, split_stories
from aggregator.reader.tracking import unwrap
from aggregator.text import html_to_text
from aggregator.urls import is_http_url, message_url

MAX_MESSAGE_BYTES = 5 * 1024 * 1024
# Damage after which the parsed message is not the message that was sent.
_FATAL_DEFECTS = (
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.MissingHeaderBodySeparatorDefect,
)
_WEB_VERSION = re.compile(
    r"view (this email |it )?(in|on) (your |a )?(web )?browser|web version|view online", re.I
)
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+")
_PARSER = lxml_html.HTMLParser(remove_comments=True, no_network=True, encoding="utf-8")


class MessageRejected(AggregatorError):
    """A message that is not read as an issue: too large, malformed, not a newsletter, not allowed."""

    def __init__(self, reason: str, message_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message_id = message_id


@dataclass(frozen=True, slots=True)
class MailIssue:
    """An issue from a message: where it lives (its web copy, else its ``mid:`` URL) and its stories."""

    message_id: str
    url: str
    sender: str
    subject: str
    sent: dt.datetime | None
    html: str
    text: str
    stories: tuple[Story, ...]


def read_message(
    raw: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES, senders: tuple[str, ...] = ()
) -> MailIssue:
    """Return the issue in ``raw``; raise MessageRejected saying why it is not one.

    ``senders`` are the allowed addresses or ``@domain`` endings; empty allows every sender.
    """
    if len(raw) > max_bytes:
        raise MessageRejected(f"message too large ({len(raw):,} bytes; the limit is {max_bytes:,})")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except (ValueError, TypeError, LookupError) as exc:
        raise MessageRejected(f"malformed message: {exc}") from None
    if not isinstance(message, EmailMessage):
        raise MessageRejected("malformed message: not a MIME message")
    message_id = _message_id(message, raw)
    defects = [d for d in _all_defects(message) if isinstance(d, _FATAL_DEFECTS)]
    if defects or not message.keys():
        reason = type(defects[0]).__name__ if defects else "no headers"
        raise MessageRejected(f"malformed MIME ({reason})", message_id)
    sender = _sender(message)
    if not sender:
        raise MessageRejected("malformed message: no From address", message_id)
    if senders and not allowed(sender, senders):
        raise MessageRejected(f"sender {sender} is not among the allowed senders", message_id)
    body_html, body_text = _bodies(message, message_id)
    source_html = body_html or _text_as_html(body_text)
    unwrapped = _unwrapped(source_html)
    web = _web_version(unwrapped)
    url = web or message_url(message_id)
    stories = tuple(split_stories(unwrapped, url))
    if not stories:
        raise MessageRejected("not a newsletter: no linked stories found in the message", message_id)
    subject = " ".join(str(message.get("Subject", "") or "").split())
    return MailIssue(
        message_id=message_id,
        url=url,
        sender=sender,
        subject=subject or f"Newsletter from {sender}",
        sent=dates.from_rfc822(str(message.get("Date", "") or "")),
        html=unwrapped,
        text=body_text,
        stories=stories,
    )


def allowed(sender: str, senders: tuple[str, ...]) -> bool:
    """Return True when ``sender`` is one of ``senders`` (an address, or ``@domain`` for a whole domain)."""
    address = sender.lower()
    for wanted in (s.strip().lower() for s in senders):
        if wanted and (address == wanted or (wanted.startswith("@") and address.endswith(wanted))):
            return True
    return False


def messages_in(path: Path) -> Iterator[bytes]:
    """Return the raw messages of a saved message (``.eml``) or an mbox file, in order."""
    with path.open("rb") as handle:
        head = handle.read(5)
    if head != b"From ":
        yield path.read_bytes()
        return
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


def _message_id(message: EmailMessage, raw: bytes) -> str:
    try:
        found = str(message.get("Message-ID", "") or "").strip().strip("<>").strip()
    except (ValueError, TypeError, IndexError):
        found = ""
    if found and not any(c.isspace() for c in found):
        return found
    # No usable Message-ID: the bytes themselves identify the message, so a re-import is still one.
    return f"{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.invalid"


def _all_defects(message: EmailMessage) -> Iterator[object]:
    for part in message.walk():
        yield from getattr(part, "defects", ())


def _sender(message: EmailMessage) -> str:
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", None)
        if addresses:
            first: Address = addresses[0]
            return str(first.addr_spec).lower() if first.username else ""
        pairs = getaddresses([str(header or "")])
    except (ValueError, TypeError, IndexError):
        return ""
    return pairs[0][1].lower() if pairs and "@" in pairs[0][1] else ""


def _bodies(message: EmailMessage, message_id: str) -> tuple[str, str]:
    texts: dict[str, str] = {}
    for subtype in ("html", "plain"):
        try:
            part = message.get_body(preferencelist=(subtype,))
            if part is not None and isinstance(part, EmailMessage):
                content = part.get_content()
                if isinstance(content, str) and content.strip():
                    texts[subtype] = content
        except (LookupError, ValueError, TypeError, UnicodeError, AssertionError) as exc:
            raise MessageRejected(
                f"malformed MIME: its {subtype} part cannot be read ({exc})", message_id
            ) from None
    if not texts:
        raise MessageRejected("not a newsletter: no text or HTML body", message_id)
    # The issue's text is its HTML's when it has one: a mailer's text part is often a stub ("view
    # this email in HTML"), and the web copy's text is its HTML's too.
    plain = html_to_text(texts["html"]) if "html" in texts else texts["plain"]
    return texts.get("html", ""), plain


def _text_as_html(text: str) -> str:
    # A plain-text issue: each paragraph with a link becomes a story, its first words the title.
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = " ".join(block.split())
        found = _URL_IN_TEXT.search(lines)
        if not found:
            continue
        words = (lines[: found.start()] + lines[found.end() :]).strip(" :-–—()[]<>")
        title, _, rest = words.partition(". ")
        href = html.escape(found.group(0), quote=True)
        paragraphs.append(
            f'<p><a href="{href}">{html.escape(title or found.group(0))}</a> {html.escape(rest)}</p>'
        )
    return "<html><body>" + "".join(paragraphs) + "</body></html>"


def _unwrapped(source_html: str) -> str:
    root = _parsed(source_html)
    if root is None:
        return source_html
    for link, href in _http_links(root):
        link.set("href", unwrap(href))
    return str(etree.tostring(root, encoding="unicode", method="html"))


def _web_version(page_html: str) -> str | None:
    root = _parsed(page_html)
    if root is None:
        return None
    for link, href in _http_links(root):
        if _WEB_VERSION.search(" ".join(link.text_content().split())):
            return href
    return None


def _parsed(page_html: str) -> lxml_html.HtmlElement | None:
    """Return the parsed tree, or None for markup lxml cannot read (the caller keeps the text as it is)."""
    try:
        return lxml_html.fromstring(page_html.encode("utf-8"), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _http_links(root: lxml_html.HtmlElement) -> Iterator[tuple[lxml_html.HtmlElement, str]]:
    """Yield each link to an http(s) address with its address."""
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if is_http_url(href):
            yield link, href
