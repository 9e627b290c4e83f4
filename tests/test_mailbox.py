"""Mailbox sources against a real IMAP server (Debian's Dovecot, started by the tests on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from aggregator.core import Aggregator
from aggregator.enums import ItemKind
from aggregator.errors import InvalidInput
from aggregator.models import Item, MailMessage
from tests.support import dovecot, messages
from tests.support.cli import crawl_env, crawl_json, run_cli

dovecot.require_dovecot()


@pytest.fixture(scope="module")
def imap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dovecot.Dovecot]:
    yield from dovecot.start(tmp_path_factory.mktemp("dovecot"))


def _add_mailbox(env: dict[str, str], server: dovecot.Dovecot, folder: str, **settings: object) -> None:
    address = f"imap://{server.user}@{server.host}:{server.port}/{folder}"
    args = ["sources", "add", address, "--name", folder.lower(), "--kind", "mailbox"]
    for key, value in {"password_env": "TEST_IMAP_PASSWORD", **settings}.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stderr


def test_a_poll_stores_issues_as_from_the_web_and_a_second_stores_nothing(
    core: Aggregator, config, imap: dovecot.Dovecot, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    folder = f"News{abs(hash(db_url)) % 10_000}"
    for raw in (
        messages.august_2019(),
        messages.psnc_issue(),
        messages.not_a_newsletter(),
        messages.malformed(),
        messages.too_large(60_000),
    ):
        imap.append(raw, folder)
    env = crawl_env(config.database_url, TEST_IMAP_PASSWORD=imap.password)
    _add_mailbox(env, imap, folder, max_bytes=50_000, senders=["@involve.org.uk", "psnc@psnc.org.uk"])

    code, summary, stderr = crawl_json(env, folder.lower())
    line = summary["sources"][0]
    assert code == 0, stderr  # skipped messages are warnings: the mailbox itself works
    assert (line["new"], line["failed"]) == (2 + len(messages.AUGUST_2019_STORIES) + 3, 3)
    assert "not a newsletter" in line["warning"]
    assert "malformed MIME" in line["warning"]
    assert "too large" in line["warning"]
    with core.db.read() as session:
        issue = session.scalars(
            select(Item).where(Item.kind == ItemKind.NEWSLETTER, Item.url.like("mid:aug%"))
        ).one()
        stories = session.scalars(
            select(Item).where(Item.parent_id == issue.id).order_by(Item.position)
        ).all()
        assert [s.url for s in stories] == list(messages.AUGUST_2019_STORIES)
        receipts = session.scalars(select(MailMessage).order_by(MailMessage.uid)).all()
        assert [r.outcome for r in receipts] == ["stored", "stored", "skipped", "skipped", "skipped"]
        assert receipts[0].item_id == issue.id
        before = len(session.scalars(select(Item.id)).all())
    # Read without marking: the curators' mail is as it was.
    assert not any("\\Seen" in flags for flags in imap.flags(folder))

    code, summary, _ = crawl_json(env, folder.lower())
    line = summary["sources"][0]
    assert (line["entries"], line["new"], line["failed"]) == (0, 0, 0)
    with core.db.read() as session:
        assert len(session.scalars(select(Item.id)).all()) == before
        assert len(session.scalars(select(MailMessage.id)).all()) == 5

    # The same message again under a new UID (copied back by a mail client) is known by its Message-ID.
    imap.append(messages.august_2019(), folder)
    code, summary, _ = crawl_json(env, folder.lower())
    line = summary["sources"][0]
    assert (line["entries"], line["new"], line["unchanged"]) == (1, 0, 1)


def test_mark_seen_and_a_wrong_password(core: Aggregator, config, imap: dovecot.Dovecot, db_url: str) -> None:  # type: ignore[no-untyped-def]
    folder = f"Seen{abs(hash(db_url)) % 10_000}"
    imap.append(messages.august_2019(), folder)
    env = crawl_env(config.database_url, TEST_IMAP_PASSWORD="wrong")
    _add_mailbox(env, imap, folder, mark_seen=True)
    code, summary, stderr = crawl_json(env, folder.lower())
    assert code == 1
    assert "IMAP" in summary["sources"][0]["error"]
    assert not any("\\Seen" in flags for flags in imap.flags(folder))

    env["TEST_IMAP_PASSWORD"] = imap.password
    code, summary, stderr = crawl_json(env, folder.lower())
    assert code == 0, stderr
    assert summary["sources"][0]["new"] == 1 + len(messages.AUGUST_2019_STORIES)  # the issue, its stories
    assert all("\\Seen" in flags for flags in imap.flags(folder))


def test_a_password_is_never_stored(core: Aggregator) -> None:
    with pytest.raises(InvalidInput, match="never stored"):
        core.sources.add("imaps://me@mail.example.org/INBOX", kind="mailbox", settings={"password": "secret"})
    with pytest.raises(InvalidInput, match="no password in it"):
        core.sources.add("imaps://me:secret@mail.example.org/INBOX", kind="mailbox")
    source = core.sources.add(
        "imaps://me@mail.example.org/News", kind="mailbox", settings={"password_file": "/x"}
    )
    assert "secret" not in json.dumps(source.settings)
