"""Tests for kg.export: GraphML/JSON round-trips, GraphML hygiene, load errors, HTML self-containment."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from kg.errors import GraphFormatError, KGError
from kg.export import load, to_graphml, to_html, to_json
from kg.graph import KnowledgeGraph
from kg.models import DocResult, Entity, Evidence, Merge, Mention, Relation

D = dt.date
XSS = '<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1"> <a href="javascript:alert(1)">x</a>'


def ev(doc, status="active", published=None, sentence="Acme and Beta signed.", start=0):
    return Evidence(doc_id=doc, sentence=sentence, start=start, end=start + len(sentence), published=published,
                    status=status, rule="test", confidence=0.7)


def sample() -> KnowledgeGraph:
    return KnowledgeGraph.from_results([
        DocResult(doc_id="d1", published=D(2024, 1, 2), entities=[
            Entity(name="Acme Corp", aliases=["ACME"], mentions=[Mention(text="Acme", doc_id="d1", start=0, end=4)],
                   merges=[Merge(surface="Acme Corp.", reason="legal-suffix", doc_id="d1")]),
            Entity(name="Bêta Ünïcode"),
        ], relations=[
            Relation(type="partners-with", source="Acme Corp", target="Bêta Ünïcode", evidence=[ev("d1")]),
            Relation(type="exclusive-with", source="Acme Corp", target="Bêta Ünïcode", evidence=[ev("d1", start=30)]),
            Relation(type="revenue-share-capped", source="Bêta Ünïcode", target="Acme Corp",
                     attrs={"percent": "30%", "amount": "$5 million", "until": "2026"},
                     evidence=[ev("d1", start=60, sentence="Beta pays 30%\x0b capped at $5 million \u2028until 2026.")]),
        ]),
        DocResult(doc_id="d2", relations=[
            Relation(type="exclusive-with", source="Bêta Ünïcode", target="ACME", status="ended",
                     evidence=[ev("d2", "ended", None, sentence=XSS)]),
        ]),
    ])


@pytest.mark.parametrize("writer,name", [(to_graphml, "g.graphml"), (to_json, "g.json")])
def test_round_trip_is_equal(tmp_path, writer, name):
    g = sample()
    writer(g, tmp_path / name)
    back = load(tmp_path / name)
    assert back == g
    assert back.summary() == g.summary()
    assert back.relations(as_of="2024-06-01") == g.relations(as_of="2024-06-01")
    assert back.entity("acme") == g.entity("acme")
    dates = {e.published for r in back.relations() for e in r.evidence}
    assert dates == {D(2024, 1, 2), None}


def test_round_trip_detects_a_difference(tmp_path):
    to_graphml(sample(), tmp_path / "g.graphml")
    other = sample()
    other.add(DocResult(doc_id="d3", relations=[Relation(type="partners-with", source="X", target="Y")]))
    assert load(tmp_path / "g.graphml") != other


def test_graphml_keeps_every_parallel_edge_with_unique_ids(tmp_path):
    path = tmp_path / "g.graphml"
    to_graphml(sample(), path)
    H = nx.read_graphml(path, force_multigraph=True)
    assert H.number_of_edges() == 3 and H.number_of_nodes() == 2
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    ids = [e.get("id") for e in ET.parse(path).getroot().iter(f"{ns}edge")]
    assert len(ids) == len(set(ids)) == 3
    assert "exclusive-with:Acme Corp->Bêta Ünïcode" in ids


def test_graphml_has_only_scalar_values_and_gephi_attributes(tmp_path):
    path = tmp_path / "g.graphml"
    to_graphml(sample(), path)
    H = nx.read_graphml(path, force_multigraph=True)
    for _, data in H.nodes(data=True):
        assert {"label", "degree"} <= data.keys()
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())
    for _, _, data in H.edges(data=True):
        assert {"label", "weight", "status", "type", "confidence"} <= data.keys()
        assert all(isinstance(v, (str, int, float, bool)) for v in data.values())
    rs = next(d for *_, d in H.edges(data=True) if d["type"] == "revenue-share-capped")
    assert (rs["percent"], rs["amount"], rs["until"], rs["weight"]) == ("30%", "$5 million", "2026", 1)
    assert H.nodes["Acme Corp"]["degree"] == 3


def test_graphml_strips_xml_invalid_characters(tmp_path):
    g = KnowledgeGraph.from_results([DocResult(doc_id="d\x01", relations=[
        Relation(type="partners-with", source="Bad\x00Name", target="Other\x1f", evidence=[ev("d\x01")])])])
    path = tmp_path / "g.graphml"
    to_graphml(g, path)
    raw = path.read_text(encoding="utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)
    H = nx.read_graphml(path, force_multigraph=True)  # parses: no invalid XML
    assert sorted(H) == ["BadName", "Other"]


def test_json_is_node_link_with_iso_dates(tmp_path):
    to_json(sample(), tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert {"nodes", "links", "directed", "multigraph"} <= data.keys()
    assert len(data["links"]) == 3
    published = {e["published"] for link in data["links"] for e in link["evidence"]}
    assert published == {"2024-01-02", None}


def test_write_is_atomic_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "g.graphml"
    path.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(nx, "write_graphml", boom)
    with pytest.raises(RuntimeError):
        to_graphml(sample(), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("content", [
    "<graphml><broken", "{not json", '{"nodes": [], "links": [{"source": "a"}]}', "", "plain text",
    '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
    '<node id="a"/><node id="b"/><edge source="a" target="b"/></graph></graphml>',
])
def test_malformed_file_raises_one_line_graph_format_error(tmp_path, content):
    path = tmp_path / "bad.graphml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GraphFormatError) as info:
        load(path)
    assert isinstance(info.value, KGError)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_file_raises_graph_format_error(tmp_path):
    with pytest.raises(GraphFormatError, match="missing.graphml"):
        load(tmp_path / "missing.graphml")


# --------------------------------------------------------------------------- HTML (static checks)


def _html(tmp_path, g=None, **kw) -> str:
    to_html(g or sample(), tmp_path / "g.html", **kw)
    return (tmp_path / "g.html").read_text(encoding="utf-8")


def test_html_is_self_contained(tmp_path):
    html = _html(tmp_path)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    hrefs = re.findall(r"<link[^>]*\bhref\s*=\s*[\"']?([^\"' >]*)", html, re.I)
    assert hrefs and all(h.startswith("data:") for h in hrefs)
    assert not re.search(r"@import|url\(\s*[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?://", html, re.I)
    assert "vis.DataSet" in html or "new vis.Network" in html  # vis-network is inlined


def test_html_embeds_article_text_escaped(tmp_path):
    html = _html(tmp_path)
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "\u2028" not in html and "\u2029" not in html
    body = html.split("<script>window.__kgData", 1)[0]
    assert "javascript:alert" not in body
    assert "\\u003cscript\\u003ewindow.__pwned" in html  # the text survives, escaped inside JSON


def test_html_max_nodes_keeps_most_connected_and_says_so(tmp_path):
    results = [DocResult(doc_id=f"d{i}", relations=[Relation(type="partners-with", source="Hub", target=f"Org{i}")])
               for i in range(6)]
    results.append(DocResult(doc_id="x", relations=[Relation(type="partners-with", source="Org1", target="Org2")]))
    html = _html(tmp_path, KnowledgeGraph.from_results(results), max_nodes=3)
    data = json.loads(re.search(r"window.__kgData = (\{.*?\});\n", html).group(1))
    assert sorted(n["id"] for n in data["nodes"]) == ["Hub", "Org1", "Org2"]
    assert len(data["edges"]) == 3
    assert "3 most connected of 7 organizations" in html
