"""Training: gold passages -> prepared candidates with labels -> fitted scorers -> a RelationModel.

The edge model of each type is the mean of a logistic regression and a random forest over the
pair features; its threshold and an isotonic calibration are chosen on out-of-fold predictions
(folds by a hash of the passage id), so the confidence of an edge is a probability measured on
passages the model did not see. Direction and status are logistic regressions.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from kg.learn.evaluate import Passage, norm
from kg.learn.features import Features
from kg.learn.forest import fit_forest, join
from kg.learn.model import Calibration, EdgeModel, Linear, RelationModel
from kg.learn.parties import cross_fit, party_row
from kg.learn.predict import Prepared
from kg.learn.types import RelationType
from kg.models import DocResult

C = 0.3  # inverse regularization strength of every logistic regression (chosen by cross-validation on dev: 0.03-3)
INNER_FOLDS = 5
# An edge joins two parties of a deal: a candidate whose less likely end the party model (kg.learn.parties)
# puts below this is no edge. Cross-validated on dev (3 fold assignments, thresholds re-chosen): see README.
PARTY_GATE = 0.4


@dataclass
class PassageData:
    """A gold passage after the pipeline: its extracted entities, prepared candidates and their gold labels."""

    passage: Passage
    result: DocResult  # entities only
    items: list[Prepared]
    gold: dict[tuple[str, str, str], dict] = field(default_factory=dict)  # (type, a, b) -> gold relation
    missed: Counter = field(default_factory=Counter)  # gold edges per type with no candidate
    parties: dict[str, int] = field(default_factory=dict)  # candidate name -> 1 when it is an end of a gold edge


def fold_of(passage_id: str, k: int, salt: str = "") -> int:
    """The fold of a passage: a hash of its id (after ``salt``, which gives another fold assignment), so
    folds do not depend on file order.

    >>> fold_of("dev-001", 5) == fold_of("dev-001", 5)
    True
    >>> len({tuple(fold_of(f"p{i}", 5, salt) for i in range(20)) for salt in ("", "a", "b")})
    3
    """
    return int(hashlib.sha1((salt + passage_id).encode("utf-8")).hexdigest(), 16) % k


def label_passage(passage: Passage, result: DocResult, items: list[Prepared], types: list[RelationType]) -> PassageData:
    """Attach each gold edge of the passage to the candidate whose names match its entities (as the scorer does)."""
    gold_names = [{norm(e["name"]), *(norm(a) for a in e.get("aliases", []))} for e in passage.entities]
    index = {e["name"]: i for i, e in enumerate(passage.entities)}
    text = passage.text.casefold()
    spellings = {e.name: {norm(e.name)} | {norm(a) for a in e.aliases if a.casefold() in text} for e in result.entities}

    def ids(name: str) -> set[int]:
        names = spellings.get(name, {norm(name)})
        return {i for i, g in enumerate(gold_names) if names & g}

    data = PassageData(passage, result, items)
    symmetric = {t.name: t.symmetric for t in types}
    ends = {index.get(g[k], -1) for g in passage.relations for k in ("source", "target")}
    for item in items:
        for name in (item.a, item.b):
            data.parties[name] = int(bool(ids(name) & ends))
    for g in passage.relations:
        if g["type"] not in symmetric:
            continue
        gs, gt = index.get(g["source"], -1), index.get(g["target"], -1)
        hit = None
        for item in items:
            ia, ib = ids(item.a), ids(item.b)
            if gs in ia and gt in ib:
                hit = (item, item.a)
            elif gs in ib and gt in ia:
                hit = (item, item.b)
            if hit and g["type"] in item.types:
                break
            hit = None
        if hit is None:
            data.missed[g["type"]] += 1
            continue
        item, source = hit
        data.gold.setdefault((g["type"], item.a, item.b), {**g, "source": source})
    return data


# -- fitting ------------------------------------------------------------------------------------
def _fit_linear(rows: list[dict], labels: list) -> Linear | None:
    """A logistic regression on feature dicts, as plain weights; None when a class is missing."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        return None
    vec = DictVectorizer(sort=True)
    X = vec.fit_transform(rows)
    clf = LogisticRegression(C=C, max_iter=5000, solver="lbfgs")
    clf.fit(X, labels)
    return Linear.from_sklearn(clf, list(vec.get_feature_names_out()))


