"""What the curator app's tests share: a seeded database, users of every role, logged-in clients."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from aggregator.core import Aggregator
from aggregator.models import Item
from aggregator.services.items import Harvested, TopicMatch
from aggregator.services.users import UserService

PASSWORD = "correct horse battery"
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
    """Store two sources, a topic and a handful of items, one of them carrying script payloads."""
    guardian = core.sources.add("https://www.theguardian.com/uk/rss", name="Guardian").id
    iwa = core.sources.add("https://www.iwa.wales/feed/", name="IWA").id
    topic = core.topics.add("citizens-assemblies", name="Citizens assemblies", include=["citizens' assembly"])
    core.topics.add("budgets", name="Participatory budgets", include=["participatory budgeting"])
    match = TopicMatch(topic.id, 0.8, ("citizens' assembly",))
    assembly = item(
        core,
        guardian,
        "climate-assembly",
        title="Britain's first climate assembly",
        text="The citizens' assembly met in Birmingham to deliberate on net zero.",
        summary="Can it help fix democracy too?",
        published=dt.datetime(2019, 7, 20, tzinfo=UTC),
        excerpt_candidates=("“I am interested in the idea of citizens assemblies,” said one member.",),
        topic_matches=(match,),
    )
    welsh = item(
        core,
        iwa,
        "cynulliad",
        title="Cynulliad dinasyddion cyntaf Cymru",
        text="Roedd y cynulliad yn trafod democratiaeth yng Nghymru.",
        language="cy",
        published=dt.datetime(2019, 8, 2, tzinfo=UTC),
    )
    budget = item(
        core,
        iwa,
        "budgeting",
        title="Participatory budgeting needs more than a vote",
        text="Participatory budgeting in Newport gave residents a say over spending.",
        published=dt.datetime(2020, 3, 5, tzinfo=UTC),
    )
    xss = item(
        core,
        guardian,
        "payload",
        title='<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">Payload',
        author='<img src=x onerror="window.__pwned = 3">',
        text='Body <script>alert("text")</script> and <img src=x onerror=alert(1)> inline.',
        summary='<b onmouseover="alert(2)">summary</b><svg onload=alert(3)>',
        published=dt.datetime(2019, 6, 1, tzinfo=UTC),
        excerpt_candidates=('<img src=x onerror="window.__pwned = 4">candidate',),
    )
    return Seeded(guardian, iwa, assembly, welsh, budget, xss)


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
