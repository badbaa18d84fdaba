"""Party recall and endpoint precision: organizations found, and edge ends that are gold parties."""

from kg.learn.evaluate import Passage, score
from kg.models import DocResult, Entity, Relation

TEXT = "Acme and the Globex Corp. (GBX) agreed a deal, Initech said."
GOLD = [{"name": "Acme", "aliases": []}, {"name": "Globex", "aliases": ["GBX"]}]


def passage(pid="p1", entities=GOLD):
    return Passage(pid, TEXT, None, entities, [])


def test_party_recall_counts_gold_entities_found_by_name_or_alias_in_text():
    found_by_alias = DocResult(doc_id="p1", entities=[Entity(name="Globex Corporation", aliases=["GBX"])])
    rep = score([passage()], {"p1": found_by_alias})
    assert rep.party_recall() == 0.5
    assert rep.parties[0].missed == ["Acme"]
    # an alias that the passage never writes does not count
    unseen = DocResult(doc_id="p1", entities=[Entity(name="Globex Corporation", aliases=["Globex"])])
    assert score([passage()], {"p1": unseen}).party_recall() == 0.5


def test_endpoint_precision_counts_each_deduplicated_edge_end_once():
    pred = DocResult(doc_id="p1", entities=[Entity(name="Acme"), Entity(name="Initech")], relations=[
        Relation(type="partners-with", source="Acme", target="Initech"),
        Relation(type="partners-with", source="Initech", target="Acme"),  # the same symmetric edge
        Relation(type="partners-with", source="Acme", target="GBX"),
    ])
    d = score([passage()], {"p1": pred}).to_dict()
    assert d["endpoints_total"] == 4 and d["endpoint_precision"] == 0.75
    assert d["party_recall"] == 0.5 and d["parties_total"] == 2


def test_scores_are_micro_averaged_over_passages_and_missing_results_count_as_nothing_found():
    rep = score([passage("p1"), passage("p2")], {"p1": DocResult(doc_id="p1", entities=[Entity(name="Acme"),
                                                                                        Entity(name="Globex")])})
    assert rep.party_recall() == 0.5 and rep.endpoint_precision() == 0.0
    assert {"scores", "status_accuracy", "attribute_accuracy"} <= set(rep.to_dict())
