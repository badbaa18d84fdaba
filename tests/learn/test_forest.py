"""Random forests as plain arrays: the numpy scorer agrees with scikit-learn, pooling averages, files hold no code."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from kg.errors import ModelError
from kg.learn.forest import NODE, Forest, join
from kg.learn.model import EdgeModel, Linear, RelationModel
from kg.learn.types import RelationType


def _rows(seed: int, n: int = 120) -> tuple[list[dict], list[int]]:
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for _ in range(n):
        row = {f"word={w}": 1.0 for w in rng.choice(8, size=3, replace=False)}
        row["distance"] = float(rng.integers(0, 12))
        rows.append(row)
        labels.append(int(("word=1" in row) != (row["distance"] > 6)))  # an interaction, not a sum
    return rows, labels


def _sklearn(rows, labels, seed=0, trees=7):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sort=True)
    clf = RandomForestClassifier(n_estimators=trees, min_samples_leaf=2, random_state=seed).fit(vec.fit_transform(rows), labels)
    return vec, clf


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_the_numpy_scorer_gives_what_sklearn_gives(seed):
    rows, labels = _rows(seed)
    vec, clf = _sklearn(rows, labels, seed)
    forest = Forest.from_sklearn(clf, list(vec.get_feature_names_out()))
    unseen, _ = _rows(seed + 1, 40)
    unseen[0]["a feature never seen"] = 1.0
    expected = clf.predict_proba(vec.transform(unseen))[:, list(clf.classes_).index(1)]
    assert np.allclose(forest.proba(unseen), expected, atol=1e-6)


def test_a_forest_learns_an_interaction_a_linear_model_cannot():
    rows, labels = _rows(3, 400)
    vec, clf = _sklearn(rows, labels, trees=30)
    forest = Forest.from_sklearn(clf, list(vec.get_feature_names_out()))
    test, truth = _rows(4, 200)
    assert np.mean((forest.proba(test) > 0.5) == np.asarray(truth, dtype=bool)) > 0.9


def test_pooled_forests_score_the_mean_of_their_trees():
    parts = []
    for seed in (1, 2):
        rows, labels = _rows(seed)
        rows = [{f"{k}@{seed}" if k.startswith("word=1") else k: v for k, v in r.items()} for r in rows]  # vocabularies differ
        vec, clf = _sklearn(rows, labels, seed)
        parts.append(Forest.from_sklearn(clf, list(vec.get_feature_names_out())))
    test, _ = _rows(9, 30)
    test = [{**r, "word=1@1": 1.0, "word=1@2": 1.0} for r in test[:15]] + test[15:]
    pooled = join(parts)
    assert pooled.trees == parts[0].trees + parts[1].trees
    assert np.allclose(pooled.proba(test), (parts[0].proba(test) + parts[1].proba(test)) / 2)


def _model(tmp_path):
    rows, labels = _rows(5)
    vec, clf = _sklearn(rows, labels)
    linear = Linear(["0", "1"], {"distance": [0.1]}, [-0.5])
    edge = EdgeModel(linear, Forest.from_sklearn(clf, list(vec.get_feature_names_out())))
    model = RelationModel([RelationType("supplies", False, ("SUPPLY",))], {"supplies": edge}, {}, None, {"supplies": 0.5})
    return model, rows


def test_a_model_with_forests_reads_back_the_same_and_holds_no_pickle(tmp_path):
    model, rows = _model(tmp_path)
    model.to_disk(tmp_path)
    (tmp_path / "forest-7.npy").write_bytes(b"stale")
    model.to_disk(tmp_path)
    assert sorted(p.name for p in tmp_path.glob("forest-*.npy")) == ["forest-0.npy"]  # a stale forest is removed
    back = RelationModel.from_disk(tmp_path)
    assert back.edge["supplies"].proba(rows) == pytest.approx(model.edge["supplies"].proba(rows))
    assert np.load(tmp_path / "forest-0.npy", allow_pickle=False).dtype == NODE


def test_a_forest_file_holding_objects_or_bad_links_or_outside_the_model_is_refused(tmp_path):
    import json

    model, _ = _model(tmp_path)
    model.to_disk(tmp_path)
    np.save(tmp_path / "forest-0.npy", np.array([{"code": "run me"}], dtype=object), allow_pickle=True)
    with pytest.raises(ModelError, match="damaged"):
        RelationModel.from_disk(tmp_path)
    model.to_disk(tmp_path)
    nodes = np.load(tmp_path / "forest-0.npy", allow_pickle=False)
    nodes["right"][np.flatnonzero(nodes["feature"] >= 0)[0]] = 0  # a loop back to the root
    np.save(tmp_path / "forest-0.npy", nodes, allow_pickle=False)
    with pytest.raises(ModelError, match="outside the forest"):
        RelationModel.from_disk(tmp_path)
    model.to_disk(tmp_path)
    weights = json.loads((tmp_path / "weights.json").read_text())
    weights["forest"]["supplies"]["file"] = "../elsewhere.npy"
    (tmp_path / "weights.json").write_text(json.dumps(weights))
    with pytest.raises(ModelError, match="outside the model directory"):
        RelationModel.from_disk(tmp_path)
