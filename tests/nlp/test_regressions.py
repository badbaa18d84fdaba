"""One sentence (written for these tests) per failure class fixed during error analysis."""

import pytest

from kg.pipeline import extract_text


def pairs(rules_nlp, text, rtype="partners-with", published=None):
    rels = extract_text(text, nlp=rules_nlp, published=published).relations
    return {(r.source, r.target, r.status) if r.type == "revenue-share-capped" else (*sorted((r.source, r.target)), r.status)
            for r in rels if r.type == rtype}


@pytest.mark.parametrize(
    "text, rtype, expected",
    [
        # a deal named in a relative clause
        ("The move extends a collaboration that Initech and Vandelay Industries started in 2019.",
         "partners-with", {("Initech", "Vandelay Industries", "active")}),
        # the speaker is the counterpart of a one-party clause
        ("Initech said Vandelay Industries would hold exclusive rights to sell the drug in Canada.",
         "exclusive-with", {("Initech", "Vandelay Industries", "active")}),
        # a plural reference to the two companies named before
        ("Initech and Globex have been talking for months. The two companies signed a licensing agreement on Monday.",
         "partners-with", {("Globex", "Initech", "active")}),
        # a memorandum of understanding makes it planned
        ("Initech and Globex signed a memorandum of understanding to form a joint venture.",
         "partners-with", {("Globex", "Initech", "planned")}),
        # revenue share with the cap in an anaphoric next sentence
        ("Nokia will keep sharing part of its revenue with Siemens until 2031. Those payments are now capped.",
         "revenue-share-capped", {("Nokia", "Siemens", "active")}),
        # an ended, uncapped revenue share next to a capped one is no edge
        ("Nokia no longer pays a revenue share to Siemens. Siemens pays Nokia a revenue share that is capped at $1 billion.",
         "revenue-share-capped", {("Siemens", "Nokia", "active")}),
        # rivals in another clause are not counterparts
        ("Initech is racing to catch rivals such as Globex and Hooli; in Europe it already co-develops chips with Vandelay Industries.",
         "partners-with", {("Initech", "Vandelay Industries", "active")}),
        # a list after a colon belongs to its sentence
        ("Nokia has signed three new partners: Siemens, Ericsson and Philips.",
         "partners-with", {("Nokia", "Siemens", "active"), ("Ericsson", "Nokia", "active"), ("Nokia", "Philips", "active")}),
        # a back-reference adds no pair
        ("As part of the deal, Globex's networks will return to Initech viewers.", "partners-with", set()),
        # no particular partner
        pytest.param("The licence lets Nokia grant the same rights to Siemens, Ericsson or any other partner.",
                     "partners-with", set(),
                     marks=pytest.mark.xfail(reason="the trained scorer pairs the licensor with the first name of the list",
                                             strict=True)),
        # buying a company is an acquisition; buying its products is a deal
        ("Initech agreed a deal to buy Globex for $3 billion.", "partners-with", set()),
    ],
)
def test_fixed_failures(nlp, text, rtype, expected):
    """The shipped scorer on sentences of failure classes fixed in the rules (written for these tests)."""
    assert pairs(nlp, text, rtype) == expected


@pytest.mark.parametrize(
    "text, not_org",
    [
        ("Initech chief executive Jane Roe met Mr Smith, who advises Globex Corp., on a deal.", "Smith"),
        ("Initech's president Tom Bradley signed the contract alongside Lowell McKay, Globex's chief operating officer.",
         "Lowell McKay"),
        ("SPRINGFIELD, Illinois — Initech and Globex Corp. announced a partnership on Tuesday.", "SPRINGFIELD"),
        ("Initech will distribute the Zorbo language model under a deal with Globex Corp.", "Zorbo"),
    ],
)
def test_not_organizations(rules_nlp, text, not_org):
    names = {e.name for e in extract_text(text, nlp=rules_nlp).entities}
    assert not_org not in names


@pytest.mark.parametrize(
    "text, rtype, key, value",
    [
        ("Nokia signed a licensing agreement with Siemens. The contract is worth about $60 million a year.",
         "partners-with", "amount", "$60 million"),
        ("The alliance that Nokia and Siemens started in 2018 now covers chips.", "partners-with", "since", "2018"),
        ("Siemens keeps its licence to Nokia patents, but it is now non-exclusive through 2032.",
         "partners-with", "until", "2032"),
    ],
)
def test_attributes(rules_nlp, text, rtype, key, value):
    rels = [r for r in extract_text(text, nlp=rules_nlp).relations if r.type == rtype]
    assert rels and rels[0].attrs.get(key) == value


