"""Training and cross-validation end to end: gold files in, a model or an honest report out.

>>> import tempfile, pathlib
>>> gold = pathlib.Path(tempfile.mkdtemp()) / "g.jsonl"
>>> _ = gold.write_text('{"id": "a", "text": "Acme Corp. signed a partnership with Globex Inc.", '
...                     '"entities": [{"name": "Acme Corp", "aliases": []}, {"name": "Globex Inc", "aliases": []}], '
...                     '"relations": [{"type": "partners-with", "source": "Acme Corp", "target": "Globex Inc"}]}\\n')
>>> model = train([gold])
>>> model.info["summary"]["edges"]["partners-with"]
1
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.learn.evaluate import Passage, Report, passage_documents, read_gold, score
from kg.learn.model import RelationModel
from kg.learn.predict import prepare_doc, score_prepared
from kg.learn.train import PassageData, fit, fold_of, label_passage, summary
from kg.learn.types import RelationType, load_types
from kg.models import DocResult

Progress = Callable[[str, int, int], None]  # (stage, done, total)
RELIABILITY_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def read_passages(paths: Iterable[str | Path]) -> list[Passage]:
    """Passages of several gold files; ids must be unique across them."""
    out: list[Passage] = []
    seen: dict[str, str] = {}
    for path in paths:
        for p in read_gold(path):
            if p.id in seen:
                raise InputError(f"{path}: passage id {p.id!r} also in {seen[p.id]}; give every passage its own id")
            seen[p.id] = str(path)
            out.append(p)
    return out


def load_patterns_file(path: str | Path | None) -> list[dict]:
    """Extra deal-term patterns (spaCy span-ruler JSON Lines); a bad line raises InputError naming file and line."""
    import json

    if path is None:
        return []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the patterns file ({exc.strerror}); give span-ruler JSON Lines") from exc
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row.get("label"), str) or not isinstance(row.get("pattern"), (str, list)):
                raise ValueError("needs label and pattern")
        except (ValueError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not a span-ruler pattern ({exc}); each line needs "
                             '{"label": ..., "pattern": ...}') from exc
        out.append(row)
    return out


def prepare_passages(passages: list[Passage], types: list[RelationType], *, patterns: list[dict] | None = None,
                     model: str | None = None, progress: Progress | None = None) -> list[PassageData]:
    """Run the pipeline (rules, no scorer) over gold passages; candidates with features and gold labels."""
    from kg.nlp.results import _prepared, doc_to_result
    from kg.nlp.fastpath import build_pipeline

    nlp = build_pipeline(model, extra_patterns=patterns,
                         trigger_labels={label for t in types for label in t.triggers})
    docs = passage_documents(passages)
    by_id = {p.id: p for p in passages}
    out = []
    stream = nlp.pipe(((_prepared(nlp, d), d) for d in docs), as_tuples=True, batch_size=32)
    for n, (doc, document) in enumerate(stream, 1):
        result = doc_to_result(doc, document)
        items = prepare_doc(doc, types)
        out.append(label_passage(by_id[document.id], result.model_copy(update={"relations": []}), items, types))
        if progress:
            progress("passages", n, len(docs))
    return out


def train(gold: Iterable[str | Path], *, types: str | Path | None = None, patterns: str | Path | None = None,
          model: str | None = None, progress: Progress | None = None) -> RelationModel:
    """Train a relation model on gold files (``types``: a TOML types file; ``patterns``: extra deal terms)."""
    gold = [Path(g) for g in gold]
    rtypes = load_types(types)
    extra = load_patterns_file(patterns)
    data = prepare_passages(read_passages(gold), rtypes, patterns=extra, model=model, progress=progress)
    return fit_data(data, rtypes, patterns=extra, info={"trained_on": sorted(g.name for g in gold), "spacy_model": model
                                                        or "default"}, progress=progress)


def fit_data(data: list[PassageData], types: list[RelationType], *, patterns: list[dict] | None = None,
             info: dict | None = None, progress: Progress | None = None) -> RelationModel:
    tick = (lambda msg: progress("fit", 0, 0)) if progress else None
    return fit(data, types, patterns=patterns, info={**(info or {}), "summary": summary(data, types)}, progress=tick)


# The fold hash's salt of each fold assignment: the first is the unsalted hash every report uses.
SPLIT_SALTS = ("", "a", "b", "c", "d", "e", "f", "g", "h", "i")
SPLIT_KEYS = ("f1", "precision", "recall", "status_accuracy", "endpoint_precision")


@dataclass
class CVReport:
    """Cross-validated scores: the usual report plus candidate recall, the folds and a reliability table.

    With several fold assignments, ``splits`` holds the headline figures of each (the first is ``report``'s).
    """

    report: Report
    folds: int
    candidate_recall: float
    reliability: list[dict]
    thresholds: list[dict[str, float]]
    unthresholded: Report | None = None  # every candidate kept (threshold 0): for precision/recall by threshold
    splits: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = {**self.report.to_dict(), "cv_folds": self.folds, "candidate_recall": self.candidate_recall,
               "reliability": self.reliability, "thresholds": self.thresholds}
        if len(self.splits) > 1:
            out["splits"] = self.splits
            out["splits_mean"] = split_summary(self.splits)
        return out


def split_figures(report: Report, salt: str) -> dict:
    """The headline figures of one fold assignment: overall and per-type F1, precision, recall, status, endpoints."""
    d = report.to_dict()
    scores = d["scores"]
    figures = {**scores["overall"], **d}
    return {"salt": salt, **{key: figures[key] for key in SPLIT_KEYS},
            "types": {t: s["f1"] for t, s in scores.items() if t != "overall" and s["tp"] + s["fn"]}}


def split_summary(splits: list[dict]) -> dict:
    """Mean, lowest and highest of each headline figure over the fold assignments.

    >>> split_summary([{"f1": 0.7, "precision": 0.8, "recall": 0.6, "status_accuracy": 0.9,
    ...                 "endpoint_precision": 0.9, "types": {"x": 0.5}},
    ...                {"f1": 0.8, "precision": 0.8, "recall": 0.8, "status_accuracy": 0.9,
    ...                 "endpoint_precision": 1.0, "types": {"x": 0.7}}])["f1"]
    {'mean': 0.75, 'min': 0.7, 'max': 0.8}
    """
    def stats(values: list[float]) -> dict:
        return {"mean": round(sum(values) / len(values), 4), "min": min(values), "max": max(values)}

    out = {key: stats([s[key] for s in splits]) for key in SPLIT_KEYS}
    names = sorted({t for s in splits for t in s["types"]})
    out["types"] = {t: stats([s["types"].get(t, 0.0) for s in splits]) for t in names}
    return out


def cross_validate(gold: Iterable[str | Path], k: int = 5, *, types: str | Path | None = None,
                   patterns: str | Path | None = None, model: str | None = None, also: Iterable[str | Path] = (),
                   splits: int = 1, progress: Progress | None = None) -> CVReport:
    """K-fold cross-validation by passage (folds by a hash of the id): every passage scored by a model that never saw it.

    ``also``: gold files added to every fold's training and never scored (one's own passages).
    ``splits``: fold assignments to run (the hash salted, :data:`SPLIT_SALTS`); the report, reliability
    and thresholds are the first's, and ``splits`` lists the headline figures of each, since one
    assignment moves F1 by about a hundredth on a hundred passages.
    """
    if k < 2:
        raise InputError(f"--cv {k}: cross-validation needs at least 2 folds")
    if not 1 <= splits <= len(SPLIT_SALTS):
        raise InputError(f"--splits {splits}: give 1 to {len(SPLIT_SALTS)} fold assignments")
    rtypes = load_types(types)
    extra = load_patterns_file(patterns)
    gold, also = list(gold), list(also)
    passages = read_passages(gold)
    data = prepare_passages(passages, rtypes, patterns=extra, model=model, progress=progress)
    if set(map(str, also)) & set(map(str, gold)):
        raise InputError("a file given to train every fold cannot also be scored; drop it from one of the lists")
    always = prepare_passages(read_passages(also), rtypes, patterns=extra, model=model) if also else []
    if {d.passage.id for d in always} & {d.passage.id for d in data}:
        raise InputError("the extra training passages share ids with the scored ones; give every passage its own id")
    symmetric = {t.name for t in rtypes if t.symmetric}
    reports: list[Report] = []
    everything: dict[str, DocResult] = {}  # the first assignment's, every candidate kept
    thresholds: list[dict[str, float]] = []  # the first assignment's folds'
    for n, salt in enumerate(SPLIT_SALTS[:splits]):
        results: dict[str, DocResult] = {}
        for fold in range(k):
            train_part = [d for d in data if fold_of(d.passage.id, k, salt) != fold] + always
            test_part = [d for d in data if fold_of(d.passage.id, k, salt) == fold]
            fold_model = fit(train_part, rtypes, patterns=extra)
            for d in test_part:
                results[d.passage.id] = predict_passage(fold_model, d)
            if n == 0:
                thresholds.append(dict(fold_model.thresholds))
                everything.update((d.passage.id, predict_passage(fold_model, d, threshold=0.0)) for d in test_part)
            if progress:
                progress("folds", n * k + fold + 1, splits * k)
        reports.append(score(passages, results, symmetric=symmetric))
    report = reports[0]
    found = sum(len(d.gold) for d in data)
    gold_total = found + sum(sum(d.missed.values()) for d in data)
    return CVReport(report, k, round(found / gold_total, 4) if gold_total else 0.0, reliability(report), thresholds,
                    score(passages, everything, symmetric=symmetric),
                    [split_figures(r, salt) for r, salt in zip(reports, SPLIT_SALTS)])


def predict_passage(model: RelationModel, data: PassageData, threshold: float | None = None) -> DocResult:
    """The DocResult a model gives a prepared passage."""
    from kg.nlp.results import relations_of
    from kg.models import Document

    doc = Document(id=data.passage.id, text=data.passage.text, published=data.result.published)
    return data.result.model_copy(update={"relations": relations_of(score_prepared(model, data.items, threshold=threshold), doc)})


def reliability(report: Report, bins: tuple[float, ...] = RELIABILITY_BINS) -> list[dict]:
    """Observed precision and count of predicted edges per confidence bin."""
    rows = []
    scored = [o for o in report.outcomes if o.kind in {"tp", "fp"}]
    for lo, hi in zip(bins, bins[1:]):
        inside = [o for o in scored if lo <= o.confidence < hi or (hi == bins[-1] and o.confidence == hi)]
        tp = sum(o.kind == "tp" for o in inside)
        mean = sum(o.confidence for o in inside) / len(inside) if inside else 0.0
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "edges": len(inside), "mean_confidence": round(mean, 4),
                     "precision": round(tp / len(inside), 4) if inside else 0.0})
    return rows
