"""A trained relation model as a directory of plain data (JSON and JSON Lines; no pickle).

``model.json`` holds the relation types, thresholds, calibration and what the model was trained
on; ``weights.json`` the logistic-regression weights by feature name and each random forest's
feature names and tree roots; ``forest-N.npy`` a forest's nodes (a structured numpy array);
``patterns.jsonl`` the deal-term patterns added at training time. Files are written with sorted
keys and rounded numbers, so training twice on the same passages gives the same bytes. Loading
reads JSON and ``.npy`` with ``allow_pickle=False``: nothing in a model directory can run code.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kg.errors import ModelError
from kg.learn.features import Features
from kg.learn.forest import Forest
from kg.learn.parties import party_row
from kg.learn.types import RelationType

FORMAT = "kg-relations/4"
READS = {"kg-relations/2", "kg-relations/3", FORMAT}  # 3: without the party model; 2: without forests too
FOREST_SHARE = 0.5  # an edge's probability: this share the forest's, the rest the regression's
DIGITS = 6  # rounding of stored numbers: stable bytes, no change in any decision


def _r(x: float) -> float:
    return round(float(x), DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass
class Linear:
    """A logistic regression over named features: one weight vector per class (one for a binary model)."""

    classes: list[str]
    weights: dict[str, list[float]]  # feature -> weight per row of ``intercepts``
    intercepts: list[float]

    def scores(self, features: dict[str, float]) -> list[float]:
        out = list(self.intercepts)
        for name, value in features.items():
            w = self.weights.get(name)
            if w is not None:
                for i, wi in enumerate(w):
                    out[i] += wi * value
        return out

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        """Class probabilities (sigmoid for two classes, softmax for more)."""
        s = self.scores(features)
        if len(self.classes) == 2:
            p = 1.0 / (1.0 + math.exp(-max(min(s[0], 50.0), -50.0)))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(s)
        exp = [math.exp(x - top) for x in s]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp)}

    def to_dict(self) -> dict:
        return {"classes": self.classes, "intercepts": [_r(x) for x in self.intercepts],
                "weights": {k: [_r(x) for x in v] for k, v in sorted(self.weights.items())}}

    @classmethod
    def from_dict(cls, data: dict) -> Linear:
        return cls(list(data["classes"]), {k: [float(x) for x in v] for k, v in data["weights"].items()},
                   [float(x) for x in data["intercepts"]])

    @classmethod
    def from_sklearn(cls, clf, names: list[str]) -> Linear:
        """Weights of a fitted ``LogisticRegression``, keyed by the vectorizer's feature names; zeros dropped."""
        coef = clf.coef_
        weights = {names[j]: [float(coef[i, j]) for i in range(coef.shape[0])]
                   for j in range(coef.shape[1]) if any(abs(coef[i, j]) > 10 ** -DIGITS for i in range(coef.shape[0]))}
        return cls([str(c) for c in clf.classes_], weights, [float(x) for x in clf.intercept_])


@dataclass
class EdgeModel:
    """A type's edge scorer: the mean of a logistic regression's and a random forest's probabilities.

    The regression carries the features that add up; the forest their interactions (a deal word
    *and* two organizations listed together), which a linear model cannot weigh.
    """

    linear: Linear
    forest: Forest | None = None

    def proba(self, rows: list[Features]) -> list[float]:
        """The probability that each candidate (its pair features) is an edge of the type."""
        linear = [self.linear.proba(r)[self.linear.classes[-1]] for r in rows]
        if self.forest is None:
            return linear
        return [(1 - FOREST_SHARE) * a + FOREST_SHARE * b for a, b in zip(linear, self.forest.proba(rows).tolist())]


@dataclass
class Calibration:
    """A monotone map from a model's probability to the precision observed out of fold (isotonic, as knots)."""

    xs: list[float] = field(default_factory=lambda: [0.0, 1.0])
    ys: list[float] = field(default_factory=lambda: [0.0, 1.0])

    def __call__(self, p: float) -> float:
        """Linear interpolation between the knots, flat beyond them.

        >>> Calibration([0.2, 0.6], [0.1, 0.5])(0.4), Calibration([0.2, 0.6], [0.1, 0.5])(0.9)
        (0.3, 0.5)
        """
        xs, ys = self.xs, self.ys
        if p <= xs[0]:
            return ys[0]
        if p >= xs[-1]:
            return ys[-1]
        i = bisect.bisect_right(xs, p)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return round(y0 + (y1 - y0) * (p - x0) / (x1 - x0), 12) if x1 > x0 else y1


