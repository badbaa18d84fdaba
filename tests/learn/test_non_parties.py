"""Names that are never a party to a deal: news outlets cited for a report, datelines."""

import pytest

import kg.learn.types
import kg.pipeline
from kg.learn.candidates import doc_candidates


@pytest.fixture(scope="module")
def nlp():
    return kg.pipeline.load_pipeline(relations_model=False)


def _pairs(nlp, text):
    return {(c.a, c.b) for c in doc_candidates(nlp(text), kg.learn.types.load_types())}


def names(pairs):
    return {n for p in pairs for n in p}


@pytest.mark.parametrize("text", [
    "The Daily Ledger reported on Monday that Orbis Motors signed a partnership with Keldar Energy. "
    "The deal covers batteries, the Daily Ledger said.",  # cited once, and otherwise only speaking
    "According to the trade magazine Motor Weekly, Orbis Motors signed a partnership with Keldar Energy.",
    "Orbis Motors signed a supply agreement with Keldar Energy for ten years (SPORTS BUSINESS JOURNAL, 3/26).",
    "The talks come days after the Daily Ledger revealed Orbis Motors had signed a contract with Keldar Energy.",
    "Orbis Motors has an exclusive supply agreement with Keldar Energy. The Daily Ledger claimed the agreement "
    "would end this year in its report about Orbis Motors and Keldar Energy.",  # the outlet's own report
    "The Daily Ledger's report said Orbis Motors signed a partnership with Keldar Energy.",
])
def test_an_outlet_cited_for_the_news_is_not_a_party(nlp, text):
    pairs = _pairs(nlp, text)
    assert pairs, text
    assert names(pairs) <= {"Orbis Motors", "Keldar Energy"}, pairs


def test_an_outlet_that_is_also_a_party_stays(nlp):
    text = ("The Daily Ledger reported that Orbis Motors is expanding. "
            "The Daily Ledger signed an advertising partnership with Orbis Motors last year.")
    assert any("Daily Ledger" in n for n in names(_pairs(nlp, text)))


def test_a_dateline_is_not_a_party(nlp):
    text = ("NORTH HAVEN, Conn.--(NEWSWIRE)--Halvard Therapeutics today announced a royalty agreement with "
            "Moraine Capital under which Moraine Capital pays $50 million.")
    assert not any(n.isupper() and "HAVEN" in n for n in names(_pairs(nlp, text)))


def test_a_dateline_before_a_bracketed_source_is_not_a_party(nlp):
    text = ("NORTH HAVEN (Newswire) - Halvard Therapeutics today announced the termination of its agreement "
            "with Moraine Capital.")
    assert not any("HAVEN" in n for n in names(_pairs(nlp, text)))


def test_a_company_revealing_a_deal_stays_a_party(nlp):
    text = "Orbis Motors revealed a partnership with Keldar Energy on Monday."
    assert names(_pairs(nlp, text)) == {"Orbis Motors", "Keldar Energy"}
