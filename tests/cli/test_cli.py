"""The kg command line, through Typer's CliRunner."""

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()

ARTICLE = ("Published: 2026-03-02\n\nHooli ends exclusive deal with Vandelay\n\n"
           "Hooli said on Monday it would end Vandelay Industries' exclusive right to sell its phones in Europe. "
           "Hooli also signed a partnership with Initech Corp. (NYSE: INTC) to build chips.\n")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = tmp_path_factory.mktemp("articles")
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["build", str(src), "-o", str(out)])
    return result, out


def test_build_writes_three_outputs_and_a_summary(built):
    result, out = built
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"graph.html", "graph.graphml", "graph.json"}
    assert "exclusive-with (ended)" in result.output
    G = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    types = sorted((d["type"], d["status"]) for _, _, d in G.edges(data=True))
    assert types == [("exclusive-with", "ended"), ("partners-with", "active"), ("partners-with", "ended")]


def test_query_filters_by_entity_alias_and_type(built):
    _, out = built
    result = runner.invoke(app, ["query", str(out / "graph.graphml"), "--involving", "INTC", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [r["type"] for r in rows] == ["partners-with"]
    assert rows[0]["evidence"][0]["published"] == "2026-03-02"
    result = runner.invoke(app, ["query", str(out / "graph.graphml"), "--type", "exclusive-with", "--status", "ended"])
    assert "Vandelay" in result.output and "1 edge" in result.output


def test_extract_writes_one_line_per_passage(tmp_path):
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"id": "x1", "text": "Hooli signed a partnership with Vandelay Industries."}) + "\n"
                   + json.dumps({"id": "x2", "text": "Nothing to see here."}) + "\n")
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["x1", "x2"]
    assert rows[0]["relations"][0]["type"] == "partners-with"
    assert set(rows[0]["relations"][0]) == {"type", "source", "target", "status", "attrs", "confidence", "evidence"}
    assert rows[1]["relations"] == []


