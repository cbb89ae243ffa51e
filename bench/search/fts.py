"""The SQLite FTS5 baseline: same products, same queries, same facet counts and page of hits."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FACET_COLUMNS = {
    "type": "SELECT d.product_type, count(*) FROM m JOIN docs d ON d.id = m.id GROUP BY 1",
    "language": "SELECT d.language, count(*) FROM m JOIN docs d ON d.id = m.id GROUP BY 1",
    "org_kind": "SELECT d.org_kind, count(*) FROM m JOIN docs d ON d.id = m.id GROUP BY 1",
    "year": "SELECT d.year, count(*) FROM m JOIN docs d ON d.id = m.id GROUP BY 1",
    "sdg": "SELECT s.sdg, count(*) FROM m JOIN doc_sdg s ON s.doc_id = m.id GROUP BY 1",
    "country": "SELECT c.country, count(*) FROM m JOIN doc_country c ON c.doc_id = m.id GROUP BY 1",
}
_FILTER_SQL = {
    "type": "{key} IN (SELECT id FROM docs WHERE product_type IN ({marks}))",
    "language": "{key} IN (SELECT id FROM docs WHERE language IN ({marks}))",
    "org_kind": "{key} IN (SELECT id FROM docs WHERE org_kind IN ({marks}))",
    "year": "{key} IN (SELECT id FROM docs WHERE year IN ({marks}))",
    "sdg": "{key} IN (SELECT doc_id FROM doc_sdg WHERE sdg IN ({marks}))",
    "country": "{key} IN (SELECT doc_id FROM doc_country WHERE country IN ({marks}))",
}
_WORD = re.compile(r"\w+")
#: Column weights for bm25(): the same title > abstract > file text weighting as the engine.
BM25 = "bm25(fts, 3.0, 2.0, 1.0)"


def fts_match(text: str) -> str | None:
    """An FTS5 MATCH expression for a user query: quoted tokens (AND), phrases, ``prefix*``."""
    parts: list[str] = []
    for phrase, chunk in re.findall(r'"([^"]*)"|(\S+)', text):
        if phrase:
            words = _WORD.findall(phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        for word in _WORD.findall(chunk):
            star = "*" if chunk.endswith("*") and len(word) >= 3 else ""
            parts.append(f'"{word}"{star}')
    return " ".join(parts) if parts else None


class FtsIndex:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)

    def build(self, products: Iterable[Mapping[str, Any]]) -> int:
        db = self.db
        db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE VIRTUAL TABLE fts USING fts5(
                title, abstract, body, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, product_type TEXT,
                language TEXT, org_kind TEXT, year INTEGER, date TEXT);
            CREATE TABLE doc_sdg (doc_id INTEGER, sdg INTEGER);
            CREATE TABLE doc_country (doc_id INTEGER, country TEXT);
            """
        )
        count = 0
        with db:
            for doc in products:
                product_id = doc["id"]
                db.execute(
                    "INSERT INTO fts (rowid, title, abstract, body) VALUES (?, ?, ?, ?)",
                    (product_id, doc["title"], doc["abstract"], doc["file_text"] or ""),
                )
                date = doc["publication_date"]
                db.execute(
                    "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        product_id,
                        doc["title"],
                        doc["product_type"],
                        doc["language"],
                        doc["org_kind"],
                        date.year,
                        date.isoformat(),
                    ),
                )
                db.executemany(
                    "INSERT INTO doc_sdg VALUES (?, ?)", [(product_id, s) for s in doc["sdgs"]]
                )
                db.executemany(
                    "INSERT INTO doc_country VALUES (?, ?)",
                    [(product_id, c) for c in doc["countries"]],
                )
                count += 1
        db.executescript(
            """
            CREATE INDEX docs_date ON docs (date);
            CREATE INDEX doc_sdg_sdg ON doc_sdg (sdg, doc_id);
            CREATE INDEX doc_sdg_doc ON doc_sdg (doc_id);
            CREATE INDEX doc_country_country ON doc_country (country, doc_id);
            CREATE INDEX doc_country_doc ON doc_country (doc_id);
            INSERT INTO fts (fts) VALUES ('optimize');
            """
        )
        db.commit()
        return count

    def search(
        self,
        text: str,
        filters: Mapping[str, Sequence[Any]] | None = None,
        *,
        sort: str = "relevance",
        limit: int = 10,
    ) -> tuple[int, list[int], dict[str, dict[str, int]]]:
        """Total, the ids of the first page, and facet counts over all filtered matches."""
        match = fts_match(text)
        parameters: list[Any] = []
        for values in (filters or {}).values():
            parameters.extend(values)

        def where(key: str) -> str:
            conditions = [
                _FILTER_SQL[facet].format(key=key, marks=", ".join("?" * len(values)))
                for facet, values in (filters or {}).items()
            ]
            return " AND ".join(conditions) or "1"

        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.m")
        db.execute("CREATE TEMP TABLE m (id INTEGER PRIMARY KEY)")
        try:
            if match is None:
                db.execute(f"INSERT INTO m SELECT id FROM docs WHERE {where('id')}", parameters)
            else:
                db.execute(
                    f"INSERT INTO m SELECT rowid FROM fts WHERE fts MATCH ? AND {where('+rowid')}",
                    [match, *parameters],
                )
        except sqlite3.OperationalError:
            return 0, [], {}
        total = db.execute("SELECT count(*) FROM m").fetchone()[0]
        facets = {
            facet: {str(code): n for code, n in db.execute(sql)}
            for facet, sql in FACET_COLUMNS.items()
        }
        if match is None or sort == "date":
            rows = db.execute(
                "SELECT d.id, d.title FROM m JOIN docs d ON d.id = m.id "
                "ORDER BY d.date DESC, d.id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        else:
            # Rank first, then make snippets for the page only (snippet() is costly); the unary
            # + keeps SQLite from driving the full-text query by rowid lookups, 300x slower.
            rows = db.execute(
                f"WITH top AS (SELECT rowid AS id, {BM25} AS score FROM fts "
                "WHERE fts MATCH ? AND +rowid IN m ORDER BY score LIMIT ?) "
                "SELECT fts.rowid, snippet(fts, -1, '<mark>', '</mark>', '…', 24) "
                "FROM top JOIN fts ON fts.rowid = top.id WHERE fts MATCH ? ORDER BY top.score",
                (match, limit, match),
            ).fetchall()
        return total, [row[0] for row in rows], facets

    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.db.close()
