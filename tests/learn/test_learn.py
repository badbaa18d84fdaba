"""The learned layer: training a user's own type, determinism, model files as plain data, cross-validation."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app
from kg.errors import InputError, ModelError
from kg.learn.evaluate import evaluate
from kg.learn.model import RelationModel, default_model_path
from kg.learn.run import load_patterns_file, train
from kg.learn.types import load_types, parse_types

SUPPLIES = Path(__file__).parents[1] / "data" / "supplies"
MODEL_FILES = ("model.json", "weights.json", "patterns.jsonl")


def model_files(path: Path) -> list[str]:
    """Every file of a model directory: the fixed three and one ``forest-N.npy`` per edge type."""
    names = sorted(p.name for p in Path(path).iterdir())
    assert set(MODEL_FILES) <= set(names) and any(n.startswith("forest-") for n in names), names
    return names


@pytest.fixture(scope="module")
def supplies_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("supplies")
    kg.train(SUPPLIES / "train.jsonl", out=out, types=SUPPLIES / "types.toml", patterns=SUPPLIES / "patterns.jsonl")
    return out


def test_a_new_directed_type_is_found_in_passages_it_did_not_train_on(supplies_model):
    from kg.pipeline import load_pipeline

    held_out = {json.loads(line)["id"] for line in (SUPPLIES / "heldout.jsonl").read_text().splitlines()}
    trained_on = {json.loads(line)["id"] for line in (SUPPLIES / "train.jsonl").read_text().splitlines()}
    assert held_out and not held_out & trained_on
    report = evaluate(SUPPLIES / "heldout.jsonl", nlp=load_pipeline(None, str(supplies_model)))
    s = report.scores()["supplies"]
    assert s["f1"] >= 0.7, s  # direction included: a reversed edge is both a false positive and a miss
    assert s["precision"] >= 0.8


def test_the_model_directory_records_its_types_and_patterns(supplies_model):
    model = RelationModel.from_disk(supplies_model)
    assert [t.name for t in model.types] == ["supplies"] and not model.types[0].symmetric
    assert model.patterns == load_patterns_file(SUPPLIES / "patterns.jsonl")
    assert "supplies" in model.direction  # a directed type learns its direction


def test_training_twice_gives_byte_identical_files(supplies_model, tmp_path):
    kg.train(SUPPLIES / "train.jsonl", out=tmp_path, types=SUPPLIES / "types.toml", patterns=SUPPLIES / "patterns.jsonl")
    assert model_files(tmp_path) == model_files(supplies_model)
    for name in model_files(tmp_path):
        assert (tmp_path / name).read_bytes() == (supplies_model / name).read_bytes(), name


@pytest.mark.parametrize("path", [default_model_path(), None])
def test_model_files_are_plain_data_and_small(path, supplies_model):
    import numpy as np

    path = path or supplies_model
    total = 0
    for name in model_files(path):
        data = (path / name).read_bytes()
        total += len(data)
        assert not data.startswith(b"\x80"), f"{name} looks pickled"
        if name.endswith(".npy"):
            nodes = np.load(path / name, allow_pickle=False)  # raises on an array of Python objects
            assert not nodes.dtype.hasobject
            continue
        for line in ([data] if name.endswith(".json") else data.splitlines()):
            json.loads(line)
    assert total < 10 * 1024 * 1024


def test_a_damaged_or_pickled_model_is_refused_with_its_path(tmp_path):
    import pickle

    (tmp_path / "model.json").write_text('{"format": "kg-relations/1"}')
    (tmp_path / "weights.json").write_bytes(pickle.dumps({"edge": {}}))
    with pytest.raises(ModelError, match=str(tmp_path)):
        RelationModel.from_disk(tmp_path)
    with pytest.raises(ModelError, match="kg train"):
        RelationModel.from_disk(tmp_path / "missing")


@pytest.mark.parametrize("text, message", [
    ("not toml [", "not valid TOML"),
    ("[[type]]\nname = 'x'\n", "needs name"),
    ("[[type]]\nname = 'x'\nsymmetric = true\ntriggers = ['A']\n[[type]]\nname = 'x'\nsymmetric = true\ntriggers = ['A']\n",
     "listed twice"),
])
def test_bad_types_files_name_the_file(text, message):
    with pytest.raises(InputError, match=message):
        parse_types(text, "mytypes.toml")


def test_default_types_are_the_three_built_in_ones():
    types = {t.name: t for t in load_types()}
    assert set(types) == {"partners-with", "exclusive-with", "revenue-share-capped"}
    assert types["partners-with"].symmetric and not types["revenue-share-capped"].symmetric
    assert "REVSHARE" in types["revenue-share-capped"].triggers


def test_a_bad_patterns_line_names_file_and_line(tmp_path):
    p = tmp_path / "terms.jsonl"
    p.write_text('{"label": "SUPPLY", "pattern": "supplies"}\n{"label": 3}\n')
    with pytest.raises(InputError, match=r"terms.jsonl:2"):
        load_patterns_file(p)


def test_cli_train_and_cross_validate(tmp_path):
    runner = CliRunner()
    out = tmp_path / "m"
    args = ["--types", str(SUPPLIES / "types.toml"), "--patterns", str(SUPPLIES / "patterns.jsonl")]
    res = runner.invoke(app, ["train", str(SUPPLIES / "train.jsonl"), "-o", str(out), *args])
    assert res.exit_code == 0, res.output
    assert "supplies" in res.output and (out / "weights.json").exists()
    plot = tmp_path / "cv.png"
    res = runner.invoke(app, ["eval", str(SUPPLIES / "train.jsonl"), "--cv", "3", "--json", "--plot", str(plot), *args])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{"):])
    assert data["cv_folds"] == 3 and 0 < data["candidate_recall"] <= 1
    assert data["scores"]["supplies"]["tp"] > 0 and {"bin", "edges", "precision"} <= set(data["reliability"][0])
    assert plot.read_bytes().startswith(b"\x89PNG")
    res = runner.invoke(app, ["eval", str(SUPPLIES / "train.jsonl"), "--cv", "2", "--splits", "2", *args])
    assert res.exit_code == 0, res.output
    assert "fold assignments" in res.output and "'a'" in res.output and "mean" in res.output


def test_several_fold_assignments_train_on_other_partitions_and_report_each(monkeypatch):
    from kg.learn import run

    trained_on = []
    real_fit = run.fit

    def recording_fit(data, *args, **kwargs):
        trained_on.append(frozenset(d.passage.id for d in data))
        return real_fit(data, *args, **kwargs)

    monkeypatch.setattr(run, "fit", recording_fit)
    args = {"types": SUPPLIES / "types.toml", "patterns": SUPPLIES / "patterns.jsonl"}
    report = run.cross_validate([SUPPLIES / "train.jsonl"], 3, splits=2, **args).to_dict()
    assert len(trained_on) == 6
    first, second = set(trained_on[:3]), set(trained_on[3:])
    assert first != second  # the second assignment holds out other passages
    assert [s["salt"] for s in report["splits"]] == ["", "a"]
    assert report["splits"][0]["f1"] == report["scores"]["overall"]["f1"]
    f1s = [s["f1"] for s in report["splits"]]
    assert report["splits_mean"]["f1"] == {"mean": round(sum(f1s) / 2, 4), "min": min(f1s), "max": max(f1s)}
    assert "supplies" in report["splits_mean"]["types"]
    with pytest.raises(InputError, match="--splits 11"):
        run.cross_validate([SUPPLIES / "train.jsonl"], 3, splits=11, **args)


def test_one_fold_assignment_reports_no_splits():
    from kg.learn import run

    args = {"types": SUPPLIES / "types.toml", "patterns": SUPPLIES / "patterns.jsonl"}
    assert "splits" not in run.cross_validate([SUPPLIES / "train.jsonl"], 2, **args).to_dict()


def test_train_refuses_a_missing_gold_file(tmp_path):
    with pytest.raises(InputError, match="no such gold file"):
        train([tmp_path / "nope.jsonl"])


def test_a_model_of_the_previous_format_loads_without_a_party_model(tmp_path):
    import shutil

    shutil.copytree(default_model_path(), tmp_path / "m")
    config = json.loads((tmp_path / "m" / "model.json").read_text())
    weights = json.loads((tmp_path / "m" / "weights.json").read_text())
    config["format"] = "kg-relations/3"
    del weights["party"]
    (tmp_path / "m" / "model.json").write_text(json.dumps(config))
    (tmp_path / "m" / "weights.json").write_text(json.dumps(weights))
    old, new = RelationModel.from_disk(tmp_path / "m"), RelationModel.from_disk(default_model_path())
    assert old.party is None and new.party is not None
    assert old.parties(object()) == {}


@pytest.mark.parametrize("path", [None, "supplies"])
def test_every_calibration_is_monotone(path, supplies_model):
    # smoothing each isotonic block towards 0.5 must not make a higher score mean a lower confidence
    model = RelationModel.from_disk(supplies_model if path else default_model_path())
    assert model.calibration
    for name, cal in model.calibration.items():
        assert cal.ys == sorted(cal.ys), name


def test_smoothed_blocks_stay_in_order():
    from kg.learn.train import _fit_calibration

    # blocks of 18/32 right and then 4/7 right: smoothed alone they would read 0.559 then 0.556
    probs = [0.1] * 32 + [0.2] * 7
    labels = [1] * 18 + [0] * 14 + [1] * 4 + [0] * 3
    cal = _fit_calibration(probs, labels)
    assert cal(0.2) >= cal(0.1)
    assert cal.ys == sorted(cal.ys)
