"""What the curator app's tests share: a seeded database, users of every role, logged-in clients."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from aggregator.core import Aggregator
from aggregator.models import Item
from aggregator.services.items import Harvested, TopicMatch
from aggregator.services.users import UserService

PASSWORD = "correct horse battery"
ITEMS = Path(__file__).resolve().parents[1] / "fixtures" / "curator_items.toml"
UTC = dt.UTC


@dataclass(frozen=True)
class Seeded:
    """Ids of what ``seed`` stored."""

    guardian: int
    iwa: int
    assembly: int
    welsh: int
    budget: int
    xss: int


def item(core: Aggregator, source_id: int, slug: str, **values: object) -> int:
    """Store one harvested item and return its id."""
    fields: dict[str, object] = {
        "source_id": source_id,
        "url": f"https://example.org/{slug}",
        "guid": None,
        "title": slug.replace("-", " ").title(),
        "author": "A. Writer",
        "published": dt.datetime(2019, 7, 1, tzinfo=UTC),
        "language": "en",
        "text": "Some text.",
        "summary": "A summary.",
    }
    fields.update(values)
    core.items.record(Harvested(**fields))  # type: ignore[arg-type]
    with core.db.read() as session:
        return int(session.scalars(select(Item.id).where(Item.url == fields["url"])).one())


def seed(core: Aggregator) -> Seeded:
    """Store two sources, two topics and the items of tests/fixtures/curator_items.toml."""
    sources = {
        "guardian": core.sources.add("https://www.theguardian.com/uk/rss", name="Guardian").id,
        "iwa": core.sources.add("https://www.iwa.wales/feed/", name="IWA").id,
    }
    topics = {
        "citizens-assemblies": core.topics.add(
            "citizens-assemblies", name="Citizens assemblies", include=["citizens' assembly"]
        ).id,
        "budgets": core.topics.add(
            "budgets", name="Participatory budgets", include=["participatory budgeting"]
        ).id,
    }
    ids: dict[str, int] = {}
    for name, values in tomllib.loads(ITEMS.read_text("utf-8")).items():
        source_id = sources[values.pop("source")]
        values["excerpt_candidates"] = tuple(values.get("excerpt_candidates", ()))
        values["topic_matches"] = tuple(
            TopicMatch(topics[m["topic"]], m["score"], tuple(m["matched"]))
            for m in values.get("topic_matches", ())
        )
        ids[name] = item(core, source_id, values.pop("slug"), **values)
    return Seeded(guardian=sources["guardian"], iwa=sources["iwa"], **ids)


def add_users(core: Aggregator) -> None:
    """Create one user of each role, named after it, all with PASSWORD.

    The app's tests hash with argon2id at its lightest settings: the default (64 MiB, 3 passes, 4
    lanes) takes most of a second per login on a busy 2-core machine. tests/test_web_users.py checks
    the defaults.
    """
    core.users = UserService(core.db, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for role in ("admin", "curator", "viewer"):
        core.users.add(role, role=role, password=PASSWORD)


def csrf_of(html: str) -> str:
    """Return the CSRF token a page carries in its meta tag."""
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log ``client`` in as ``name`` and return the session's CSRF token."""
    page = client.get("/login")
    token = csrf_of(page.text)
    done = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    return csrf_of(client.get("/queue").text)
