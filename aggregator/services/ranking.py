"""The learned queue order: each topic's model (curate/learning.py) kept in step with what is stored.

One `Ranking` lives in each app process, built lazily on the first ranked request, so crawls (which never
ask for it) never pay for it and never wait for it: training happens in the process that asks for an
order, after its database reads are done, holding no transaction.

The database is the truth. Before answering, the ranking compares what it holds with what is stored: items
whose text changed (or that are new) join the corpus, decisions taken since (by this process or any
other) are recorded, and a topic whose decisions changed in any other way (a decision undone, two
curators' decisions stored out of order), is rebuilt from the stored decisions. A rebuild gives exactly
the model updated decision by decision, so a restart, or a second app process, shows the same order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from aggregator.curate.features import Corpus, Document
from aggregator.curate.learning import Order, Report, TopicModel, rank_over_topics
from aggregator.curate.training import Decision, Settings, Topic
from aggregator.db import Database
from aggregator.errors import InvalidInput, NotFound
from aggregator.services import decisions as stored
from aggregator.services.views import WhyView

# How many terms an item's "why" names each way.
WHY_TERMS = 4
# Changes are looked for from a little before the last one seen: a transaction that began earlier (in a
# crawl, another app process) may commit a change stamped before it after it was looked for.
CLOCK_MARGIN = dt.timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Placed:
    """An item's place in a learned order, and the topic whose model put it there."""

    item_id: int
    topic: str
    likelihood: float


@dataclass(slots=True)
class _Held:
    slug: str
    model: TopicModel
    topic: Topic
    rules: dict[int, float]
    decisions: list[Decision]
    corpus_version: int


