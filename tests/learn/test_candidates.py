"""Which pairs become candidates, for which types, read from which sentences."""

import pytest

import kg.learn.types
import kg.pipeline
from kg.learn.candidates import doc_candidates
from kg.learn.pairfeatures import pair_features
from kg.learn.predict import prepare


@pytest.fixture(scope="module")
def nlp():
    return kg.pipeline.load_pipeline(relations_model=False)


TYPES = kg.learn.types.load_types()


def _cand(nlp, text, pair):
    doc = nlp(text)
    return next(c for c in doc_candidates(doc, TYPES, doc._.kg_relations) if {c.a, c.b} == set(pair))


def test_a_deal_term_the_pair_lacks_is_read_from_the_next_sentence(nlp):
    text = ("Orbis Motors signed a supply deal with Keldar Mining on Monday. "
            "Under the agreement, Orbis Motors will receive exclusive access to the mine's output.")
    cand = _cand(nlp, text, ("Orbis Motors", "Keldar Mining"))
    assert {t.name for t in cand.types(TYPES)} >= {"partners-with", "exclusive-with"}
    item = prepare(cand, TYPES)
    # exclusivity is told by the second sentence, the partnership by the one naming both only
    assert [ev["sentence"][:5] for ev in item.evidence["exclusive-with"]] == ["Under"]
    assert [ev["sentence"][:5] for ev in item.evidence["partners-with"]] == ["Orbis"]
    assert not item.pair["partners-with"].get("cross_sentence")


def test_a_next_sentence_adding_no_deal_term_is_not_read(nlp):
    text = ("Orbis Motors signed an exclusive supply deal with Keldar Mining on Monday. "
            "Under the agreement, Orbis Motors will receive exclusive access to the mine's output.")
    cand = _cand(nlp, text, ("Orbis Motors", "Keldar Mining"))
    assert all(not c.cross for c in cand.contexts)
    assert not pair_features(cand, {"EXCLUSIVE"}).get("cross_sentence")


@pytest.mark.parametrize("text", [
    "Orbis Media, Keldar Sports and Tarn Networks plan a joint sports streaming service.",
    "Orbis Media and Keldar Sports launched a joint bid for the rights.",
])
def test_a_joint_service_or_bid_is_a_partnership_term(nlp, text):
    doc = nlp(text)
    assert any(t.label_ == "PARTNER" and t.text.startswith("joint") for t in doc.spans["deal_terms"])
    assert doc_candidates(doc, TYPES, doc._.kg_relations)


def test_a_joint_statement_is_not_a_deal_term(nlp):
    doc = nlp("Orbis Media and Keldar Sports said in a joint statement that talks had ended.")
    assert not any(t.text.startswith("joint") for t in doc.spans["deal_terms"])


def test_a_capitalised_company_opening_a_paragraph_is_not_a_dateline(nlp):
    text = ("Orbis Pharma sold part of its royalties last year.\n\n"
            "KELDAR, one of the largest pension funds in the north, paid $150 million for a capped royalty "
            "on sales of the drug. Under the agreement, Orbis Pharma owes no royalty for two years.")
    assert any("KELDAR" in (c.a, c.b) and "Orbis Pharma" in (c.a, c.b)
               for c in doc_candidates(nlp(text), TYPES))


def test_a_deal_term_of_a_third_company_in_the_next_sentence_is_not_read(nlp):
    text = ("Hooli will end Vandelay Industries' exclusive right to sell its phones. "
            "Hooli also signed a partnership with Initech Corp. to build chips.")
    cand = _cand(nlp, text, ("Hooli", "Initech Corp"))
    assert "exclusive-with" not in {t.name for t in cand.types(TYPES)}
