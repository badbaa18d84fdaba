"""Rules are data, and none of them names an organization from the shared dev set."""

import json
import re
from importlib import resources

import pytest

DATA_FILES = ["deal_terms.jsonl", "aliases.toml", "cues.toml", "places.txt"]


def data_text(name):
    return resources.files("kg.data").joinpath(name).read_text(encoding="utf-8")


def test_patterns_load_into_the_span_ruler(nlp):
    labels = {p["label"] for p in map(json.loads, data_text("deal_terms.jsonl").splitlines())}
    assert {"PARTNER", "EXCLUSIVE", "REVSHARE", "CAP", "ENDED", "PLANNED"} <= labels
    doc = nlp("The exclusivity ended and the revenue share was capped.")
    assert {s.label_ for s in doc.spans["deal_terms"]} >= {"EXCLUSIVE", "ENDED", "REVSHARE", "CAP"}


@pytest.mark.parametrize("name", DATA_FILES)
def test_no_dev_gold_entity_in_rule_files(dev_path, name):
    gold_names = set()
    for line in dev_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for ent in row["entities"]:
            gold_names.add(ent["name"])
            gold_names.update(ent.get("aliases", []))
    text = data_text(name)
    found = [n for n in gold_names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)]
    assert not found, f"{name} names dev-set organizations: {found}"