class Ranking:
    """Every topic's learned model over the stored items, cached in this process, in step with the store."""

    def __init__(self, db: Database, settings: Settings | None = None) -> None:
        self._db = db
        self._settings = settings or Settings()
        self._lock = threading.Lock()
        self._corpus = Corpus()
        self._seen_until: dt.datetime | None = None
        self._digests: dict[int, bytes] = {}
        self._held: dict[int, _Held] = {}

    def order(
        self, candidates: Sequence[int], topic: str | None, order: Order, offset: int, limit: int | None
    ) -> list[Placed]:
        """Return the candidates' page (``offset``, ``limit``) in the learned order of a topic or all topics.

        ``likely`` puts the most likely first; ``uncertain`` the ones the model is least sure of (the
        quickest to teach it). Over all topics, items go by their best likelihood over the topics.
        """
        with self._lock:
            held = self._sync()
            wanted = [h for h in held if topic is None or h.slug == topic]
            if topic is not None and not wanted:
                raise NotFound(f"no topic {topic!r}")
            if not wanted:
                raise InvalidInput("the learned order needs a topic: create one with `aggregator topics add`")
            end = None if limit is None else offset + limit
            if len(wanted) == 1:
                ranked = wanted[0].model.rank(candidates, order=order, limit=end)
                return [Placed(r.item_id, wanted[0].slug, r.likelihood) for r in ranked[offset:end]]
            if order != "likely":
                raise InvalidInput("least certain first is a topic's order: choose a topic")
            pairs = rank_over_topics([h.model for h in wanted], candidates, limit=end)
            return [Placed(r.item_id, wanted[k].slug, r.likelihood) for r, k in pairs[offset:end]]

    def why(self, placed: Sequence[tuple[Placed, Document]]) -> list[WhyView]:
        """Return the terms that raised and lowered each item placed by ``order`` (no resync)."""
        found: dict[int, WhyView] = {}
        with self._lock:
            by_topic: dict[str, list[tuple[Placed, Document]]] = {}
            for spot, document in placed:
                if spot.item_id in self._corpus:
                    by_topic.setdefault(spot.topic, []).append((spot, document))
            for held in self._held.values():
                wanted = by_topic.get(held.slug, [])
                pairs = [(spot.item_id, document) for spot, document in wanted]
                for (spot, _), explained in zip(
                    wanted, held.model.explain_many(pairs, WHY_TERMS), strict=True
                ):
                    raised = tuple(term for term, _ in explained.raised)
                    lowered = tuple(term for term, _ in explained.lowered)
                    found[spot.item_id] = WhyView(spot.topic, spot.likelihood, raised, lowered)
        return [found.get(spot.item_id, WhyView(spot.topic, spot.likelihood, (), ())) for spot, _ in placed]

    def report(self, topic: str, queue: Sequence[int]) -> Report:
        """Return where a topic's model stands: decisions so far, estimated recall of ``queue``, etc."""
        with self._lock:
            held = next((h for h in self._sync() if h.slug == topic), None)
            if held is None:
                raise NotFound(f"no topic {topic!r}")
            return held.model.report(queue)

    # -- keeping in step with the store ------------------------------------------------------------

    def _sync(self) -> list[_Held]:
        # Everything read in one session; the training after it holds no transaction.
        with self._db.read() as session:
            self._sync_corpus(session)
            by_topic = stored.decisions(session)
            rows = stored.topics(session)
            rules = {row.id: stored.rule_scores(session, row.id) for row in rows}
        held: list[_Held] = []
        live = set()
        for row in rows:
            live.add(row.id)
            held.append(self._sync_topic(row, by_topic.get(row.id, []), rules[row.id]))
        for gone in set(self._held) - live:
            del self._held[gone]
        return held

    def _sync_corpus(self, session: Session) -> None:
        # Items changed since the last look (updated_at moves on every change), read again; a count
        # that still disagrees (items deleted with their source) sends for the whole list of ids.
        count, latest = stored.census(session)
        if self._seen_until is None:
            changed = dict.fromkeys(stored.queueable(session), True)
        else:
            changed = stored.changed_since(session, self._seen_until - CLOCK_MARGIN)
        self._seen_until = latest
        gone = [i for i, queueable in changed.items() if not queueable and i in self._corpus]
        self._drop(gone)
        self._take(session, [i for i, queueable in changed.items() if queueable])
        if count != len(self._corpus):
            now = stored.queueable(session)
            self._drop([i for i in self._corpus.ids if i not in now])
            self._take(session, [i for i in now if i not in self._corpus])

    def _drop(self, item_ids: list[int]) -> None:
        self._corpus.remove(item_ids)
        for item_id in item_ids:
            self._digests.pop(item_id, None)

    def _take(self, session: Session, item_ids: list[int]) -> None:
        fresh: list[tuple[int, Document]] = []
        for item_id, document in stored.documents(session, item_ids):
            # A review changes an item's row, rarely its text: only a changed text moves the corpus.
            digest = hashlib.blake2b(document.joined().encode(), digest_size=16).digest()
            if self._digests.get(item_id) != digest:
                self._digests[item_id] = digest
                fresh.append((item_id, document))
        self._corpus.add(fresh)

    def _sync_topic(
        self, row: stored.StoredTopic, decisions: list[Decision], rules: dict[int, float]
    ) -> _Held:
        held = self._held.get(row.id)
        if held is None or held.decisions != decisions[: len(held.decisions)]:
            model = TopicModel.rebuild(self._corpus, row.topic, decisions, rules, self._settings)
            held = _Held(row.slug, model, row.topic, rules, list(decisions), self._corpus.version)
            self._held[row.id] = held
            return held
        held.slug = row.slug
        if held.topic != row.topic or held.rules != rules or held.corpus_version != self._corpus.version:
            # Before the new decisions: their likelihoods are fitted on what is stored now, as a rebuild's.
            held.model.set_rules(row.topic, rules)
            held.topic, held.rules, held.corpus_version = row.topic, rules, self._corpus.version
        if len(decisions) > len(held.decisions):
            held.model.record(decisions[len(held.decisions) :])
            held.decisions = list(decisions)
        return held
