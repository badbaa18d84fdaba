"""The SQLite store: atomic per-document writes, incremental builds, SIGKILL recovery."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.engine import build_graph, ingest
from kg.graph import KnowledgeGraph
from kg.read.documents import iter_documents
from kg.models import Document
from kg.graph.store import Store, content_hash
from stubs import stub_extract

TESTS = Path(__file__).parent
STUB = "stubs:stub_extract"  # tests/stubs.py; tests/ is on sys.path (its conftest.py)
def write_corpus(folder: Path, n: int, offset: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    names = ["Acme", "Initech", "Globex", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell"]
    paths = []
    for i in range(offset, offset + n):
        a, b, c = names[i % 8], names[(i * 3 + 1) % 8], names[(i + 5) % 8]
        verb = ["partners with", "is exclusive with", "no longer partners with"][i % 3]
        text = f"Published: 2024-{1 + i % 12:02d}-{1 + i % 27:02d}\n{a} {verb} {b}. {c} partners with {a}.\n"
        path = folder / f"doc{i:04d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_add_is_idempotent_and_round_trips(tmp_path):
    doc = Document(id="d1", text="Acme partners with Initech.")
    [result] = stub_extract([doc])
    with Store(tmp_path / "kg.db") as store:
        assert store.add(doc, result) is True
        assert store.add(doc, result) is False
        assert store.has(content_hash(doc))
        assert list(store.results()) == [result]
        assert store.counts() == {"documents": 1, "entities": 2, "mentions": 2, "relations": 1, "evidence": 1}


def test_store_survives_reopen(tmp_path):
    doc = Document(id="d1", text="Acme is exclusive with Hooli.")
    with Store(tmp_path / "kg.db") as store:
        store.add(doc, stub_extract([doc])[0])
    with Store(tmp_path / "kg.db") as store:
        assert store.has(content_hash(doc))
        assert store.graph().relations()[0].type == "exclusive-with"


def test_not_a_store_is_a_clear_error(tmp_path):
    from kg.errors import StoreError

    bad = tmp_path / "kg.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="kg.db"):
        Store(bad)


def test_incremental_build_processes_only_new_documents(tmp_path):
    first = write_corpus(tmp_path / "data", 10)
    db = tmp_path / "kg.db"
    with Store(db) as store:
        assert ingest(store, iter_documents(first), extractor=STUB) == (10, 0)
    more = write_corpus(tmp_path / "data", 5, offset=10)
    seen: list[str] = []
    with Store(db) as store:
        added, skipped = ingest(store, iter_documents(tmp_path / "data"), extractor=STUB,
                                on_result=lambda d, r: seen.append(d.id))
        assert (added, skipped) == (5, 10)
        assert seen == [p.stem for p in more]
        incremental = store.graph()
    at_once = KnowledgeGraph.from_results(stub_extract(list(iter_documents(tmp_path / "data"))))
    assert incremental == at_once
    assert len(at_once.relations()) > 0


def test_store_order_matches_file_order_whatever_the_run_order(tmp_path):
    paths = write_corpus(tmp_path / "data", 12)
    with Store(tmp_path / "kg.db") as store:
        for part in (paths[6:], paths[:3], paths[3:6]):  # three runs, out of order
            ingest(store, iter_documents(part), extractor=STUB)
        assert [r.doc_id for r in store.results()] == [p.stem for p in paths]


def test_build_graph_with_store_equals_build_without(tmp_path):
    write_corpus(tmp_path / "data", 9)
    docs = lambda: iter_documents(tmp_path / "data")  # noqa: E731
    with_store = build_graph(docs(), store=tmp_path / "kg.db", extractor=STUB)
    again = build_graph(docs(), store=tmp_path / "kg.db", extractor=STUB)  # everything skipped
    assert with_store == again == build_graph(docs(), extractor=STUB)
    assert Store(tmp_path / "kg.db").counts()["documents"] == 9


def _kill_midway(cmd: list[str], db: Path, env: dict, at_least: int) -> None:
    """Start ``cmd``, wait until the store holds ``at_least`` documents, then SIGKILL it."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"build finished before it could be killed: {proc.stderr.read().decode()[-2000:]}")
            if _stored(db) >= at_least:
                break
            time.sleep(0.02)
        else:
            pytest.fail("build stored nothing within 120 s")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def _assert_consistent(db: Path) -> None:
    """Every stored document has exactly the rows its stored result implies; nothing dangles."""
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store(db) as store:
        results = list(store.results())
        expected = {
            "documents": len(results),
            "entities": sum(len(r.entities) for r in results),
            "mentions": sum(len(e.mentions) for r in results for e in r.entities),
            "relations": sum(len(r.relations) for r in results),
            "evidence": sum(len(x.evidence) for r in results for x in r.relations),
        }
        assert store.counts() == expected


