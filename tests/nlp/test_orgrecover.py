"""Names the model glues, misses or mislabels (kg.nlp.orgrecover), with fictional names."""

import pytest
from spacy.tokens import Span

from kg.nlp.orgrecover import (
    _mislabelled_party,
    _numeric_partner,
    is_bare_ticker,
    listed_between,
    unglue,
    unlabelled_parties,
)
from kg.pipeline import extract_text


def names(nlp, text):
    return {e.name: e for e in extract_text(text, nlp=nlp).entities}


def span_of(doc, words, label="ORG"):
    at = doc.text.index(words)
    return doc.char_span(at, at + len(words), label=label)


def test_bare_ticker_after_legal_form_is_an_alias(nlp):
    ents = names(nlp, "Initrode Holdings Inc INTR announced the end of its collaboration agreement with Globex Corp.")
    assert "Initrode Holdings Inc" in ents and "INTR" in ents["Initrode Holdings Inc"].aliases
    assert "INTR" not in ents


def test_bare_ticker_needs_a_legal_form(nlp):
    doc = nlp("Initrode Holdings Inc INTR and Globex GBX met.")
    assert is_bare_ticker(doc[3]) and not is_bare_ticker(doc[6])


@pytest.mark.parametrize("text, glued, expected", [
    ("According to a report by Wexford, Zaxo Labs renewed its partnership with Initech.", "Wexford, Zaxo Labs",
     ["Zaxo Labs"]),  # a cited source glued on by a comma is dropped
    ("Hooli, Globex and Initech signed the pact.", "Hooli, Globex", ["Hooli", "Globex"]),
    ("Initech, Inc. signed the pact.", "Initech, Inc.", ["Initech, Inc."]),  # a legal form after a comma stays
])
def test_unglue_at_a_comma(nlp, text, glued, expected):
    doc = nlp(text)
    ent = span_of(doc, glued)
    assert [p.text for p in unglue(doc, ent, [ent])] == expected


def test_unglue_drops_a_product_acronym(nlp):
    doc = nlp("The carmaker will use Hooli XR batteries in its cars.")
    ent = span_of(doc, "Hooli XR batteries")
    parts = [doc[ent.start:ent.end - 1]]  # what the repair leaves: the common noun trimmed
    assert [p.text for p in unglue(doc, ent, parts)] == ["Hooli"]


@pytest.mark.parametrize("text, name", [
    ("Brightwell-based zolTara said Monday that it has agreed a licensing deal with Globex Corp.", "zolTara"),
    ("Globex Corp is ending its battery venture with Initech Co.'s battery unit QX On.", "QX On"),
    ("Publisher Kestrel Games has confirmed that its next title will be exclusive to the Globex Store.", "Kestrel Games"),
])
def test_untagged_names_in_party_positions(nlp, text, name):
    assert name in names(nlp, text)


def test_role_noun_does_not_take_a_person(nlp):
    doc = nlp("The publisher Jane Smith signed a licensing deal with Globex Corp.")
    assert all("Smith" not in s.text for s in unlabelled_parties(doc, frozenset({"publisher"})))


def test_a_ticker_in_parentheses_is_not_an_acting_name(nlp):
    ents = names(nlp, "Initech Corp. (NYSE: INTC) signed a deal with Globex Inc. Initech shares rose.")
    assert "INTC" not in ents


def test_law_label_in_a_deal_slot_is_a_party(nlp):
    doc = nlp("Hooli deepens its partnership with Grand Prix 9 after the exclusive deal.")
    ent = span_of(doc, "Grand Prix 9", label="LAW")
    deal_sents = {t.sent.start for t in doc.spans["deal_terms"] if t.label_ in {"PARTNER", "EXCLUSIVE", "REVSHARE"}}
    assert _mislabelled_party(ent, deal_sents)
    other = nlp("Hooli lobbied against Grand Prix 9 in court.")
    assert not _mislabelled_party(span_of(other, "Grand Prix 9", label="LAW"), set())


@pytest.mark.parametrize("text, number, expected", [
    ("The Hooli Jets have sponsorships with 777 and Globex.", "777", True),
    ("The Hooli Jets have sponsorships with 2024 and Globex.", "2024", False),  # a year
    ("The Hooli Jets sold 777 shirts.", "777", False),
])
def test_numeric_partner(nlp, text, number, expected):
    doc = nlp(text)
    tok = next(t for t in doc if t.text == number)
    if expected:  # the coordinated name must be an organization
        glob = next(t for t in doc if t.text == "Globex")
        doc.ents = [Span(doc, glob.i, glob.i + 1, label="ORG")]
    assert _numeric_partner(tok) is expected


def test_mislabelled_item_between_organizations_of_a_list(nlp):
    doc = nlp("Its brands include Hooli, Initech, Jimmy Marsh, Globex and Vandelay.")
    orgs = [span_of(doc, w) for w in ("Hooli", "Initech", "Globex", "Vandelay")]
    doc.ents = [*orgs, span_of(doc, "Jimmy Marsh", label="PERSON")]
    assert [s.text for s in listed_between(doc, orgs)] == ["Jimmy Marsh"]
    assert listed_between(doc, orgs[:2]) == []  # no organization after it


def test_the_surname_of_a_person_named_in_full_is_not_an_organization():
    import kg.pipeline

    nlp = kg.pipeline.load_pipeline(relations_model=False)
    doc = nlp("Orbis chief executive Peter Varga said on Monday that the company had not signed any agreement "
              "with Keldar. Varga responded to a report that the deal with Keldar was done.")
    names = {s.text for s in doc.spans["kg_orgs"] if s.label_ == "ORG"}
    assert "Orbis" in names and "Varga" not in names
