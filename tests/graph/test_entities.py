"""`kg entities GRAPH`: organizations with aliases, mention counts and merge records, for audit."""

import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import KnowledgeGraph
from kg.models import DocResult, Entity, Merge, Mention


@pytest.fixture()
def graph_file(tmp_path):
    m = [Mention(text="Keld Energy Solutions", doc_id="d1", start=0, end=21),
         Mention(text="KES", doc_id="d1", start=30, end=33)]
    g = KnowledgeGraph.from_results([
        DocResult(doc_id="d1", entities=[Entity(name="Keld Energy Solutions", aliases=["KES"], mentions=m,
                                                merges=[Merge(surface="KES", reason="definition", doc_id="d1")])]),
        DocResult(doc_id="d2", entities=[Entity(name="Keld Energy Solution")]),
        DocResult(doc_id="d3", entities=[Entity(name="Orbis <Cloud>")]),
    ])
    path = tmp_path / "g.json"
    g.to_json(path)
    return path


def test_entities_json_lists_aliases_mentions_and_merges(graph_file):
    res = CliRunner().invoke(app, ["entities", str(graph_file), "--merges", "--json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in map(json.loads, res.output.splitlines())}
    assert set(rows) == {"Keld Energy Solutions", "Orbis <Cloud>"}
    keld = rows["Keld Energy Solutions"]
    assert set(keld["aliases"]) == {"KES", "Keld Energy Solution"} and keld["mentions"] == 2
    reasons = {(m["surface"], m["reason"], m["doc_id"]) for m in keld["merges"]}
    assert {("KES", "definition", "d1"), ("Keld Energy Solution", "cross-document-fuzzy", "d2")} <= reasons


def test_entities_table_without_merges_hides_them(graph_file):
    res = CliRunner().invoke(app, ["entities", str(graph_file)], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    assert "Orbis <Cloud>" in res.output and "2 organization(s)" in res.output
    assert "cross-document-fuzzy" not in res.output
    with_merges = CliRunner().invoke(app, ["entities", str(graph_file), "--merges"], env={"COLUMNS": "200"})
    assert "cross-document-fuzzy" in with_merges.output


def test_entities_of_a_missing_graph_is_one_line_error(tmp_path):
    res = CliRunner().invoke(app, ["entities", str(tmp_path / "nope.json")])
    assert res.exit_code == 1
    assert "nope.json" in res.output and "Traceback" not in res.output