_SCRIPT = """
import sys
from kg.engine import build_graph
from kg.read.documents import iter_documents
build_graph(iter_documents(sys.argv[2]), store=sys.argv[1], extractor=sys.argv[3], chunk_size=1)
"""


def test_sigkill_midway_leaves_store_consistent_and_rerun_completes(tmp_path):
    write_corpus(tmp_path / "data", 60)
    db = tmp_path / "kg.db"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS.parent), os.environ.get("PYTHONPATH", "")]),
           "KG_STUB_DELAY": "0.05"}
    _kill_midway([sys.executable, "-c", _SCRIPT, str(db), str(tmp_path / "data"), STUB], db, env, at_least=5)
    stored = _stored(db)
    assert 5 <= stored < 60
    _assert_consistent(db)

    seen: list[str] = []
    with Store(db) as store:
        added, skipped = ingest(store, iter_documents(tmp_path / "data"), extractor=STUB,
                                on_result=lambda d, r: seen.append(d.id))
        assert (added, skipped) == (60 - stored, stored)
        assert len(seen) == 60 - stored
        resumed = store.graph()
    _assert_consistent(db)
    fresh = build_graph(iter_documents(tmp_path / "data"), store=tmp_path / "fresh.db", extractor=STUB)
    assert Store(db).counts() == Store(tmp_path / "fresh.db").counts()  # no duplicate evidence
    assert resumed == fresh


_REAL_SCRIPT = """
import sys
from kg.engine import build_graph
from kg.read.documents import iter_documents
build_graph(iter_documents(sys.argv[2]), store=sys.argv[1], chunk_size=1)
"""


@pytest.mark.slow
def test_sigkill_real_pipeline_then_rerun_equals_one_build(tmp_path):
    import kg

    articles = sorted((TESTS.parents[1] / "data" / "articles").glob("*.txt"))
    db = tmp_path / "kg.db"
    _kill_midway([sys.executable, "-c", _REAL_SCRIPT, str(db), str(TESTS.parents[1] / "data" / "articles")], db,
                 dict(os.environ), at_least=2)
    stored = _stored(db)
    assert 2 <= stored < len(articles)
    _assert_consistent(db)
    resumed = build_graph(iter_documents(articles), store=db)
    _assert_consistent(db)
    assert Store(db).counts()["documents"] == len(articles)
    assert resumed == kg.build(articles)


@pytest.mark.slow
def test_cli_build_with_store_then_add_equals_build_of_all(tmp_path):
    from typer.testing import CliRunner

    import kg
    from kg.cli import app

    articles = sorted((TESTS.parents[1] / "data" / "articles").glob("*.txt"))
    first, rest = articles[:5], articles[5:]
    runner = CliRunner()
    db = tmp_path / "kg.db"
    res = runner.invoke(app, ["build", *map(str, first), "--store", str(db), "-o", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["add", *map(str, articles), "--store", str(db), "-o", str(tmp_path / "b")])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert f"added {len(rest)} document(s)" in said and f"{len(first)} already there" in said
    assert kg.load(tmp_path / "b" / "graph.graphml") == kg.build(articles)
    assert kg.load(tmp_path / "a" / "graph.graphml") == kg.build(first)