@pytest.mark.parametrize(
    "text, name",
    [
        ("Siemens worked with the Institute for Applied Radio Technology on the project.", "Institute for Applied Radio Technology"),
    ],
)
def test_institution_names_keep_their_prepositions(rules_nlp, text, name):
    assert name in {e.name for e in extract_text(text, nlp=rules_nlp).entities}


@pytest.mark.parametrize(
    "text",
    [
        "Philips will pay Siemens $2bn as part of the settlement of their patent dispute.",
        "Nokia said Ericsson had rejected a takeover bid worth $8bn.",
        "The chip is set to ignite a fresh battle between Intel and the Cell consortium.",
        "Blu-ray has won support from Philips, while Nokia-backed devices lag.",
        "Heineken, Carlsberg and Diageo have all invested in the Chinese beer market.",
        "Heineken paid $9bn for Carlsberg, the companies said.",
        "Heineken agreed a deal to buy 26% of Carlsberg.",
    ],
)
def test_more_non_deals(rules_nlp, text):
    assert not [r for r in extract_text(text, nlp=rules_nlp).relations if r.status == "active"]


@pytest.mark.parametrize(
    "text, rtype, expected",
    [
        # names the model does not tag, in a deal's party slots
        ("Zorvex and Quillon are widening their partnership.", "partners-with", {("Quillon", "Zorvex", "active")}),
        # a company name inside a product name is still the company
        ("Nokia and Siemens announced a licensing agreement. The Nokia Maps app will use Siemens data.",
         "partners-with", {("Nokia", "Siemens", "active")}),
        # a rival named in an apposition does not block the deal
        ("Nokia signed a 10-year agreement with Siemens, its main rival, to share patents.",
         "partners-with", {("Nokia", "Siemens", "active")}),
        # a passive relative clause names the parties
        ("The rights went to Siemens under an agreement that was signed by Nokia and Siemens in August.",
         "partners-with", {("Nokia", "Siemens", "active")}),
        # an exclusivity that starts after the article date is planned
        ("Starting in 2031, Siemens will be the exclusive supplier of the trains to Nokia.",
         "exclusive-with", {("Nokia", "Siemens", "planned")}),
        # the venture itself is not one of its owners' partners
        ("Venu, the joint venture that Nokia and Siemens announced last year, was scrapped.",
         "partners-with", {("Nokia", "Siemens", "ended")}),
    ],
)
def test_fixed_failures_second_round(rules_nlp, text, rtype, expected):
    assert pairs(rules_nlp, text, rtype, published="2029-05-01") == expected


@pytest.mark.parametrize(
    "text, name, kept",
    [
        ("The Competition and Markets Authority (CMA) cleared the deal between Nokia and Siemens.",
         "Competition and Markets Authority", True),
        ("Nokia launched a Partners Program with Siemens and Philips.", "Partners Program", False),
        ("Nokia will license Zorbo, the group's family of speech models, to Siemens.", "Zorbo", False),
    ],
)
def test_name_boundaries(rules_nlp, text, name, kept):
    assert (name in {e.name for e in extract_text(text, nlp=rules_nlp).entities}) is kept


def test_the_maker_is_the_main_subject_so_far(rules_nlp):
    text = ("Nokia completed its purchase of Alcatel on Friday, hours after the Competition Commission cleared it. "
            "To satisfy the regulator, the phone maker signed an agreement with Siemens.")
    rels = extract_text(text, nlp=rules_nlp).relations
    assert {(r.source, r.target) for r in rels if r.type == "partners-with"} == {("Nokia", "Siemens")}


def test_deal_words_inside_names_are_not_triggers(rules_nlp):
    text = ("Nokia will pass 20% of its royalty payments to Royalty Partners through 2030, but the stream is capped: "
            "it reverts to Nokia once payments to Royalty Partners reach $400 million.")
    rels = [(r.source, r.target) for r in extract_text(text, nlp=rules_nlp).relations if r.type == "revenue-share-capped"]
    assert rels == [("Nokia", "Royalty Partners")]
