"""Relation extraction on sentences written for these tests (not dev passages)."""

import pytest

from kg.pipeline import extract_text


def edges(rules_nlp, text):
    r = extract_text(text, nlp=rules_nlp)
    return {(x.type, x.source, x.target, x.status) for x in r.relations}, r


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Globex Corp. and Initech Inc. announced a partnership on Monday to build data centers.",
         ("partners-with", "Globex Corp", "Initech Inc", "active")),
        ("Hooli signed a $2 billion supply agreement with Vandelay Industries.",
         ("partners-with", "Hooli", "Vandelay Industries", "active")),
        ("Hooli is in talks with Vandelay Industries about a licensing deal, people familiar with the matter said.",
         ("partners-with", "Hooli", "Vandelay Industries", "planned")),
        ("Hooli plans to form a joint venture with Vandelay Industries next year.",
         ("partners-with", "Hooli", "Vandelay Industries", "planned")),
    ],
)
def test_partnerships(rules_nlp, text, expected):
    found, _ = edges(rules_nlp, text)
    a, b = sorted(expected[1:3])
    assert (expected[0], a, b, expected[3]) in found


def test_exclusivity_that_ended_is_not_an_exclusivity(rules_nlp):
    found, _ = edges(rules_nlp, "Globex said on Friday it would end Initech's exclusive right to distribute its chips in Europe.")
    assert ("exclusive-with", "Globex", "Initech", "ended") in found
    assert ("exclusive-with", "Globex", "Initech", "active") not in found


def test_no_longer_exclusive(rules_nlp):
    text = "Vandelay Industries will no longer be the exclusive supplier of batteries to Hooli, the companies said."
    found, _ = edges(rules_nlp, text)
    assert ("exclusive-with", "Hooli", "Vandelay Industries", "ended") in found


def test_plain_non_exclusive_license_is_no_exclusivity(rules_nlp):
    found, _ = edges(rules_nlp, "Initech holds a non-exclusive license to Globex patents.")
    assert not any(t == "exclusive-with" for t, *_ in found)


def test_capped_revenue_share_points_payer_to_payee(rules_nlp):
    text = ("Initech pays Globex a 15% revenue share through 2029. "
            "Those payments are now subject to a cap of $900 million.")
    _, r = edges(rules_nlp, text)
    rels = [x for x in r.relations if x.type == "revenue-share-capped"]
    assert [(x.source, x.target) for x in rels] == [("Initech", "Globex")]
    assert rels[0].attrs.get("until") == "2029"


def test_receiver_subject_reverses_direction(rules_nlp):
    text = "Globex receives 10% of Initech's revenue until 2031, up to a ceiling the companies did not disclose."
    _, r = edges(rules_nlp, text)
    rels = [(x.source, x.target) for x in r.relations if x.type == "revenue-share-capped"]
    assert rels == [("Initech", "Globex")]


def test_uncapped_revenue_share_is_not_capped(rules_nlp):
    found, _ = edges(rules_nlp, "Initech pays Globex a 15% revenue share on every subscription.")
    assert not any(t == "revenue-share-capped" for t, *_ in found)


@pytest.mark.parametrize(
    "text",
    [
        "Globex agreed to acquire Initech for $4 billion in cash.",
        "Globex sued Initech over a licensing dispute in federal court.",
        "Globex and Initech compete for cloud contracts across Europe.",
        "Globex gave an exclusive interview to Initech reporters.",
    ],
)
def test_non_deals_give_no_edges(rules_nlp, text):
    found, _ = edges(rules_nlp, text)
    assert not found


def test_attributes_belong_to_the_deal(rules_nlp):
    text = "Hooli will invest up to $3 billion in Vandelay Industries under a partnership that runs through 2030."
    _, r = edges(rules_nlp, text)
    rel = next(x for x in r.relations if x.type == "partners-with")
    assert rel.attrs.get("amount") == "$3 billion"
    assert rel.attrs.get("until") == "2030"


def test_evidence_points_at_the_sentence(rules_nlp):
    text = "Shares rose 2%. Hooli signed a partnership with Vandelay Industries on Tuesday."
    _, r = edges(rules_nlp, text)
    ev = r.relations[0].evidence[0]
    assert text[ev.start:ev.end] == ev.sentence
    assert ev.sentence.startswith("Hooli signed")
    assert ev.rule.startswith("partners-with:")


def test_confidence_orders_structure_above_guesswork(rules_nlp):
    strong = extract_text("Hooli signed a partnership with Vandelay Industries.", nlp=rules_nlp).relations[0]
    weak = extract_text("Hooli, Vandelay Industries and Initech attended a partnership summit; Initech left early.",
                        nlp=rules_nlp).relations
    assert all(w.confidence < strong.confidence for w in weak)
