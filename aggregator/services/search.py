"""Full-text search over items: SQLite FTS5 or PostgreSQL's text search, behind one query builder.

Both backends index title, summary, text and author, stem English words (SQLite's porter tokenizer,
PostgreSQL's ``english`` configuration) and treat a query as all of its words, so ``citizens
assemblies`` finds an item saying "citizens' assembly" on either. Punctuation in a query is never
syntax: a curator typing ``"`` or ``AND`` gets words, not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Float, Integer, Select, TextualSelect, case, func, literal, select, text
from sqlalchemy.engine import Connection

from aggregator.models import Item

# Names the migration creates outside the models, so schema comparisons can leave them out.
SQLITE_FTS_TABLE = "items_fts"
POSTGRES_INDEX = "ix_items_search"
SEARCH_OBJECT_NAMES = frozenset(
    {
        SQLITE_FTS_TABLE,
        *(f"{SQLITE_FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content")),
        POSTGRES_INDEX,
    }
)
_WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
    ]
)
# to_tsvector refuses documents whose vector passes 1 MB; the first 200,000 characters of an
# article are plenty to find it by.
_PG_DOCUMENT = (
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' "
    "|| left(coalesce(text, ''), 200000) || ' ' || coalesce(author, ''))"
)
_PG_QUERY = "plainto_tsquery('english'::regconfig, :search_query)"
# Column weights for bm25 (title, summary, text, author): a word in the title says more. bm25 is
# lower for better matches; negated so that higher means better on both backends.
_SQLITE_SEARCH = (
    "SELECT rowid AS item_id, -bm25(items_fts, 10.0, 4.0, 1.0, 2.0) AS rank "
    "FROM items_fts WHERE items_fts MATCH :search_query"
)
_PG_SEARCH = (
    "SELECT id AS item_id, ts_rank(" + _PG_DOCUMENT + ", " + _PG_QUERY + ") AS rank "
    "FROM items WHERE " + _PG_DOCUMENT + " @@ " + _PG_QUERY
)
_SQLITE_INSTALL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(title, summary, text, author, "
    "content='items', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    # A later migration that rebuilds ``items`` in batch mode drops these triggers with the old
    # table, so it must run install_sqlite_triggers again.
    "CREATE TRIGGER IF NOT EXISTS items_fts_ai AFTER INSERT ON items BEGIN "
    "INSERT INTO items_fts(rowid, title, summary, text, author) "
    "VALUES (new.id, new.title, new.summary, new.text, coalesce(new.author, '')); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_ad AFTER DELETE ON items BEGIN "
    "INSERT INTO items_fts(items_fts, rowid, title, summary, text, author) "
    "VALUES ('delete', old.id, old.title, old.summary, old.text, coalesce(old.author, '')); END",
    # Only the indexed columns: a review (status, reviewer) leaves the index alone.
    "CREATE TRIGGER IF NOT EXISTS items_fts_au AFTER UPDATE OF title, summary, text, author ON items "
    "BEGIN INSERT INTO items_fts(items_fts, rowid, title, summary, text, author) "
    "VALUES ('delete', old.id, old.title, old.summary, old.text, coalesce(old.author, '')); "
    "INSERT INTO items_fts(rowid, title, summary, text, author) "
    "VALUES (new.id, new.title, new.summary, new.text, coalesce(new.author, '')); END",
)


def install_sqlite_search(conn: Connection) -> None:
    """Create the FTS5 table over items, its triggers, and index the items already stored."""
    install_sqlite_triggers(conn)
    conn.exec_driver_sql("INSERT INTO items_fts(items_fts) VALUES ('rebuild')")


def install_sqlite_triggers(conn: Connection) -> None:
    """(Re)create the FTS table if missing and the triggers that keep it in step with items."""
    for statement in _SQLITE_INSTALL:
        conn.exec_driver_sql(statement)


def drop_sqlite_search(conn: Connection) -> None:
    """Drop the FTS5 table and its triggers."""
    for trigger in ("items_fts_ai", "items_fts_ad", "items_fts_au"):
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS " + trigger)
    conn.exec_driver_sql("DROP TABLE IF EXISTS items_fts")


def install_postgres_search_index(conn: Connection) -> None:
    """Create the GIN index the PostgreSQL search query uses."""
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_items_search ON items USING gin (" + _PG_DOCUMENT + ")"
    )


def drop_postgres_search_index(conn: Connection) -> None:
    """Drop the PostgreSQL search index."""
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_items_search")


def words(query: str) -> list[str]:
    """Return the words of a curator's query, punctuation, operators and stop words dropped.

    PostgreSQL's ``english`` configuration ignores stop words; SQLite's tokenizer does not, and a
    word in every item costs a ranked search its whole index. A query of stop words alone keeps them.
    """
    found = _WORD.findall(query)
    kept = [word for word in found if word.lower() not in STOP_WORDS]
    return kept or found


@dataclass(frozen=True, slots=True)
class SearchMatch:
    """A search as SQL: the matching item ids, each with a rank (higher is better)."""

    matches: TextualSelect
    # The query as the curator typed it, trimmed: a title holding it is what they are looking for.
    phrase: str = ""

    def in_title(self) -> ColumnElement[int]:
        """Return 2 for an item titled exactly as the query, 1 for a title holding it, else 0."""
        phrase = " ".join(self.phrase.lower().split())
        if not phrase:
            return literal(0)
        title = func.lower(Item.title)
        return case((title == phrase, 2), (title.contains(phrase, autoescape=True), 1), else_=0)

    def apply(self, query: Select[Item], *, by_rank: bool, cap: int | None = None) -> Select[Item]:
        """Return ``query`` limited to matching items, best match first when ``by_rank``.

        With ``cap``, only the ``cap`` best matches are considered, ranked on the index alone before
        any item row is read.
        """
        if not by_rank:
            # A membership test lets the planner walk the newest-first index and stop at a page,
            # instead of joining and sorting every match.
            ids = self.matches.subquery("search")
            return query.where(Item.id.in_(select(ids.c.item_id)))
        matches = self.matches
        if cap is not None:
            best = matches.subquery("ranked")
            capped = select(best.c.item_id, best.c.rank).order_by(best.c.rank.desc()).limit(cap)
            found = capped.subquery("search")
        else:
            found = matches.subquery("search")
        return query.join(found, found.c.item_id == Item.id).order_by(found.c.rank.desc())


def search_match(dialect: str, query: str) -> SearchMatch | None:
    """Return the match for ``query`` on ``dialect``, or None when the query has no words."""
    found = words(query)
    if not found:
        return None
    if dialect == "sqlite":
        # Each word quoted: FTS5 then reads it as a plain term, never as AND/OR/NEAR or a column.
        sql, bound = _SQLITE_SEARCH, " ".join('"' + word + '"' for word in found)
    elif dialect == "postgresql":
        sql, bound = _PG_SEARCH, " ".join(found)
    else:
        raise ValueError(f"no full-text search for {dialect}")
    matches = text(sql).bindparams(search_query=bound).columns(item_id=Integer, rank=Float)
    return SearchMatch(matches, query.strip())
