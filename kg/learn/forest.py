"""Random forests as plain arrays: grown by scikit-learn, stored as ``.npy``, scored in numpy.

A forest is its trees' nodes laid end to end. scikit-learn grows a tree depth first, so a split
node's left child is the next node; a node stores only its feature (-1 at a leaf), threshold,
right child and, at a leaf, the share of positive training rows. ``Forest.proba`` is the mean of
the trees' leaves, as ``RandomForestClassifier.predict_proba`` gives for the positive class.
Nothing here unpickles: a stored forest is a structured array read with ``allow_pickle=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.learn.features import Features

TREES = 60  # per forest; a model averages one forest per inner fold (5 x 60 trees)
MIN_LEAF = 3  # rows per leaf: a leaf of one or two rows is noise, and it keeps the model small
MAX_DEPTH = 20  # scoring walks the trees one level per step; deeper trees scored no better in cross-validation
NODE = np.dtype([("feature", "<i4"), ("right", "<i4"), ("threshold", "<f8"), ("value", "<f4")])


@dataclass
class Forest:
    """Trees over named features; ``nodes`` as ``NODE`` rows, ``roots`` the first node of each tree."""

    names: list[str]
    nodes: np.ndarray
    roots: np.ndarray

    @property
    def trees(self) -> int:
        return len(self.roots)

    def __post_init__(self) -> None:
        self._index = {name: i for i, name in enumerate(self.names)}

    def proba(self, rows: list[Features]) -> np.ndarray:
        """The probability of the positive class for each row of features."""
        if not rows:
            return np.zeros(0)
        X = np.zeros((len(rows), len(self.names) + 1), dtype=np.float32)  # the last column: features it never split on
        for r, row in enumerate(rows):
            for name, value in row.items():
                X[r, self._index.get(name, -1)] = value
        feature, right, threshold = self.nodes["feature"], self.nodes["right"], self.nodes["threshold"]
        at = np.tile(self.roots, len(rows))  # (row, tree) pairs, flat
        line = np.repeat(np.arange(len(rows)), self.trees)
        live = np.flatnonzero(feature[at] >= 0)  # the pairs not yet at a leaf
        while live.size:
            node = at[live]
            go_right = X[line[live], feature[node]] > threshold[node]  # float32 x against float64 threshold, as sklearn
            at[live] = np.where(go_right, right[node], node + 1)
            live = live[feature[at[live]] >= 0]
        return self.nodes["value"][at].reshape(len(rows), self.trees).astype(np.float64).mean(axis=1)

    def to_disk(self, path: Path) -> None:
        with open(path, "wb") as fh:
            np.save(fh, self.nodes, allow_pickle=False)

    @classmethod
    def from_disk(cls, path: Path, names: list[str], roots: list[int]) -> Forest:
        nodes = np.load(path, allow_pickle=False)
        if nodes.dtype != NODE or nodes.ndim != 1:
            raise ValueError(f"{path.name}: nodes of dtype {nodes.dtype}, expected {NODE}")
        roots = np.asarray(roots, dtype=np.int64)
        split = nodes["feature"] >= 0
        if (nodes["feature"].max(initial=-1) >= len(names) or (roots < 0).any() or (roots >= len(nodes)).any()
                or (nodes["right"][split] <= np.flatnonzero(split)).any() or (nodes["right"] >= len(nodes)).any()
                or split[-1:].any()):
            raise ValueError(f"{path.name}: a node points outside the forest")
        return cls(list(names), nodes, roots)

    @classmethod
    def from_sklearn(cls, clf, names: list[str]) -> Forest:
        """A fitted binary ``RandomForestClassifier``; only the features it splits on are kept."""
        positive = list(clf.classes_).index(1)
        return join([cls(names, _tree_nodes(est.tree_, positive), np.zeros(1, dtype=np.int64)) for est in clf.estimators_])


def _tree_nodes(t, positive: int) -> np.ndarray:
    """One sklearn tree as ``NODE`` rows (feature indices into the vectorizer's names)."""
    split = t.children_left >= 0
    if not np.array_equal(t.children_left[split], np.flatnonzero(split) + 1):
        raise ValueError("a tree not grown depth first: its left children do not follow their parents")
    nodes = np.zeros(t.node_count, dtype=NODE)
    nodes["feature"] = np.where(split, t.feature, -1)
    nodes["right"] = np.where(split, t.children_right, -1)
    nodes["threshold"] = np.where(split, t.threshold, 0.0)
    counts = t.value[:, 0, :]
    nodes["value"] = np.where(split, 0.0, counts[:, positive] / counts.sum(axis=1))
    return nodes


def fit_forest(rows: list[Features], labels: list[int], seed: int = 0) -> Forest:
    """A random forest on feature dicts (labels 0/1 with both present)."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sort=True)
    X = vec.fit_transform(rows)
    clf = RandomForestClassifier(n_estimators=TREES, min_samples_leaf=MIN_LEAF, max_depth=MAX_DEPTH, max_features="sqrt",
                                 random_state=seed, n_jobs=1)
    clf.fit(X, labels)
    return Forest.from_sklearn(clf, list(vec.get_feature_names_out()))


def join(forests: list[Forest]) -> Forest:
    """One forest holding every tree of the given ones (its probability is the mean over all trees).

    Only the features some tree splits on are kept, in sorted order.
    """
    names = sorted({f.names[i] for f in forests for i in np.unique(f.nodes["feature"][f.nodes["feature"] >= 0])})
    index = {n: i for i, n in enumerate(names)}
    parts, roots, offset = [], [], 0
    for f in forests:
        nodes = f.nodes.copy()
        remap = np.asarray([index.get(n, -1) for n in f.names] + [-1], dtype=np.int32)
        nodes["feature"] = remap[nodes["feature"]]  # -1 (leaf) maps through the last entry to -1
        nodes["right"] = np.where(nodes["right"] >= 0, nodes["right"] + offset, -1)
        parts.append(nodes)
        roots.extend(int(r) + offset for r in f.roots)
        offset += len(nodes)
    return Forest(names, np.concatenate(parts), np.asarray(roots, dtype=np.int64))
