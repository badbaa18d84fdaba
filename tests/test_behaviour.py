"""The behaviour recorded in tests/data/behaviour.json still holds: the graph of data/articles and the CV scores.

The record is written by ``python bench/behaviour_snapshot.py --write`` before a refactoring; it is
only comparable under the relation model it was recorded with (its sha1 is in the record).
"""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "data" / "behaviour.json"


def _snapshot_module():
    spec = importlib.util.spec_from_file_location("behaviour_snapshot", ROOT / "bench" / "behaviour_snapshot.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def snap():
    mod = _snapshot_module()
    before = json.loads(RECORD.read_text(encoding="utf-8"))
    if before["model_sha1"] != mod.model_sha1():
        pytest.skip("the shipped relation model changed since the record: regenerate it (bench/behaviour_snapshot.py --write)")
    return mod, before


def test_differences_finds_a_changed_leaf():
    mod = _snapshot_module()
    assert mod.differences({"a": {"b": [1, 2]}}, {"a": {"b": [1, 3]}}) == ["/a/b: [1, 2] != [1, 3]"]
    assert mod.differences({"a": 1}, {"a": 1}) == []


def test_graph_of_sample_articles_unchanged(snap):
    mod, before = snap
    now = mod.graph_record()
    assert now["relations"], "the sample articles give edges"
    assert mod.differences(before["graph"], now) == []


@pytest.mark.slow
def test_cross_validated_scores_unchanged(snap):
    mod, before = snap
    if not mod.DEV.exists():
        pytest.skip("../shared/eval/dev.jsonl is not here")
    if "cv" not in before:
        pytest.skip("the record holds no CV scores")
    now = mod.cv_record()
    assert now["scores"]["overall"]["tp"] > 0
    assert mod.differences(before["cv"], now) == []