@dataclass
class RelationModel:
    """Everything needed to score candidates: types, per-type edge and direction models, status, thresholds."""

    types: list[RelationType]
    edge: dict[str, EdgeModel]
    direction: dict[str, Linear]
    status: Linear | None
    thresholds: dict[str, float]
    calibration: dict[str, Calibration] = field(default_factory=dict)
    patterns: list[dict] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    party: Linear | None = None  # is a name a party here (kg.learn.parties); its probabilities feed the edge models
    # an edge joins two parties: no edge whose less likely end the party model puts below this
    party_gate: float = 0.0

    def type(self, name: str) -> RelationType:
        return next(t for t in self.types if t.name == name)

    def parties(self, item) -> Features:
        """The edge models' party features of a prepared pair (none without a party model)."""
        if self.party is None:
            return {}
        pa, pb = (self.party.proba(f)[self.party.classes[-1]] for f in item.ends)
        return party_row(pa, pb)

    def gated(self, row: Features) -> bool:
        """Is a pair with these party features (:meth:`parties`) kept out: an end that is likely no party?"""
        return self.party is not None and row.get("party_min", 1.0) < self.party_gate

    def to_disk(self, path: str | Path) -> Path:
        """Write the model directory (``model.json``, ``weights.json``, ``forest-N.npy``, ``patterns.jsonl``)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        config = {
            "format": FORMAT,
            "types": [t.to_dict() for t in self.types],
            "thresholds": {k: _r(v) for k, v in sorted(self.thresholds.items())},
            "calibration": {k: {"xs": [_r(x) for x in c.xs], "ys": [_r(y) for y in c.ys]}
                            for k, c in sorted(self.calibration.items())},
            "info": self.info,
            "party_gate": _r(self.party_gate),
        }
        for stale in path.glob("forest-*.npy"):
            stale.unlink()
        forests = {}
        for n, (name, m) in enumerate(sorted(self.edge.items())):
            if m.forest is not None:
                forests[name] = {"file": f"forest-{n}.npy", "names": m.forest.names,
                                 "roots": [int(r) for r in m.forest.roots]}
                m.forest.to_disk(path / forests[name]["file"])
        weights = {
            "edge": {k: m.linear.to_dict() for k, m in sorted(self.edge.items())},
            "forest": forests,
            "direction": {k: m.to_dict() for k, m in sorted(self.direction.items())},
            "status": self.status.to_dict() if self.status else None,
            "party": self.party.to_dict() if self.party else None,
        }
        _write(path / "model.json", json.dumps(config, sort_keys=True, indent=1) + "\n")
        _write(path / "weights.json", json.dumps(weights, sort_keys=True, separators=(",", ":")) + "\n")
        _write(path / "patterns.jsonl", "".join(json.dumps(p, sort_keys=True) + "\n" for p in self.patterns))
        return path

    @classmethod
    def from_disk(cls, path: str | Path) -> RelationModel:
        """Read a model directory; a missing or damaged one raises :class:`ModelError` naming it."""
        path = Path(path)
        try:
            config = json.loads((path / "model.json").read_text(encoding="utf-8"))
            weights = json.loads((path / "weights.json").read_text(encoding="utf-8"))
            pfile = path / "patterns.jsonl"
            patterns = [json.loads(line) for line in pfile.read_text(encoding="utf-8").splitlines() if line.strip()] \
                if pfile.exists() else []
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: not a kg relation model ({exc}); train one with `kg train GOLD.jsonl -o DIR`") from exc
        if config.get("format") not in READS:
            raise ModelError(f"{path}: model format {config.get('format')!r}, expected {FORMAT!r}; retrain it with `kg train`")
        try:
            return cls(
                types=[RelationType(t["name"], bool(t["symmetric"]), tuple(t["triggers"])) for t in config["types"]],
                edge={k: EdgeModel(Linear.from_dict(v), _forest(path, weights.get("forest", {}).get(k)))
                      for k, v in weights["edge"].items()},
                direction={k: Linear.from_dict(v) for k, v in weights["direction"].items()},
                status=Linear.from_dict(weights["status"]) if weights.get("status") else None,
                thresholds={k: float(v) for k, v in config["thresholds"].items()},
                calibration={k: Calibration([float(x) for x in v["xs"]], [float(y) for y in v["ys"]])
                             for k, v in config.get("calibration", {}).items()},
                patterns=patterns,
                info=config.get("info", {}),
                party=Linear.from_dict(weights["party"]) if weights.get("party") else None,
                party_gate=float(config.get("party_gate", 0.0)),
            )
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: damaged kg relation model ({exc!r}); retrain it with `kg train`") from exc


def _forest(path: Path, entry: dict | None) -> Forest | None:
    if entry is None:
        return None
    file = path / entry["file"]
    if file.parent != path:
        raise ValueError(f"forest file {entry['file']!r} outside the model directory")
    return Forest.from_disk(file, entry["names"], entry["roots"])


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def default_model_path() -> Path:
    """The model shipped in the package (trained on the shared dev passages and kg's own)."""
    return Path(str(resources.files("kg.data").joinpath("relations_model")))
