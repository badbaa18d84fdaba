"""Rules are data: deal terms and cue lists name no organization, places are places, and the
alias table is a general table from the public source its header names."""

import json
import re
import tomllib
from importlib import resources

import pytest

RULE_FILES = ["deal_terms.jsonl", "cues.toml"]  # words, never names


def data_text(name):
    return resources.files("kg.data").joinpath(name).read_text(encoding="utf-8")


def dev_names(dev_path):
    names = set()
    for line in dev_path.read_text(encoding="utf-8").splitlines():
        for ent in json.loads(line)["entities"]:
            names.add(ent["name"])
            names.update(ent.get("aliases", []))
    return names


def test_patterns_load_into_the_span_ruler(nlp):
    labels = {p["label"] for p in map(json.loads, data_text("deal_terms.jsonl").splitlines())}
    assert {"PARTNER", "EXCLUSIVE", "REVSHARE", "CAP", "ENDED", "PLANNED"} <= labels
    doc = nlp("The exclusivity ended and the revenue share was capped.")
    assert {s.label_ for s in doc.spans["deal_terms"]} >= {"EXCLUSIVE", "ENDED", "REVSHARE", "CAP"}


@pytest.mark.parametrize("text, label, term", [
    ("Orbis is no longer the sole provider of batteries.", "EXCLUSIVE", "sole provider"),
    ("Orbis is no longer Tarn's sole battery provider.", "EXCLUSIVE", "sole battery provider"),  # what is provided
    ("Orbis became the sole licensed cell supplier to Tarn.", "EXCLUSIVE", "sole licensed cell supplier"),
    # a royalty that stops at a multiple or at a sum received is capped
    ("Tarn will receive a 9% royalty on sales from Orbis until it reaches three times the amount Tarn paid.",
     "CAP", "three times the amount"),
    ("The investors share 6% of net sales until they have each received 1.75 times their contribution.",
     "CAP", "until they have each received"),
    ("Payments to Tarn stop once it has received $81 million.", "CAP", "once it has received"),
    ("The royalty ends at a multiple of its investment.", "CAP", "multiple of"),
    # endings in every form
    ("Orbis will cease licensing content to Tarn.", "ENDED", "cease"),
    ("Tarn will switch from Orbis to Kestrel next year.", "ENDED", "switch from"),
    ("Kestrel struck a deal with Tarn, replacing Orbis.", "ENDED", "replacing"),
    ("Arm is cancelling Tarn's license.", "ENDED", "cancelling"),
])
def test_deal_terms_in_their_less_common_forms(nlp, text, label, term):
    doc = nlp(text)
    assert term in [s.text for s in doc.spans["deal_terms"] if s.label_ == label]


def test_growth_times_faster_is_no_cap(nlp):
    doc = nlp("Sales grew three times faster than the market until it reached a peak.")
    assert "CAP" not in {s.label_ for s in doc.spans["deal_terms"]}


def test_sole_alone_is_no_exclusivity(nlp):
    doc = nlp("The sole owner of Orbis met the provider.")
    assert not [s for s in doc.spans["deal_terms"] if s.label_ == "EXCLUSIVE"]


@pytest.mark.parametrize("name", RULE_FILES)
def test_no_dev_gold_entity_in_rule_files(dev_path, name):
    text = data_text(name)
    found = [n for n in dev_names(dev_path) if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    assert not found, f"{name} names dev-set organizations: {found}"


def place_lines():
    return [line.strip() for line in data_text("places.txt").splitlines() if line.strip() and not line.startswith("#")]


def test_places_that_are_also_dev_party_names_are_places_to_the_model(nlp, dev_path):
    """A dev party named like a place (a country name used for its airline) may be listed only as the place it is."""
    shared = sorted({p for p in place_lines() if p in dev_names(dev_path)})
    wrong = []
    for place in shared:
        doc = nlp(f"Thousands of tourists travelled to {place} last year.")
        labels = {e.label_ for e in doc.ents if place in e.text}
        if not labels & {"GPE", "LOC", "NORP"}:
            wrong.append((place, labels))
    assert not wrong, f"places.txt lists names that are not places: {wrong}"


def test_places_file_has_no_company_words():
    words = {w.casefold() for p in place_lines() for w in re.split(r"[\s.\-]+", p)}
    assert not words & {"inc", "corp", "ltd", "plc", "llc", "airways", "airlines", "bank", "group", "holdings"}


def alias_table():
    return tomllib.loads(data_text("aliases.toml"))["aliases"]


def test_alias_table_names_its_public_source():
    header = "\n".join(line for line in data_text("aliases.toml").splitlines() if line.startswith("#"))
    assert re.search(r"Source: .*S&P 100", header), "aliases.toml must say which public list it comes from"


def test_alias_table_is_an_index_table_of_tickers_and_short_names():
    """Every entry is a company of the index: around a hundred, most with a ticker, no one-letter ticker."""
    table = alias_table()
    assert 90 <= len(table) <= 110, "the S&P 100 has about a hundred constituents"
    with_ticker = [c for c, aliases in table.items() if any(re.fullmatch(r"[A-Z][A-Z.]{1,5}", a) for a in aliases)]
    assert len(with_ticker) >= 0.6 * len(table)
    assert not [a for aliases in table.values() for a in aliases if re.fullmatch(r"[A-Z]", a)]


def test_alias_table_does_not_merge_a_parent_with_a_unit():
    """Parents and units are different organizations: no alias is the parent's name plus a unit word."""
    from kg.nlp.names import entity_key

    for canonical, aliases in alias_table().items():
        for alias in aliases:
            extra = set(entity_key(alias).split()) - set(entity_key(canonical).split())
            assert not extra & {"cloud", "web", "services", "studios", "bank", "labs", "ventures", "capital"}, \
                (canonical, alias)
