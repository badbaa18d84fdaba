"""One node per company across documents, and never one node for two companies (fictional names)."""

import pytest

from kg.graph import KnowledgeGraph
from kg.models import DocResult, Entity, Relation
from kg.nlp.names import compact_key, is_short_form, near_identical


def doc(doc_id, *entities, relations=()):
    ents = [e if isinstance(e, Entity) else Entity(name=e) for e in entities]
    return DocResult(doc_id=doc_id, entities=ents, relations=list(relations))


def nodes(*results):
    return sorted(KnowledgeGraph.from_results(results).nx)


@pytest.mark.parametrize(("a", "b", "reason"), [
    ("Orbis Motors", "Orbis Motors Co.", "key"),
    ("Keld Energy Solution", "Keld Energy Solutions", "fuzzy"),
    ("Vantor-Lee Logistics", "Vantor Lee Logistics", "spelling"),
    ("Quillfeather", "QuillFeather", "key"),
    ("Northwind Bank", "Northwind Air", None),        # share a word only
    ("Northwind Bank", "Northwind Band", None),       # one letter, but a different word
    ("Orbis", "Orbis Cloud", None),                   # parent and unit
    ("Halden Capital II", "Halden Capital III", None),  # numbered funds differ
    ("Brightwater Partners", "Brightwater Holdings Partners", None),
])
def test_near_identical_names(a, b, reason):
    assert near_identical(a, b) == reason
    assert near_identical(b, a) == reason


def test_short_form_and_compact_key():
    assert is_short_form("Northwind", "Northwind Bank") and not is_short_form("Northwind Bank", "Northwind")
    assert compact_key("Vantor-Lee") == compact_key("Vantor Lee") != compact_key("Vantor")


def test_near_identical_names_become_one_node_with_the_reason_recorded():
    g = KnowledgeGraph.from_results([doc("d1", "Keld Energy Solutions"), doc("d2", "Keld Energy Solution")])
    assert list(g.nx) == ["Keld Energy Solutions"] or list(g.nx) == ["Keld Energy Solution"]
    (node,) = g.nx
    assert {"surface": "Keld Energy Solution", "reason": "cross-document-fuzzy", "doc_id": "d2"} in g.nx.nodes[node]["merges"]


def test_parent_and_unit_stay_two_nodes():
    assert nodes(doc("d1", "Orbis"), doc("d2", "Orbis Cloud Services"), doc("d3", "Orbis Cloud")) == [
        "Orbis", "Orbis Cloud", "Orbis Cloud Services"]


def test_companies_sharing_a_word_stay_apart_even_through_their_short_forms():
    # each article calls its company "Northwind" for short: that must not bridge the bank and the airline
    results = [doc("d1", Entity(name="Northwind Bank", aliases=["Northwind"])),
               doc("d2", Entity(name="Northwind Air", aliases=["Northwind"]))]
    assert nodes(*results) == ["Northwind Air", "Northwind Bank"]


def test_a_short_form_used_alone_joins_the_one_company_it_abbreviates():
    g = KnowledgeGraph.from_results([doc("d1", Entity(name="Tessaly Robotics Group", aliases=["Tessaly"])),
                                     doc("d2", "Tessaly")])
    assert len(g.nx) == 1
    assert g.entity("Tessaly").name == g.entity("Tessaly Robotics Group").name


def test_an_ambiguous_short_form_joins_neither_company():
    g = KnowledgeGraph.from_results([doc("d1", Entity(name="Northwind Bank", aliases=["Northwind"])),
                                     doc("d2", Entity(name="Northwind Air", aliases=["Northwind"])),
                                     doc("d3", "Northwind")])
    assert sorted(g.nx) == ["Northwind", "Northwind Air", "Northwind Bank"]


def test_a_ticker_learned_in_one_article_merges_the_bare_ticker_of_another():
    rel = Relation(type="partners-with", source="ZQX", target="Halvard Mining")
    g = KnowledgeGraph.from_results([
        doc("d1", Entity(name="Zephyrine Quarry Corp", aliases=["ZQX"])),
        doc("d2", "ZQX", "Halvard Mining", relations=[rel]),
    ])
    assert sorted(g.nx) == ["Halvard Mining", "Zephyrine Quarry Corp"]
    (r,) = g.relations(involving="Zephyrine Quarry")
    assert {r.source, r.target} == {"Halvard Mining", "Zephyrine Quarry Corp"}
    assert g.nx.nodes["Zephyrine Quarry Corp"]["doc_ids"] == ["d1", "d2"]


def test_different_tickers_keep_companies_that_share_a_word_apart():
    g = KnowledgeGraph.from_results([doc("d1", Entity(name="Marlow Foods", aliases=["MLW"])),
                                     doc("d2", Entity(name="Marlow Wireless", aliases=["MLWR"]))])
    assert sorted(g.nx) == ["Marlow Foods", "Marlow Wireless"]


def test_a_document_that_calls_its_company_by_a_shared_short_form_joins_no_other_company():
    # each article used the short form most, so it is each entity's name; the full names tell them apart
    results = [doc("d1", Entity(name="Harbor", aliases=["Harbor Breweries"])),
               doc("d2", Entity(name="Harbor", aliases=["Harbor Freight"]))]
    g = KnowledgeGraph.from_results(results)
    assert len(g.nx) == 2
    assert {"Harbor Breweries", "Harbor Freight"} <= {n for node in g.nx for n in (node, *g.nx.nodes[node]["aliases"])}
    assert not any({"Harbor Breweries", "Harbor Freight"} <= {node, *g.nx.nodes[node]["aliases"]} for node in g.nx)


def test_an_industry_word_after_a_country_is_part_of_the_name():
    # "Acme Airlines" is Acme, but "Norway Airlines" and "Norway Telecom" are two companies, not "Norway"
    assert nodes(doc("d1", "Norway Airlines"), doc("d2", "Norway Telecom")) == ["Norway Airlines", "Norway Telecom"]
    assert nodes(doc("d1", "Quellor Airlines"), doc("d2", "Quellor")) == ["Quellor Airlines"]
