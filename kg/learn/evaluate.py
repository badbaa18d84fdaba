"""Score extraction against a gold JSON Lines file, exactly as ../shared/eval/GUIDELINES.md says.

An extracted edge matches a gold edge when the types are equal and both endpoints match a
gold entity by name or alias (case-insensitive, after stripping a leading "the", a trailing
"'s" and trailing punctuation). An extracted endpoint is its name plus those of its aliases
that occur in the passage text. Duplicates count once; each gold edge matches at most once;
symmetric types match in either order. Micro-averaged over passages, per type and overall.

Two organization scores sit beside edge F1: **party recall** (share of the gold entities of each
passage that some extracted entity matches, by the same name-or-alias rule) and **endpoint
precision** (share of the ends of the predicted edges, duplicates removed, that match a gold entity
of their passage).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.read.documents import parse_date
from kg.models import ATTR_KEYS, RELATION_TYPES, SYMMETRIC_TYPES, DocResult, Document, Relation

_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSS = re.compile(r"(?:['’]s)$", re.IGNORECASE)
_PUNCT = re.compile(r"[\s.,;:!?\"'’”)\]]+$")


def norm(name: str) -> str:
    """Normalize a name for matching.

    >>> norm("The Acme Corp.'s")
    'acme corp'
    """
    s = " ".join(name.split()).casefold()
    s = _THE.sub("", s)
    s = _PUNCT.sub("", s)
    s = _POSS.sub("", s)
    return _PUNCT.sub("", s)


@dataclass
class Passage:
    id: str
    text: str
    published: str | None
    entities: list[dict]
    relations: list[dict]


@dataclass
class EdgeOutcome:
    passage: str
    kind: str  # "tp", "fp", "fn"
    type: str
    source: str
    target: str
    status: str | None = None
    gold_status: str | None = None
    rule: str = ""
    sentence: str = ""
    confidence: float = 0.0
    attrs: dict = field(default_factory=dict)
    gold_attrs: dict = field(default_factory=dict)


@dataclass
class PartyOutcome:
    """One passage's organizations: which gold entities were found, which edge ends are gold entities."""

    passage: str
    found: list[str]  # gold entity names some extracted entity matches
    missed: list[str]  # gold entity names none matches
    good_ends: list[str]  # predicted edge ends (after duplicate removal) that match a gold entity
    bad_ends: list[str]  # the other predicted edge ends


@dataclass
class Report:
    counts: dict[str, Counter]  # type -> Counter(tp, fp, fn)
    status_correct: int
    status_total: int
    attr_correct: int
    attr_total: int
    outcomes: list[EdgeOutcome]
    parties: list[PartyOutcome] = field(default_factory=list)

    def party_recall(self) -> float:
        """Share of gold entities found as extracted entities."""
        found = sum(len(p.found) for p in self.parties)
        return _ratio(found, found + sum(len(p.missed) for p in self.parties))

    def endpoint_precision(self) -> float:
        """Share of predicted edge ends that are gold entities of their passage."""
        good = sum(len(p.good_ends) for p in self.parties)
        return _ratio(good, good + sum(len(p.bad_ends) for p in self.parties))

    def scores(self) -> dict[str, dict[str, float]]:
        out = {}
        total = Counter()
        for t in [*RELATION_TYPES, *sorted(set(self.counts) - set(RELATION_TYPES))]:
            c = self.counts.get(t, Counter())
            total.update(c)
            out[t] = _prf(c)
        out["overall"] = _prf(total)
        return out

    def to_dict(self) -> dict:
        return {
            "scores": self.scores(),
            "status_accuracy": _ratio(self.status_correct, self.status_total),
            "status_matched": self.status_total,
            "attribute_accuracy": _ratio(self.attr_correct, self.attr_total),
            "attributes_scored": self.attr_total,
            "party_recall": self.party_recall(),
            "parties_total": sum(len(p.found) + len(p.missed) for p in self.parties),
            "endpoint_precision": self.endpoint_precision(),
            "endpoints_total": sum(len(p.good_ends) + len(p.bad_ends) for p in self.parties),
        }

    def curve(self, thresholds: Iterable[float] = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) -> list[dict]:
        """Precision and recall of the edges at or above each confidence threshold."""
        gold_total = sum(1 for o in self.outcomes if o.kind in {"tp", "fn"})
        rows = []
        for th in thresholds:
            tp = sum(1 for o in self.outcomes if o.kind == "tp" and o.confidence >= th)
            fp = sum(1 for o in self.outcomes if o.kind == "fp" and o.confidence >= th)
            rows.append({"threshold": th, "edges": tp + fp, "precision": _ratio(tp, tp + fp),
                         "recall": _ratio(tp, gold_total)})
        return rows


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _prf(c: Counter) -> dict[str, float]:
    p = _ratio(c["tp"], c["tp"] + c["fp"])
    r = _ratio(c["tp"], c["tp"] + c["fn"])
    f = round(2 * p * r / (p + r), 4) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}


