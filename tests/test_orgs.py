"""Organization cleanup and per-document resolution."""

from kg.extract import extract_text


def names(nlp, text):
    return {e.name: e for e in extract_text(text, nlp=nlp).entities}


def test_legal_suffix_possessive_and_ticker_are_one_entity(nlp):
    ents = names(nlp, "Globex Corp. (NYSE: GBX) reported results. Globex's chief said Globex would grow.")
    assert "Globex" in ents
    assert {"GBX", "Globex Corp"} <= set(ents["Globex"].aliases)
    assert any(m.reason == "ticker" for m in ents["Globex"].merges)


def test_definition_teaches_alias(nlp):
    ents = names(nlp, "Acme Cloud Services (ACS) signed a deal with Initech. ACS will host Initech's software.")
    assert "Acme Cloud Services" in ents
    assert "ACS" in ents["Acme Cloud Services"].aliases


def test_generic_words_are_not_organizations(nlp):
    ents = names(nlp, "AI is changing the Cloud business, and the IPO market is slow, Globex Inc. said.")
    assert "AI" not in ents and "Cloud" not in ents and "IPO" not in ents


def test_lowercase_defined_abbreviation_is_a_term(nlp):
    ents = names(nlp, "Initech will license user-generated content (UGC) to Globex Inc. for training.")
    assert "UGC" not in ents


def test_descriptor_refers_back(nlp):
    r = extract_text("Vandelay Industries said on Monday that Hooli would invest $1 billion in the carmaker.", nlp=nlp)
    assert {(x.source, x.target) for x in r.relations} == {("Hooli", "Vandelay Industries")}


def test_list_members_are_organizations(nlp):
    r = extract_text("Initech signed content deals with publishers such as Globex Media, Dunder Mifflin and Vance Refrigeration.",
                     nlp=nlp)
    partners = {x.target if x.source == "Initech" else x.source for x in r.relations}
    assert {"Globex Media", "Dunder Mifflin"} <= partners


def test_headline_verbs_do_not_glue_onto_names(nlp):
    r = extract_text("Intel Inks Chip Pact With Initech\n\nIntel and Initech signed a supply deal.", nlp=nlp)
    assert "Intel" in {e.name for e in r.entities}
    assert not any(w in e.name for e in r.entities for w in ("Inks", "Pact", "With"))


def test_a_ticker_the_text_defines_beats_the_alias_file(nlp):
    # INTC is Intel's ticker in the alias file; this text gives it to another company.
    ents = names(nlp, "Initech Corp. (NYSE: INTC) signed a deal with Globex Inc. Initech shares rose.")
    assert "Intel" not in {a for e in ents.values() for a in e.aliases}
    assert any("INTC" in e.aliases for e in ents.values())
