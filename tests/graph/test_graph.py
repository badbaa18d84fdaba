"""Tests for kg.graph: cross-document merging, alias-aware queries, status and as-of rules."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.errors import KGError
from kg.graph import KnowledgeGraph
from kg.graph.merge import add_result
from kg.graph.query import relations, resolve
from kg.models import DocResult, Entity, Evidence, Mention, Relation

D = dt.date


def ev(doc, status="active", published=None, start=0, conf=0.5, sentence="s"):
    return Evidence(doc_id=doc, sentence=sentence, start=start, end=start + 10, published=published,
                    status=status, confidence=conf)


def rel(type_, source, target, *evidence, **attrs):
    status = evidence[-1].status if evidence else "active"
    return Relation(type=type_, source=source, target=target, status=status, attrs=attrs, evidence=list(evidence))


def doc(doc_id, entities=(), relations=(), published=None):
    return DocResult(doc_id=doc_id, published=published, entities=[
        e if isinstance(e, Entity) else Entity(name=e) for e in entities], relations=list(relations))


def test_entities_merge_across_documents_by_key_and_record_the_merge():
    g = KnowledgeGraph.from_results([
        doc("d1", ["Acme Corp."], [rel("partners-with", "Acme Corp.", "Beta", ev("d1"))]),
        doc("d2", ["acme"], [rel("partners-with", "Beta", "acme", ev("d2"))]),
    ])
    assert sorted(g.nx) == ["Acme Corp.", "Beta"]
    (r,) = g.relations()
    assert (r.source, r.target, len(r.evidence)) == ("Acme Corp.", "Beta", 2)
    merges = g.nx.nodes["Acme Corp."]["merges"]
    assert {"surface": "acme", "reason": "cross-document-key", "doc_id": "d2"} in merges
    assert g.nx.nodes["Acme Corp."]["doc_ids"] == ["d1", "d2"]


def test_alias_of_one_matching_name_of_other_merges_and_bridges_two_nodes():
    g = KnowledgeGraph.from_results([
        doc("d1", ["Acme Cloud Services"], [rel("exclusive-with", "Acme Cloud Services", "Zed", ev("d1"))]),
        doc("d2", ["ACS Ltd"], [rel("partners-with", "ACS Ltd", "Zed", ev("d2"))]),
        # this entity's alias list links both spellings: the two nodes must become one
        doc("d3", [Entity(name="Acme Cloud Services", aliases=["ACS"])]),
    ])
    assert sorted(g.nx) == ["Acme Cloud Services", "Zed"]
    assert {r.type for r in g.relations(involving="ACS")} == {"exclusive-with", "partners-with"}
    assert "ACS Ltd" in g.entity("acs").aliases


def test_most_frequent_name_becomes_canonical():
    g = KnowledgeGraph.from_results([
        doc("d1", ["Globex Inc"], [rel("partners-with", "Globex Inc", "Beta", ev("d1"))]),
        doc("d2", ["Globex"]), doc("d3", ["Globex"]),
    ])
    assert "Globex" in g.nx and "Globex Inc" not in g.nx
    assert g.entity("Globex Inc").name == "Globex"
    assert g.entity("Globex").aliases == ["Globex Inc"]
    (r,) = g.relations()
    assert {r.source, r.target} == {"Beta", "Globex"}


def test_symmetric_edges_stored_once_sorted_directed_kept():
    g = KnowledgeGraph.from_results([doc("d", ["Zeta", "Alpha"], [
        rel("partners-with", "Zeta", "Alpha", ev("d")),
        rel("partners-with", "Alpha", "Zeta", ev("d", start=50)),
        rel("revenue-share-capped", "Zeta", "Alpha", ev("d"), percent="30%"),
    ])])
    assert sorted(g.nx.edges(keys=True)) == [("Alpha", "Zeta", "partners-with"), ("Zeta", "Alpha", "revenue-share-capped")]
    assert len(g.nx.edges["Alpha", "Zeta", "partners-with"]["evidence"]) == 2


def test_duplicate_evidence_is_counted_once():
    r = rel("partners-with", "A", "B", ev("d1", start=5))
    g = KnowledgeGraph.from_results([doc("d1", relations=[r]), doc("d1", relations=[r])])
    (out,) = g.relations()
    assert len(out.evidence) == 1
    assert out.confidence == pytest.approx(0.5)


def test_confidence_combines_evidence():
    g = KnowledgeGraph.from_results([doc("d1", relations=[rel("partners-with", "A", "B", ev("d1", conf=0.5))]),
                                     doc("d2", relations=[rel("partners-with", "A", "B", ev("d2", conf=0.8))])])
    assert g.relations()[0].confidence == pytest.approx(1 - 0.5 * 0.2)


@pytest.mark.parametrize(("evidence", "expected"), [
    ([ev("d1", "active", D(2024, 1, 1)), ev("d2", "ended", D(2025, 1, 1))], "ended"),
    ([ev("d2", "ended", D(2023, 1, 1)), ev("d1", "active", D(2024, 6, 1))], "active"),  # renewed later
    ([ev("d1", "ended", None), ev("d2", "planned", D(2020, 1, 1))], "planned"),  # undated is oldest
    ([ev("d1", "active", D(2024, 1, 1)), ev("d2", "ended", D(2024, 1, 1), start=40)], "ended"),  # tie
    ([ev("d1", "planned", D(2024, 1, 1)), ev("d2", "active", D(2024, 1, 1), start=40)], "active"),  # tie
])
def test_status_is_that_of_latest_dated_evidence(evidence, expected):
    g = KnowledgeGraph.from_results([doc(e.doc_id, relations=[rel("exclusive-with", "A", "B", e)]) for e in evidence])
    assert g.relations()[0].status == expected
    assert g.summary()["edges"] == {"exclusive-with": {expected: 1}}


def test_document_date_fills_undated_evidence():
    g = KnowledgeGraph.from_results([doc("d1", relations=[rel("partners-with", "A", "B", ev("d1"))],
                                         published=D(2024, 3, 1))])
    assert g.relations()[0].evidence[0].published == D(2024, 3, 1)


def test_latest_evidence_attrs_win_per_key():
    g = KnowledgeGraph.from_results([
        doc("d1", relations=[rel("revenue-share-capped", "A", "B", ev("d1", published=D(2024, 1, 1)),
                                 percent="30%", amount="$5m")]),
        doc("d0", relations=[rel("revenue-share-capped", "A", "B", ev("d0", published=D(2023, 1, 1)),
                                 percent="20%", until="2026")]),
    ])
    assert g.relations()[0].attrs == {"percent": "30%", "amount": "$5m", "until": "2026"}


def _history():
    return KnowledgeGraph.from_results([
        doc("d1", ["Acme Inc", "Beta"], [rel("exclusive-with", "Acme Inc", "Beta", ev("d1", "active", D(2023, 5, 1)))]),
        doc("d2", ["Acme", "Beta"], [rel("exclusive-with", "Beta", "Acme", ev("d2", "ended", D(2024, 5, 1)))]),
        doc("d3", ["Gamma", "Delta"], [rel("partners-with", "Gamma", "Delta", ev("d3", "active", D(2025, 1, 1)))]),
        doc("d4", ["Gamma", "Beta"], [rel("partners-with", "Gamma", "Beta", ev("d4", "planned", None))]),
    ])


def test_as_of_uses_only_evidence_dated_on_or_before_the_day():
    g = _history()
    assert [(r.type, r.status) for r in g.relations(as_of="2023-12-31")] == [("exclusive-with", "active")]
    assert [(r.type, r.status) for r in g.relations(as_of=D(2024, 5, 1))] == [("exclusive-with", "ended")]
    assert len(g.relations(as_of="2025-01-01")) == 2  # the undated planned edge is never included
    assert g.relations(as_of="2020-01-01") == []
    assert len(g.relations()) == 3


@pytest.mark.parametrize(("filters", "expected"), [
    ({"involving": "acme"}, [("exclusive-with", "Acme Inc", "Beta")]),
    ({"involving": "ACME INC."}, [("exclusive-with", "Acme Inc", "Beta")]),
    ({"involving": "Beta", "type": "partners-with"}, [("partners-with", "Beta", "Gamma")]),
    ({"status": "ended"}, [("exclusive-with", "Acme Inc", "Beta")]),
    ({"status": "planned"}, [("partners-with", "Beta", "Gamma")]),
    ({"involving": "nobody"}, []),
])
def test_relation_filters(filters, expected):
    assert [(r.type, r.source, r.target) for r in _history().relations(**filters)] == expected


def test_min_confidence_filter():
    g = KnowledgeGraph.from_results([doc("d", relations=[rel("partners-with", "A", "B", ev("d", conf=0.3)),
                                                        rel("partners-with", "C", "D", ev("d", conf=0.9))])])
    assert [r.source for r in g.relations(min_confidence=0.5)] == ["C"]


def test_alias_table_resolves_tickers():
    G = KnowledgeGraph.from_results([doc("d", ["International Business Machines"])]).nx
    assert resolve(G, "IBM") == "International Business Machines"


def test_entity_lookup_and_mentions():
    m = Mention(text="Acme", doc_id="d1", start=0, end=4)
    g = KnowledgeGraph.from_results([doc("d1", [Entity(name="Acme", aliases=["ACM"], mentions=[m])])])
    assert g.entity("acm").mentions == [m]
    assert g.entity("nobody") is None
    assert [e.name for e in g.entities()] == ["Acme"]


def test_equality_ignores_order_but_not_content():
    results = [doc("d1", relations=[rel("partners-with", "A", "B", ev("d1", published=D(2024, 1, 1)))]),
               doc("d2", relations=[rel("partners-with", "B", "A", ev("d2", "ended", D(2025, 1, 1)))])]
    assert KnowledgeGraph.from_results(results) == KnowledgeGraph.from_results(reversed(results))
    assert KnowledgeGraph.from_results(results) != KnowledgeGraph.from_results(results[:1])


def test_self_loops_after_merge_are_dropped():
    G = KnowledgeGraph().nx
    add_result(G, doc("d", relations=[rel("partners-with", "Acme", "Acme Inc", ev("d"))]))
    assert G.number_of_edges() == 0 and list(G) == ["Acme"]


def test_summary_counts():
    s = _history().summary()
    assert s == {"documents": 4, "organizations": 4, "relations": 3, "evidence": 4,
                 "edges": {"exclusive-with": {"ended": 1}, "partners-with": {"active": 1, "planned": 1}}}
    assert relations(_history().nx, type="revenue-share-capped") == []


def test_as_of_rejects_a_non_date_with_a_kg_error():
    with pytest.raises(KGError, match="YYYY-MM-DD"):
        _history().relations(as_of="yesterday")


def test_canonical_name_does_not_depend_on_document_order():
    results = [doc("d1", ["Initech Corp"], published=D(2024, 5, 1)),
               doc("d2", ["Initech"], published=D(2023, 1, 1)),
               doc("d3", ["Initech Corp"], published=D(2025, 1, 1)),
               doc("d4", ["Initech"], published=D(2025, 2, 1))]
    names = {tuple(sorted(KnowledgeGraph.from_results(order).nx)) for order in (results, results[::-1], results[1::2] + results[::2])}
    assert names == {("Initech",)}  # 2 uses each: the name used earliest wins


def test_canonical_tie_without_dates_prefers_the_longer_name():
    for order in (["Acme", "Acme Corp"], ["Acme Corp", "Acme"]):
        g = KnowledgeGraph.from_results([doc(f"d{i}", [name]) for i, name in enumerate(order)])
        assert list(g.nx) == ["Acme Corp"]