def read_gold(path: str | Path) -> list[Passage]:
    """Passages of a gold file; a bad line raises :class:`InputError` naming file and line."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such gold file; give the path of a JSON Lines gold file")
    passages = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                by_reference = "text_file" in row and "text" not in row
                text = _text_file(path, lineno, row["text_file"]) if by_reference else row["text"]
                passages.append(Passage(str(row["id"]), text, row.get("published"),
                                        row.get("entities", []), row.get("relations", [])))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{lineno}: not a gold passage ({exc}); each line needs id, text (or "
                                 "text_file), entities and relations") from exc
    return passages


def _text_file(gold: Path, lineno: int, name: str) -> str:
    """The text of a passage annotated by reference: a UTF-8 file named relative to the gold file."""
    if not isinstance(name, str):
        raise TypeError(f"text_file must be a path, not {name!r}")
    try:
        return (gold.parent / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{gold}:{lineno}: cannot read text_file {name} ({exc.__class__.__name__}); give a "
                         "UTF-8 text file, relative to the gold file") from exc


def passage_documents(passages: list[Passage]) -> list[Document]:
    return [Document(id=p.id, text=p.text, published=parse_date(p.published)) for p in passages]


def score(passages: list[Passage], results: dict[str, DocResult], *,
          symmetric: frozenset[str] | set[str] = SYMMETRIC_TYPES) -> Report:
    """Compare extraction results with gold passages (``symmetric``: the types that match in either order)."""
    got = {p.id: results.get(p.id) or DocResult(doc_id=p.id) for p in passages}
    outcomes = [o for p in passages for o in passage_outcomes(p, got[p.id], symmetric)]
    parties = [passage_parties(p, got[p.id], symmetric) for p in passages]
    counts: dict[str, Counter] = {t: Counter() for t in RELATION_TYPES}
    for o in outcomes:
        counts.setdefault(o.type, Counter())[o.kind] += 1
    matched = [o for o in outcomes if o.kind == "tp"]
    attrs = [(o.attrs.get(k, ""), v) for o in matched for k, v in o.gold_attrs.items() if k in ATTR_KEYS]
    return Report(counts, sum(o.status == o.gold_status for o in matched), len(matched),
                  sum(norm(got) == norm(want) for got, want in attrs), len(attrs), outcomes, parties)


def _spellings(p: Passage, result: DocResult) -> dict[str, set[str]]:
    """Each extracted entity's normalized name plus those of its aliases that occur in the passage."""
    text = p.text.casefold()
    return {e.name: {norm(e.name)} | {norm(a) for a in e.aliases if a.casefold() in text} for e in result.entities}


def _gold_names(p: Passage) -> list[set[str]]:
    return [{norm(e["name"]), *(norm(a) for a in e.get("aliases", []))} for e in p.entities]


def passage_parties(p: Passage, result: DocResult, symmetric=SYMMETRIC_TYPES) -> PartyOutcome:
    """Gold entities found or missed, and predicted edge ends that are or are not gold entities."""
    gold = _gold_names(p)
    spellings = _spellings(p, result)
    extracted = set().union(*spellings.values()) if spellings else set()
    found = [e["name"] for e, names in zip(p.entities, gold) if names & extracted]
    missed = [e["name"] for e, names in zip(p.entities, gold) if not names & extracted]
    gold_all = set().union(*gold) if gold else set()
    ends = {(rel.type, *(sorted((rel.source, rel.target)) if rel.type in symmetric else (rel.source, rel.target)))
            for rel in result.relations}
    good, bad = [], []
    for _type, *pair in sorted(ends):
        for name in pair:
            (good if spellings.get(name, {norm(name)}) & gold_all else bad).append(name)
    return PartyOutcome(p.id, found, missed, good, bad)


