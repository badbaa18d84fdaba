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