def test_eval_json_errors_and_curve(tmp_path):
    row = {"id": "g1", "text": "Hooli signed a partnership with Vandelay Industries. Globex sued Initech.",
           "entities": [{"name": "Hooli", "aliases": []}, {"name": "Vandelay Industries", "aliases": []},
                        {"name": "Globex", "aliases": []}, {"name": "Initech", "aliases": []}],
           "relations": [{"type": "partners-with", "source": "Hooli", "target": "Vandelay Industries", "status": "active"},
                         {"type": "exclusive-with", "source": "Globex", "target": "Initech", "status": "active"}]}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(row) + "\n")
    result = runner.invoke(app, ["eval", str(gold), "--json", "--errors", "--curve"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["scores"]["partners-with"]["f1"] == 1.0
    assert data["scores"]["exclusive-with"]["fn"] == 1
    assert [e["kind"] for e in data["errors"]] == ["fn"]
    assert data["curve"][0]["threshold"] == 0.0
    text = runner.invoke(app, ["eval", str(gold), "--errors", "--by-type"]).output
    assert "FALSE NEGATIVE" in text and "exclusive-with" in text


def test_bad_gold_file_is_one_line_error(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("{not json\n")
    result = runner.invoke(app, ["eval", str(gold)])
    assert result.exit_code == 1
    assert f"{gold}:1" in result.output and "Traceback" not in result.output


def test_missing_graph_file_is_one_line_error(tmp_path):
    result = runner.invoke(app, ["query", str(tmp_path / "nope.graphml")])
    assert result.exit_code != 0 and "Traceback" not in result.output


# --------------------------------------------------------------------------- query output, changes, output paths

import csv  # noqa: E402
import datetime as dt  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

from rich.cells import cell_len  # noqa: E402

from kg.graph import KnowledgeGraph  # noqa: E402
from kg.models import DocResult, Evidence, Relation  # noqa: E402


def _ev(doc, status, day, sentence):
    return Evidence(doc_id=doc, sentence=sentence, start=0, end=len(sentence), published=day, status=status,
                    confidence=0.8)


def deal_graph() -> KnowledgeGraph:
    """Long names, a wide-character name, an escape sequence in a sentence; one exclusivity that ends."""
    d1, d2 = dt.date(2025, 5, 1), dt.date(2026, 4, 2)
    long_doc = "2025-05-01-a-very-long-document-name-from-a-news-site-archive"
    return KnowledgeGraph.from_results([
        DocResult(doc_id=long_doc, published=d1, relations=[
            Relation(type="exclusive-with", source="Hooli Consolidated Holdings International", target="Vandelay Industries",
                     evidence=[_ev(long_doc, "active", d1, "Hooli signed an exclusive deal with Vandelay Industries.")]),
            Relation(type="revenue-share-capped", source="Initech", target="株式会社グロービックス", attrs={"percent": "20%", "amount": "$5 million", "until": "2030"},
                     evidence=[_ev(long_doc, "active", d1, "Initech pays \x1b[2J20% of revenue to Globex, capped at $5 million.")]),
        ]),
        DocResult(doc_id="later", published=d2, relations=[
            Relation(type="exclusive-with", source="Vandelay Industries", target="Hooli Consolidated Holdings International", status="ended",
                     evidence=[_ev("later", "ended", d2, "Hooli ended its exclusive deal with Vandelay Industries.")]),
            Relation(type="partners-with", source="Stark Widgets", target="Initech",
                     evidence=[_ev("later", "active", d2, "Stark Widgets and Initech signed a partnership.")]),
        ]),
    ])


@pytest.fixture(scope="module")
def deal_graphml(tmp_path_factory):
    path = tmp_path_factory.mktemp("g") / "graph.graphml"
    deal_graph().to_graphml(path)
    return path


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_query_prints_one_line_per_edge_within_the_terminal_width(deal_graphml, columns):
    result = runner.invoke(app, ["query", str(deal_graphml)], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 + 3 + 1 and lines[-1] == "3 edge(s)"  # header, one line per edge, count
    assert max(cell_len(line) for line in lines) <= columns
    assert "\x1b" not in result.output
    body = "\n".join(lines[1:-1])
    assert body.count("ended") == 1 and body.count("active") == 2
    if columns >= 200:  # nothing needs cutting: full names, attributes, first evidence as doc · date
        assert "Hooli Consolidated Holdings International ↔ Vandelay Industries" in body
        assert "Initech → 株式会社グロービックス" in body and "20% cap $5 million until 2030" in body
        assert "later · 2026-04-02" in body


def test_query_evidence_prints_every_sentence_under_its_edge(deal_graphml):
    result = runner.invoke(app, ["query", str(deal_graphml), "--evidence", "--type", "exclusive-with"],
                           env={"COLUMNS": "80"})
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    text = " ".join(line.strip() for line in lines[2:])
    assert "Hooli signed an exclusive deal with Vandelay Industries." in text
    assert "later · 2026-04-02 · ended: Hooli ended its exclusive deal with Vandelay Industries." in text
    assert lines[1].startswith("exclusive") and all(line.startswith("    ") for line in lines[2:-1])


def test_query_formats_for_scripts(deal_graphml):
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["query", str(deal_graphml), "--format", "csv"]).output)))
    assert [(r["type"], r["status"]) for r in rows] == [
        ("exclusive-with", "ended"), ("partners-with", "active"), ("revenue-share-capped", "active")]
    rs = rows[2]
    assert (rs["source"], rs["target"], rs["percent"], rs["amount"], rs["until"]) == (
        "Initech", "株式会社グロービックス", "20%", "$5 million", "2030")
    assert rows[0]["evidence_count"] == "2" and rows[0]["first_date"] == "2025-05-01"
    jsonl = runner.invoke(app, ["query", str(deal_graphml), "--format", "jsonl"]).output
    assert runner.invoke(app, ["query", str(deal_graphml), "--json"]).output == jsonl
    whole = json.loads(runner.invoke(app, ["query", str(deal_graphml), "--format", "json"]).output)
    assert whole == [json.loads(line) for line in jsonl.splitlines()] and len(whole) == 3
    bad = runner.invoke(app, ["query", str(deal_graphml), "--format", "xml"])
    assert bad.exit_code == 1 and "--format 'xml'" in bad.output


