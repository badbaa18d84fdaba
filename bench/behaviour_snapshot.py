"""Record what kg does, to compare before and after a refactoring: the graph of data/articles and the CV scores.

Only the public face is used (``kg.build``, the ``kg`` CLI), so the script runs unchanged on any layout.

    python bench/behaviour_snapshot.py --write     # record tests/data/behaviour.json (the "before")
    python bench/behaviour_snapshot.py             # compare the current code with it; exit 1 on a difference

The record names the sha1 of the shipped relation model: a snapshot is only comparable under the
same model (after a retraining, regenerate it from the commit before the change).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
RECORD = ROOT / "tests" / "data" / "behaviour.json"
MODEL = ROOT / "kg" / "data" / "relations_model"


def model_sha1(folder: Path = MODEL) -> str:
    """The sha1 of the shipped relation model's files (names and bytes, in name order)."""
    h = hashlib.sha1()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def graph_record(articles: Path = ARTICLES) -> dict:
    """Nodes (with aliases) and relations (type, ends, status, attrs, confidence, evidence documents) of the graph."""
    import kg

    g = kg.build(articles)
    nodes = sorted([e.name, sorted(e.aliases)] for e in g.entities())
    rels = sorted(
        [r.type, r.source, r.target, r.status, json.loads(json.dumps(r.attrs, sort_keys=True, default=str)),
         round(r.confidence, 9), sorted({ev.doc_id for ev in r.evidence})]
        for r in g.relations()
    )
    return {"nodes": nodes, "relations": rels, "summary": json.loads(json.dumps(g.summary(), default=str))}


def cv_record(gold: Path = DEV, folds: int = 5) -> dict:
    """The JSON of ``kg eval GOLD --cv FOLDS --json`` (run in a subprocess, as a user would)."""
    out = subprocess.run([sys.executable, "-c", "from kg.cli import app; app()", "eval", str(gold), "--cv", str(folds), "--json"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout)


def snapshot(with_cv: bool = True) -> dict:
    """The whole record: model sha1, graph, and (when the dev set is here) the CV scores."""
    record = {"model_sha1": model_sha1(), "graph": graph_record()}
    if with_cv and DEV.exists():
        record["cv"] = cv_record()
    return record


def differences(before: dict, after: dict, path: str = "") -> list[str]:
    """Paths where two records differ (first 20)."""
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after)):
            out += differences(before.get(key), after.get(key), f"{path}/{key}")
        return out[:20]
    if before != after:
        return [f"{path}: {str(before)[:120]} != {str(after)[:120]}"]
    return []


def main() -> int:
    """Write or compare the record."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write {RECORD.relative_to(ROOT)}")
    ap.add_argument("--no-cv", action="store_true", help="graph only")
    args = ap.parse_args()
    now = snapshot(with_cv=not args.no_cv)
    if args.write:
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {RECORD}")
        return 0
    before = json.loads(RECORD.read_text(encoding="utf-8"))
    if args.no_cv:
        before.pop("cv", None)
    diff = differences(before, now)
    print("\n".join(diff) if diff else "same behaviour")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
