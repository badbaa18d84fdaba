"""Training data and the custom-type fixture: consistent with the gold format, and the validator catches errors."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "data" / "check_more_gold.py"
EXTRA = ROOT / "data" / "train" / "extra.jsonl"
# data/gold.jsonl and data/more_gold.jsonl are trained on too, but only their ids are checked here (gold.jsonl's
# passages run longer than the checker allows; more_gold.jsonl has tests/learn/test_more_gold.py); every file
# under data/train/ goes through the checker, a new one without being listed
TRAIN_DIR_FILES = sorted((ROOT / "data" / "train").glob("*.jsonl"))
TRAINING_FILES = [ROOT / "data" / "gold.jsonl", ROOT / "data" / "more_gold.jsonl", *TRAIN_DIR_FILES]
SUPPLIES = ROOT / "tests" / "data" / "supplies"


def run_check(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), *map(str, args)], capture_output=True, text=True)


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def spellings(path: Path) -> set[str]:
    return {s.lower() for rec in read(path) for e in rec["entities"] for s in [e["name"], *e["aliases"]]}


@pytest.mark.parametrize("path", TRAIN_DIR_FILES, ids=lambda p: p.name)
def test_training_passages_are_consistent(path):
    done = run_check(path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_training_passage_ids_are_unique_across_files():
    ids = [rec["id"] for path in TRAINING_FILES for rec in read(path)]
    assert len(ids) == len(set(ids))


def test_extra_passages_cover_every_type_and_status_and_traps():
    rels = [r for rec in read(EXTRA) for r in rec["relations"]]
    pairs = {(r["type"], r["status"]) for r in rels}
    for status in ("active", "ended", "planned"):
        assert ("partners-with", status) in pairs and ("exclusive-with", status) in pairs
    assert ("revenue-share-capped", "active") in pairs
    traps = [rec for rec in read(EXTRA) if not rec["relations"]]
    assert len(traps) >= len(read(EXTRA)) // 8


def test_supplies_passages_are_consistent():
    done = run_check(SUPPLIES / "train.jsonl", SUPPLIES / "heldout.jsonl",
                     "--types", SUPPLIES / "types.toml", "--min-words", 25)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "supplies" in done.stdout


def test_supplies_heldout_uses_other_companies():
    assert not spellings(SUPPLIES / "train.jsonl") & spellings(SUPPLIES / "heldout.jsonl")


def test_supplies_types_file_declares_one_directed_type():
    types = tomllib.loads((SUPPLIES / "types.toml").read_text(encoding="utf-8"))["type"]
    assert [(t["name"], t["symmetric"], t["triggers"]) for t in types] == [("supplies", False, ["SUPPLY"])]
    edges = [r for f in ("train.jsonl", "heldout.jsonl") for rec in read(SUPPLIES / f) for r in rec["relations"]]
    assert {r["type"] for r in edges} == {"supplies"}
    assert {r["status"] for r in edges} == {"active", "ended", "planned"}


def test_supplies_patterns_fire_in_every_passage_with_an_edge_and_name_no_company():
    spacy = pytest.importorskip("spacy")
    patterns = read(SUPPLIES / "patterns.jsonl")
    assert {p["label"] for p in patterns} == {"SUPPLY"}
    words = {w for p in patterns for tok in p["pattern"] for v in tok.values() if isinstance(v, dict)
             for w in v.get("IN", [])}
    names = {s.split()[0] for f in ("train.jsonl", "heldout.jsonl") for s in spellings(SUPPLIES / f)}
    assert all(w == w.lower() for w in words) and not words & names
    nlp = spacy.blank("en")
    nlp.add_pipe("span_ruler", config={"spans_key": "supply"}).add_patterns(patterns)
    for f in ("train.jsonl", "heldout.jsonl"):
        for rec in read(SUPPLIES / f):
            doc = nlp(rec["text"])
            assert bool(doc.spans["supply"]) or not rec["relations"], rec["id"]
    doc = nlp("Two sources said the talks were at an early stage.")
    assert not doc.spans["supply"]


@pytest.mark.parametrize("mutate, message", [
    (lambda r: r["entities"][0]["aliases"].append("Nonesuch"), "does not occur in the text"),
    (lambda r: r["relations"].append({**r["relations"][0], "source": r["relations"][0]["target"],
                                      "target": r["relations"][0]["source"]}), "duplicate edge"),
    (lambda r: r["relations"][0].update(type="owns"), "unknown type"),
    (lambda r: r["relations"][0].update(status="rumoured"), "bad status"),
    (lambda r: r["relations"][0].update(source="Somebody Else"), "source is not an entity name"),
    (lambda r: r.update(extra_key=1), "keys must be"),
])
def test_validator_reports_bad_passages(tmp_path, mutate, message):
    rec = {"id": "x-1", "published": None,
           "text": "Acme Widgets and Zentro Labs signed a deal. " * 10,
           "entities": [{"name": "Acme Widgets", "aliases": []}, {"name": "Zentro Labs", "aliases": []}],
           "relations": [{"type": "partners-with", "source": "Acme Widgets", "target": "Zentro Labs",
                          "status": "active", "attrs": {}}]}
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert run_check(good).returncode == 0
    mutate(rec)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    done = run_check(bad)
    assert done.returncode == 1 and message in done.stdout


def test_validator_checks_whole_words(tmp_path):
    rec = {"id": "x-1", "published": "2025-01-01", "text": "New LAWS were passed. " * 20,
           "entities": [{"name": "AWS", "aliases": []}], "relations": []}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert "does not occur" in run_check(path).stdout


def test_validator_reads_a_passage_annotated_by_reference(tmp_path):
    text = "Acme Widgets and Zentro Labs signed a deal. " * 10
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    rec = {"id": "x-1", "published": None, "text_file": "a.txt",
           "entities": [{"name": "Acme Widgets", "aliases": []}, {"name": "Zentro Labs", "aliases": []}],
           "relations": [{"type": "partners-with", "source": "Acme Widgets", "target": "Zentro Labs",
                          "status": "active", "attrs": {}}]}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert run_check(path).returncode == 0
    rec["entities"][1]["name"] = rec["relations"][0]["target"] = "Zentro Labz"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert "'Zentro Labz' does not occur in the text" in run_check(path).stdout
    rec["text_file"] = "missing.txt"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    done = run_check(path)
    assert done.returncode == 1 and "line 1: cannot read text_file 'missing.txt'" in done.stdout


BBC_OTHER = ROOT / "bench" / "bbc_other_gold.jsonl"


@pytest.mark.skipif(not (ROOT.parent / "shared" / "corpus" / "bbc").is_dir(), reason="../shared/corpus/bbc is absent")
def test_bbc_passages_annotated_by_reference_are_consistent():
    """Round 17's BBC sport, entertainment and politics annotations name their articles, and hold no text."""
    assert all("text" not in rec and rec["text_file"].startswith("../../shared/corpus/bbc/") for rec in read(BBC_OTHER))
    done = run_check(BBC_OTHER, "--min-words", 1, "--max-words", 5000)
    assert done.returncode == 0 and "80 passages, 6 relations" in done.stdout, done.stdout