def test_changes_json_lists_the_ended_exclusivity_on_its_date(deal_graphml):
    result = runner.invoke(app, ["changes", str(deal_graphml), "--since", "2026-01-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    got = [(c["date"], c["type"], c["from_status"], c["to_status"]) for c in data["changes"]]
    assert got == [("2026-04-02", "exclusive-with", "active", "ended"), ("2026-04-02", "partners-with", None, "active")]
    assert data["changes"][0]["evidence"][0]["sentence"] == "Hooli ended its exclusive deal with Vandelay Industries."
    assert data["undated"] == []
    until = json.loads(runner.invoke(app, ["changes", str(deal_graphml), "--since", "2025-01-01",
                                           "--until", "2025-12-31", "--json"]).output)
    assert [c["from_status"] for c in until["changes"]] == [None, None]


def test_changes_text_fits_the_terminal(deal_graphml):
    result = runner.invoke(app, ["changes", str(deal_graphml), "--since", "2026-01-01"], env={"COLUMNS": "80"})
    lines = result.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    assert len(lines) == 4 and lines[-1] == "2 change(s) since 2026-01-01"
    assert "active → ended" in lines[1] and "new → active" in lines[2]
    bad = runner.invoke(app, ["changes", str(deal_graphml), "--since", "last week"])
    assert bad.exit_code == 1 and "since: 'last week' is not a date" in bad.output


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a command gets as far as reading or extracting documents."""
    import kg.api

    def boom(*_a, **_k):
        raise AssertionError("documents were read before the output path was checked")

    monkeypatch.setattr(kg.api, "build", boom)
    monkeypatch.setattr(kg.api, "add", boom)
    monkeypatch.setattr(kg.api, "extract", boom)
    monkeypatch.setattr("kg.cli.extraction._count_inputs", boom)


def _one_line_error(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    for word in words:
        assert word in lines[0]


def test_output_under_a_file_fails_at_once(tmp_path, no_work):
    (tmp_path / "a.txt").write_text(ARTICLE)
    some_file = tmp_path / "some-file"
    some_file.write_text("not a folder")
    t0 = time.perf_counter()
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(some_file / "sub")], env={"COLUMNS": "500"})
    assert time.perf_counter() - t0 < 1.0
    _one_line_error(result, str(some_file), "is a file, not a folder", "-o")
    assert some_file.read_text() == "not a folder"


@pytest.mark.parametrize("case", ["out-is-file", "output-is-folder", "store-under-file", "extract-under-file", "add-out-is-file"])
def test_bad_output_paths_fail_before_any_work(tmp_path, no_work, case):
    (tmp_path / "a.txt").write_text(ARTICLE)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    src = str(tmp_path / "a.txt")
    if case == "out-is-file":
        args, named = ["build", src, "-o", str(blocker)], str(blocker)
    elif case == "output-is-folder":
        (tmp_path / "out" / "graph.json").mkdir(parents=True)
        args, named = ["build", src, "-o", str(tmp_path / "out")], str(tmp_path / "out" / "graph.json")
    elif case == "store-under-file":
        args, named = ["build", src, "-o", str(tmp_path / "o"), "--store", str(blocker / "kg.db")], "--store"
    elif case == "extract-under-file":
        args, named = ["extract", src, "-o", str(blocker / "p.jsonl")], str(blocker)
    else:
        args, named = ["add", src, "--store", str(tmp_path / "kg.db"), "-o", str(blocker)], str(blocker)
    _one_line_error(runner.invoke(app, args, env={"COLUMNS": "500"}), named)
    assert not (tmp_path / "o").exists() and not (tmp_path / "kg.db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_unwritable_output_folder_fails_before_any_work(tmp_path, no_work):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        (tmp_path / "a.txt").write_text(ARTICLE)
        result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(locked / "out")], env={"COLUMNS": "500"})
        _one_line_error(result, str(locked), "cannot write in")
    finally:
        locked.chmod(0o700)


def test_unwritable_output_folder_is_detected(tmp_path, monkeypatch, no_work):
    """The same check as above, on any user: os.access says the folder is read-only."""
    dest = tmp_path / "dest"
    dest.mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) == str(dest) else real(p, mode, **kw))
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(dest / "out")], env={"COLUMNS": "500"})
    _one_line_error(result, f"cannot write in {dest}", "choose another -o")


def test_os_error_while_writing_is_one_line(tmp_path, monkeypatch):
    import kg.api

    (tmp_path / "a.txt").write_text(ARTICLE)
    monkeypatch.setattr(kg.api, "build", lambda docs, **_: (list(docs), deal_graph())[1])
    full = tmp_path / "out" / "graph.html"

    def disk_full(self, path, **_):
        raise OSError(errno.ENOSPC, "No space left on device", str(full))

    monkeypatch.setattr(KnowledgeGraph, "to_html", disk_full)
    result = runner.invoke(app, ["build", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")], env={"COLUMNS": "500"})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: cannot write {full} (No space left on device)" in result.output