def _edge_rows(data: Iterable[PassageData], name: str, parties: dict) -> tuple[list[dict], list[int]]:
    rows, labels = [], []
    for d in data:
        for item in d.items:
            if name in item.types:
                rows.append({**item.pair[name], **parties.get(id(item), {})})
                labels.append(int((name, item.a, item.b) in d.gold))
    return rows, labels


def _fit_parties(data: list[PassageData]) -> tuple[Linear | None, dict[int, Features]]:
    """The party model on every name of the passages that have gold edges (trap passages say nothing of who
    would be a party), and each candidate's party features from the models that did not see its passage."""
    ends = {id(d): _ends(d) for d in data}
    keys = [(d, name) for d in data for name in sorted(d.parties)]
    rows = [ends[id(d)][name] for d, name in keys]
    labels = [d.parties[name] for d, name in keys]
    groups = [fold_of(d.passage.id, INNER_FOLDS) for d, _ in keys]
    train = [bool(d.passage.relations) for d, _ in keys]
    model = _fit_linear([r for r, t in zip(rows, train) if t], [y for y, t in zip(labels, train) if t])
    if model is None:
        return None, {}
    probs = dict(zip(((id(d), name) for d, name in keys), cross_fit(rows, labels, groups, INNER_FOLDS, _fit_linear, train)))
    return model, {id(item): party_row(probs[id(d), item.a], probs[id(d), item.b]) for d in data for item in d.items}


def _ends(d: PassageData) -> dict[str, Features]:
    out = {}
    for item in d.items:
        out.setdefault(item.a, item.ends[0])
        out.setdefault(item.b, item.ends[1])
    return out


def _fit_edges(data: list[PassageData], types: list[RelationType], seed: int = 0,
               parties: dict | None = None) -> dict[str, EdgeModel]:
    out = {}
    for t in types:
        rows, labels = _edge_rows(data, t.name, parties or {})
        model = _fit_linear(rows, labels)
        if model is not None:
            out[t.name] = EdgeModel(model, fit_forest(rows, labels, seed))
    return out


def _fit_direction(data: list[PassageData], types: list[RelationType]) -> dict[str, Linear]:
    out = {}
    for t in (t for t in types if not t.symmetric):
        rows, labels = [], []
        for d in data:
            for item in d.items:
                g = d.gold.get((t.name, item.a, item.b))
                if g is None or t.name not in item.direction:
                    continue
                fa, fb = item.direction[t.name]
                a_is_source = g["source"] == item.a
                rows += [fa, fb]
                labels += [int(a_is_source), int(not a_is_source)]
        model = _fit_linear(rows, labels)
        if model is not None:
            out[t.name] = model
    return out


def _fit_status(data: list[PassageData]) -> Linear | None:
    rows, labels = [], []
    for d in data:
        for item in d.items:
            for name in item.types:
                g = d.gold.get((name, item.a, item.b))
                if g is not None:
                    rows.append(item.status[name])
                    labels.append(g.get("status", "active"))
    return _fit_linear(rows, labels)


def _fit_calibration(probs: list[float], labels: list[int]) -> Calibration:
    """Isotonic regression of the labels on out-of-fold probabilities, kept as its knots."""
    from sklearn.isotonic import IsotonicRegression

    if len(set(labels)) < 2:
        return Calibration()
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(probs, labels)
    # Each block's precision with one right and one wrong edge added: a block of 20 right edges says 0.95,
    # not a certainty it has not earned.
    fitted = iso.predict(probs)
    blocks: dict[float, list[int]] = {}
    for value, label in zip(fitted.tolist(), labels):
        blocks.setdefault(round(value, 9), []).append(label)
    smooth = {v: (sum(ls) + 1) / (len(ls) + 2) for v, ls in blocks.items()}
    ys = [smooth.get(round(float(y), 9), float(y)) for y in iso.y_thresholds_]
    # smoothing can put a small block just under the larger one before it (18/32 -> 0.559, then 4/7 -> 0.556);
    # the map stays monotone, as a calibration must: a higher score never means a lower confidence
    ys = list(accumulate(ys, max))
    return Calibration([float(x) for x in iso.X_thresholds_], [round(y, 6) for y in ys])


