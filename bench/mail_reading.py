"""Mail reading: messages per second read as issues, against splitting the same HTML as a web issue.

    .venv/bin/python bench/mail_reading.py [--rounds 200]

The messages are the mail tests' (``tests/support/messages.py``): the demo's August 2019 Involve
issue with tracked links, a real Mailchimp campaign (PSNC's, from its archive feed) and the demo's
November 2021 Mailchimp issue, each a multipart/alternative message. The product's stage is
``aggregator.reader.mail.read_message`` (MIME parsing, defect checks, the HTML's tracking links
unwrapped, the web-version link found, the stories split); the peer is the web path's own work on
the same issue, ``split_stories`` over the message's HTML part as it stands. Both are checked to give
the same story titles (the URLs differ where the product unwrapped a redirect). The ratio is what a
mailed issue costs beside the same issue from the web; no target.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)

from aggregator.reader.mail import read_message  # noqa: E402
from aggregator.reader.newsletters import split_stories  # noqa: E402
from tests.support import messages  # noqa: E402


def corpus() -> list[bytes]:
    """Return the three messages."""
    title, html = messages.feed_issue(messages.INVOLVE_ARCHIVE)
    return [
        messages.august_2019(),
        messages.psnc_issue(),
        messages.message(html, subject=title, message_id="<nov-2021@mc>"),
    ]


def html_of(raw: bytes) -> str:
    """Return a message's HTML part, as the web path would have the page."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    part = msg.get_body(preferencelist=("html",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def timed(stage: Callable[[], int], rounds: int) -> tuple[float, int]:
    """Return (seconds, stories) for ``rounds`` calls of ``stage``."""
    stories = 0
    start = time.perf_counter()
    for _ in range(rounds):
        stories += stage()
    return time.perf_counter() - start, stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    raws = corpus()
    pages = [html_of(raw) for raw in raws]
    for raw, page in zip(raws, pages, strict=True):
        ours = [s.title for s in read_message(raw).stories]
        theirs = [s.title for s in split_stories(page, "https://example.org/issue")]
        assert ours == theirs, (ours, theirs)
    size = sum(len(r) for r in raws)
    print(f"{len(raws)} messages, {size:,} bytes, same story titles by both paths")

    def product() -> int:
        return sum(len(read_message(raw).stories) for raw in raws)

    def peer() -> int:
        return sum(len(split_stories(page, "https://example.org/issue")) for page in pages)

    before, _ = timed(peer, args.rounds)
    ours, stories = timed(product, args.rounds)
    after, _ = timed(peer, args.rounds)
    messages_done = args.rounds * len(raws)
    web = (before + after) / 2
    print(f"read_message:  {messages_done / ours:8.1f} messages/s ({stories / ours:,.0f} stories/s)")
    print(
        f"split_stories: {messages_done / web:8.1f} issues/s (before {messages_done / before:.1f}, "
        f"after {messages_done / after:.1f})"
    )
    print(f"a mailed issue costs {ours / web:.2f}x the same issue split from the web")


if __name__ == "__main__":
    main()
