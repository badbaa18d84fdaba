"""The party model: how a document uses a name, learned from gold parties, fed to the edge models."""

import pytest

import kg.learn.types
import kg.pipeline
from kg.learn.model import RelationModel, default_model_path
from kg.learn.parties import cross_fit, name_features, party_row
from kg.learn.predict import prepare_doc
from kg.learn.train import _fit_linear


@pytest.fixture(scope="module")
def nlp():
    return kg.pipeline.load_pipeline(relations_model=False)


def test_a_name_used_as_a_product_is_described_by_its_use(nlp):
    doc = nlp("Orbis Pharma sold Keldar Capital a royalty on sales of Zentrix, its migraine tablet. "
              "Keldar Capital will pay $100 million.")
    feats = name_features(doc, {s.kb_id_ for s in doc.spans["kg_orgs"]})
    assert feats["Keldar Capital"].get("subject")
    assert feats["Zentrix"].get("pobj=sale:of") and not feats["Zentrix"].get("subject")


def test_every_candidate_carries_the_features_of_both_names(nlp):
    doc = nlp("Orbis Motors signed a supply deal with Keldar Mining on Monday.")
    items = prepare_doc(doc, kg.learn.types.load_types())
    assert items and all(item.ends[0] and item.ends[1] for item in items)
    assert items[0].ends[0] != items[0].ends[1]


def test_cross_fitted_probabilities_never_come_from_a_model_that_saw_the_row():
    # a feature that only group 0 has, always positive there: a model that saw group 0 would trust it
    rows = [{"bias": 1.0, "marker": 1.0} for _ in range(10)] + [{"bias": 1.0, "other": float(i % 2)} for i in range(20)]
    labels = [1] * 10 + [i % 2 for i in range(20)]
    groups = [0] * 10 + [1 + i % 2 for i in range(20)]
    oof = cross_fit(rows, labels, groups, 3, _fit_linear, [True] * 30)
    seen = _fit_linear(rows, labels)
    assert max(oof[:10]) < 0.6 < seen.proba(rows[0])[seen.classes[-1]]
    # rows outside ``train`` never train: without group 2, group 0's model sees negatives only, so none is fitted
    held = cross_fit(rows, labels, groups, 3, _fit_linear, [g != 2 for g in groups])
    assert held[:10] == [0.5] * 10 != oof[:10]


def test_the_party_row_orders_the_two_probabilities():
    row = party_row(0.9, 0.1)
    assert row == party_row(0.1, 0.9)
    assert row["party_min"] == 0.1 and row["party_max"] == 0.9 and row["party_low<=0.2"] == 1.0


def test_the_shipped_model_has_a_party_model_that_tells_a_company_from_a_product(nlp):
    model = RelationModel.from_disk(default_model_path())
    assert model.party is not None
    doc = nlp("Orbis Pharma sold Keldar Capital a royalty on sales of Zentrix, its migraine tablet. "
              "Keldar Capital will pay $100 million to Orbis Pharma.")
    feats = name_features(doc, {s.kb_id_ for s in doc.spans["kg_orgs"]})
    p = {name: model.party.proba(f)[model.party.classes[-1]] for name, f in feats.items()}
    assert p["Orbis Pharma"] > 0.5 and p["Keldar Capital"] > 0.5, p
    assert p["Zentrix"] < 0.5, p


def test_the_party_gate_keeps_out_pairs_with_an_unlikely_end(nlp, tmp_path):
    import dataclasses

    from kg.learn.predict import score_prepared

    model = RelationModel.from_disk(default_model_path())
    assert model.party is not None and 0 < model.party_gate < 1
    doc = nlp("Orbis Motors signed a supply partnership with Keldar Mining on Monday.")
    items = prepare_doc(doc, model.types)
    lows = [model.parties(item)["party_min"] for item in items]
    open_gate = dataclasses.replace(model, party_gate=0.0)
    found = score_prepared(open_gate, items)
    assert found  # an edge without the gate ...
    shut = dataclasses.replace(model, party_gate=min(lows) + 1e-6)
    assert len(score_prepared(shut, items)) < len(found)  # ... and none whose lower end is under it
    # the gate is part of the model directory
    again = RelationModel.from_disk(dataclasses.replace(model, party_gate=0.123).to_disk(tmp_path / "m"))
    assert again.party_gate == 0.123


def test_a_name_is_placed_near_the_kind_of_thing_its_words_mean(nlp):
    import spacy

    from kg.learn.parties import kind_features, kind_vectors

    doc = nlp("Northwind Bank and the city of Paris backed a new phone.")
    kinds = kind_vectors(nlp.vocab)
    bank, place = kind_features([doc[0:2]], kinds), kind_features([doc[6:7]], kinds)
    assert bank.get("kind=bank") and place.get("kind=city")
    assert bank["kind_sim=bank"] > place["kind_sim=bank"] and place["kind_sim=city"] > bank["kind_sim=city"]
    # a pipeline without word vectors says so instead of guessing
    blank = spacy.blank("en")
    assert kind_features([blank("Acme")[0:1]], kind_vectors(blank.vocab)) == {"no_vector": 1.0}
    feats = name_features(doc, {s.kb_id_ for s in doc.spans["kg_orgs"]})
    assert any(k.startswith("kind_sim=") for f in feats.values() for k in f)


def test_the_edge_models_read_the_kind_of_both_ends(nlp):
    doc = nlp("Northwind Bank signed a partnership with Keldar Mining on Monday.")
    items = prepare_doc(doc, kg.learn.types.load_types())
    pair = items[0].pair["partners-with"]
    assert pair.get("end_kind=bank") == 1.0
    ends = [f["kind_sim=bank"] for f in items[0].ends]
    assert pair["end_kind_sim=bank"] == max(ends)  # the two ends pooled: the pair has no order