def _best_threshold(probs: list[float], labels: list[int], missed: int) -> float:
    """The threshold with the highest F1 over out-of-fold predictions (gold edges with no candidate count as misses)."""
    total = sum(labels) + missed
    pairs = sorted(zip(probs, labels), reverse=True)
    best, best_f1, tp = 0.5, -1.0, 0
    for i, (p, y) in enumerate(pairs):
        tp += y
        f1 = 2 * tp / (i + 1 + total) if total else 0.0
        nxt = pairs[i + 1][0] if i + 1 < len(pairs) else 0.0
        if f1 > best_f1 and p > nxt:
            best_f1, best = f1, (p + nxt) / 2
    # With calibrated probabilities the F1-optimal threshold is half the F1 reached: an edge less likely
    # than that to be right costs more precision than it brings recall, whatever a lucky fold says.
    return round(max(best, best_f1 / 2), 4)


def _average(models: list[EdgeModel]) -> EdgeModel:
    """One edge model whose probability is about the mean of the models' (the forests' trees pooled)."""
    forests = [m.forest for m in models if m.forest is not None]
    return EdgeModel(_average_linear([m.linear for m in models]), join(forests) if forests else None)


def _average_linear(models: list[Linear]) -> Linear:
    """One linear model whose scores are the mean of the models' scores (a feature missing from one counts 0)."""
    n = len(models)
    names = sorted({k for m in models for k in m.weights})
    width = len(models[0].intercepts)
    weights = {k: [sum(m.weights.get(k, [0.0] * width)[i] for m in models) / n for i in range(width)] for k in names}
    return Linear(models[0].classes, weights, [sum(m.intercepts[i] for m in models) / n for i in range(width)])


def fit(data: list[PassageData], types: list[RelationType], *, patterns: list[dict] | None = None,
        info: dict | None = None, progress: Callable[[str], None] | None = None) -> RelationModel:
    """A RelationModel from labelled passages.

    The edge model of a type is the average of the models trained on inner folds (each leaving
    out a fifth of the passages); its calibration and threshold are fitted on their out-of-fold
    predictions, so they hold for the averaged model on passages it has not seen.
    """
    tick = progress or (lambda _msg: None)
    party, parties = _fit_parties(data)
    oof: dict[str, tuple[list[float], list[int]]] = {t.name: ([], []) for t in types}
    inner: dict[str, list[EdgeModel]] = {t.name: [] for t in types}
    gated = {t.name: 0 for t in types}  # gold edges the party gate keeps out: misses, for the threshold
    for k in range(INNER_FOLDS):
        train = [d for d in data if fold_of(d.passage.id, INNER_FOLDS) != k]
        test = [d for d in data if fold_of(d.passage.id, INNER_FOLDS) == k]
        edges = _fit_edges(train, types, seed=k, parties=parties)
        for t in types:
            if t.name not in edges:
                continue
            inner[t.name].append(edges[t.name])
            rows, labels = _edge_rows(test, t.name, parties)
            keep = [i for i, row in enumerate(rows) if party is None or row.get("party_min", 1.0) >= PARTY_GATE]
            gated[t.name] += sum(labels[i] for i in range(len(rows))) - sum(labels[i] for i in keep)
            oof[t.name][0].extend(edges[t.name].proba([rows[i] for i in keep]))
            oof[t.name][1].extend(labels[i] for i in keep)
        tick(f"inner fold {k + 1}/{INNER_FOLDS}")
    calibration, thresholds, edge = {}, {}, {}
    for t in types:
        if not inner[t.name]:
            continue
        edge[t.name] = _average(inner[t.name])
        probs, labels = oof[t.name]
        calibration[t.name] = _fit_calibration(probs, labels)
        calibrated = [calibration[t.name](p) for p in probs]
        thresholds[t.name] = _best_threshold(calibrated, labels, sum(d.missed[t.name] for d in data) + gated[t.name])
    model = RelationModel(types=list(types), edge=edge, direction=_fit_direction(data, types),
                          status=_fit_status(data), thresholds=thresholds, calibration=calibration,
                          patterns=list(patterns or []), info=dict(info or {}), party=party,
                          party_gate=PARTY_GATE if party is not None else 0.0)
    tick("final model")
    return model


def summary(data: list[PassageData], types: list[RelationType]) -> dict:
    """What training saw: passages, candidates, gold edges per type (and how many had no candidate)."""
    out = {"passages": len(data), "candidates": sum(len(d.items) for d in data), "edges": {}, "edges_without_candidate": {}}
    for t in types:
        out["edges"][t.name] = sum(1 for d in data for key in d.gold if key[0] == t.name)
        out["edges_without_candidate"][t.name] = sum(d.missed[t.name] for d in data)
    return out