def passage_outcomes(p: Passage, result: DocResult, symmetric=SYMMETRIC_TYPES) -> list[EdgeOutcome]:
    """True positives, false positives and false negatives of one passage."""
    gold_names = _gold_names(p)
    name_index = {e["name"]: i for i, e in enumerate(p.entities)}
    spellings = _spellings(p, result)

    def gold_ids(name: str) -> set[int]:
        names = spellings.get(name, {norm(name)})
        return {i for i, g in enumerate(gold_names) if names & g}

    preds: dict[tuple, Relation] = {}  # duplicates (same type and endpoints) count once
    for rel in result.relations:
        ends = sorted((rel.source, rel.target)) if rel.type in symmetric else [rel.source, rel.target]
        preds.setdefault((rel.type, *ends), rel)
    options = {key: [gi for gi, g in enumerate(p.relations) if _matches(rel, g, gold_ids, name_index, symmetric)]
               for key, rel in preds.items()}
    match = _bipartite(options)
    outcomes = []
    for key, rel in preds.items():
        ev = rel.evidence[0] if rel.evidence else None
        base = dict(passage=p.id, type=rel.type, source=rel.source, target=rel.target, status=rel.status,
                    rule=ev.rule if ev else "", sentence=ev.sentence if ev else "",
                    confidence=rel.confidence, attrs=dict(rel.attrs))
        if key in match:
            g = p.relations[match[key]]
            outcomes.append(EdgeOutcome(kind="tp", gold_status=g.get("status", "active"),
                                        gold_attrs=g.get("attrs") or {}, **base))
        else:
            outcomes.append(EdgeOutcome(kind="fp", **base))
    for gi, g in enumerate(p.relations):
        if gi not in match.values():
            outcomes.append(EdgeOutcome(passage=p.id, kind="fn", type=g["type"], source=g["source"],
                                        target=g["target"], gold_status=g.get("status", "active"),
                                        gold_attrs=g.get("attrs") or {}))
    return outcomes


def _matches(rel: Relation, gold: dict, gold_ids, name_index: dict[str, int], symmetric=SYMMETRIC_TYPES) -> bool:
    if gold["type"] != rel.type:
        return False
    s_ids, t_ids = gold_ids(rel.source), gold_ids(rel.target)
    gs, gt = name_index.get(gold["source"], -1), name_index.get(gold["target"], -1)
    return (gs in s_ids and gt in t_ids) or (rel.type in symmetric and gs in t_ids and gt in s_ids)


def _bipartite(options: dict[tuple, list[int]]) -> dict[tuple, int]:
    """A maximum matching of predictions to gold edges (augmenting paths); each gold edge at most once.

    >>> sorted(_bipartite({"a": [0, 1], "b": [0]}).items())
    [('a', 1), ('b', 0)]
    """
    owner: dict[int, tuple] = {}

    def augment(key, seen: set[int]) -> bool:
        for gi in options[key]:
            if gi not in seen:
                seen.add(gi)
                if gi not in owner or augment(owner[gi], seen):
                    owner[gi] = key
                    return True
        return False

    for key in options:
        augment(key, set())
    return {key: gi for gi, key in owner.items()}


def evaluate(gold_path: str | Path, *, nlp, order: str = "together") -> Report:
    """Run extraction with the pipeline ``nlp`` on a gold file and score it.

    ``order`` is "together" (one stream), "single" (one passage at a time) or "shuffled".
    """
    from kg.nlp.results import extract_documents

    passages = read_gold(gold_path)
    docs = passage_documents(passages)
    if order == "shuffled":
        import random

        docs = random.Random(13).sample(docs, len(docs))
    if order == "single":
        results = {d.id: next(extract_documents([d], nlp)) for d in docs}
    else:
        results = {r.doc_id: r for r in extract_documents(docs, nlp)}
    return score(passages, results)
