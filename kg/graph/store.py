"""A persistent SQLite store of extraction results, keyed by document content hash.

Each document is written in one transaction (its row, entities, mentions,
relations, evidence and the DocResult JSON), so a build killed at any moment
leaves only whole documents behind; rerunning skips them by content hash.

>>> from kg.models import Document, DocResult
>>> store = Store(":memory:")
>>> doc = Document(id="a", text="Acme partners with Initech.")
>>> store.has(content_hash(doc))
False
>>> store.add(doc, DocResult(doc_id="a"))
True
>>> store.has(content_hash(doc)), len(store)
(True, 1)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from kg.errors import StoreError
from kg.models import Document, DocResult

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    pk INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    published TEXT,
    source TEXT,
    sort_key TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entities (
    pk INTEGER PRIMARY KEY,
    doc_pk INTEGER NOT NULL REFERENCES documents(pk),
    name TEXT NOT NULL,
    aliases TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mentions (
    entity_pk INTEGER NOT NULL REFERENCES entities(pk),
    doc_id TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS relations (
    pk INTEGER PRIMARY KEY,
    doc_pk INTEGER NOT NULL REFERENCES documents(pk),
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    attrs TEXT NOT NULL,
    confidence REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS evidence (
    relation_pk INTEGER NOT NULL REFERENCES relations(pk),
    doc_id TEXT NOT NULL,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    published TEXT,
    status TEXT NOT NULL,
    rule TEXT NOT NULL,
    confidence REAL NOT NULL,
    UNIQUE (relation_pk, doc_id, start, "end", rule)
);
CREATE INDEX IF NOT EXISTS documents_order ON documents(sort_key, pk);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name);
CREATE INDEX IF NOT EXISTS relations_pair ON relations(source, target, type);
"""


def content_hash(doc: Document) -> str:
    """SHA-256 of a document's id, date and text: the same article read twice hashes the same.

    >>> content_hash(Document(id="a", text="x")) == content_hash(Document(id="a", text="x"))
    True
    >>> content_hash(Document(id="a", text="x")) == content_hash(Document(id="b", text="x"))
    False
    """
    published = doc.published.isoformat() if doc.published else ""
    payload = "\0".join((doc.id, published, doc.text))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class Store:
    """Documents and their extraction results in one SQLite file (WAL, one transaction per document)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL never corrupts on a process crash; only power loss may drop the last commits.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable kg store ({exc}); remove it or pass another --store") from exc

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path}: store schema {row[0]}, this kg writes {SCHEMA_VERSION}; rebuild it")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def has(self, digest: str) -> bool:
        """True when a document with this content hash is already stored."""
        return self._db.execute("SELECT 1 FROM documents WHERE content_hash=?", (digest,)).fetchone() is not None

    def add(self, doc: Document, result: DocResult, digest: str | None = None) -> bool:
        """Store one document and its result atomically; False (and nothing written) if already there."""
        digest = digest or content_hash(doc)
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            cur = db.execute(
                "INSERT OR IGNORE INTO documents (content_hash, doc_id, published, source, sort_key, result) "
                "VALUES (?,?,?,?,?,?)",
                (digest, doc.id, _iso(doc.published), doc.source, _sort_key(doc.source), result.model_dump_json()),
            )
            if cur.rowcount == 0:
                db.execute("ROLLBACK")
                return False
            _insert_rows(db, cur.lastrowid, result)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return True

    def results(self) -> Iterator[DocResult]:
        """Every stored DocResult, in the order a build over all their files would read them.

        That is source path order (as ``kg.read`` walks folders), then the order they were added,
        so a store filled over several runs yields the same sequence as one build of all files.
        """
        rows = self._db.execute("SELECT result FROM documents ORDER BY sort_key, pk")
        for (payload,) in rows:
            yield DocResult.model_validate_json(payload)

    def graph(self) -> KnowledgeGraph:
        """The knowledge graph of everything in the store."""
        from kg.graph import KnowledgeGraph

        return KnowledgeGraph.from_results(self.results())

    def counts(self) -> dict[str, int]:
        """Row counts per table (documents, entities, mentions, relations, evidence)."""
        tables = ("documents", "entities", "mentions", "relations", "evidence")
        return {t: self._db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def _sort_key(source: str | None) -> str:
    """Path parts joined by NUL: compares like ``sorted(Path(...).rglob("*"))`` orders paths."""
    if not source or "://" in source:
        return ""
    return "\0".join(PurePath(source).parts)


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def _insert_rows(db: sqlite3.Connection, doc_pk: int, result: DocResult) -> None:
    for ent in result.entities:
        cur = db.execute(
            "INSERT INTO entities (doc_pk, name, aliases) VALUES (?,?,?)", (doc_pk, ent.name, json.dumps(ent.aliases))
        )
        db.executemany(
            'INSERT INTO mentions (entity_pk, doc_id, text, start, "end") VALUES (?,?,?,?,?)',
            [(cur.lastrowid, m.doc_id, m.text, m.start, m.end) for m in ent.mentions],
        )
    for rel in result.relations:
        cur = db.execute(
            "INSERT INTO relations (doc_pk, type, source, target, status, attrs, confidence) VALUES (?,?,?,?,?,?,?)",
            (doc_pk, rel.type, rel.source, rel.target, rel.status, json.dumps(rel.attrs, sort_keys=True), rel.confidence),
        )
        db.executemany(
            'INSERT OR IGNORE INTO evidence (relation_pk, doc_id, sentence, start, "end", published, status, rule, '
            "confidence) VALUES (?,?,?,?,?,?,?,?,?)",
            [
                (cur.lastrowid, e.doc_id, e.sentence, e.start, e.end, _iso(e.published), e.status, e.rule, e.confidence)
                for e in rel.evidence
            ],
        )
