"""Draw reproducible samples of edges and organizations from a built graph, for judging by eye.

Lists every edge (type, source, target, status, confidence, first evidence doc id and sentence)
and every organization with at least one edge (name, a doc id where it is an endpoint), then
draws 100 of each with ``random.Random(2026)`` (one fresh generator per sample, so each sample
depends only on its own sorted list). Prints both samples; with ``--verdicts FILE`` (a CSV with
a ``verdict`` column, and ``status_right``/``reason`` where present) prints the tally instead.

    python bench/bbc_sample.py /tmp/bbc_out/graph.json
    python bench/bbc_sample.py /tmp/bbc_out/graph.json --only edges --all-evidence
    python bench/bbc_sample.py /tmp/bbc_out/graph.json --verdicts bench/bbc_edges_verdicts.csv

Doc ids are the builder's: ``NNN`` is the first input folder's ``NNN.txt`` (business, as built
in BBC_JUDGMENTS.md) and ``NNN~2`` the second's (tech).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from pathlib import Path

import kg

SEED = 2026
SIZE = 100


def edge_rows(graph) -> list[dict]:
    """Every edge as a plain row, sorted so the sample does not depend on graph order."""
    rows = []
    for r in graph.relations():
        ev = r.evidence[0] if r.evidence else None
        rows.append({"type": r.type, "source": r.source, "target": r.target, "status": r.status,
                     "confidence": r.confidence, "doc_id": ev.doc_id if ev else "",
                     "sentence": ev.sentence if ev else "", "n_evidence": len(r.evidence),
                     "evidence": [(x.doc_id, x.status, x.sentence) for x in r.evidence]})
    return sorted(rows, key=lambda e: (e["type"], e["source"], e["target"], e["doc_id"]))


def org_rows(graph) -> list[dict]:
    """Every organization that is an endpoint of at least one edge, with one doc id where it is."""
    docs: dict[str, str] = {}
    for e in edge_rows(graph):
        for name in (e["source"], e["target"]):
            docs.setdefault(name, e["doc_id"])
    return [{"name": name, "doc_id": docs[name]} for name in sorted(docs)]


def sample(rows: list[dict], size: int = SIZE, seed: int = SEED) -> list[dict]:
    """A reproducible sample of ``size`` rows (all of them, shuffled, when there are fewer)."""
    return random.Random(seed).sample(rows, min(size, len(rows)))


def print_edges(rows: list[dict], every: bool = False) -> None:
    """One numbered block per sampled edge: type, endpoints, status, confidence, evidence."""
    for i, e in enumerate(rows, 1):
        print(f"E{i:03d} [{e['doc_id']}] {e['type']} {e['source']!r} -> {e['target']!r} "
              f"status={e['status']} conf={e['confidence']:.2f} evidence={e['n_evidence']}")
        for doc_id, status, sentence in e["evidence"] if every else [("", "", e["sentence"])]:
            where = f"[{doc_id} {status}] " if every else ""
            print(f"     {where}{' '.join(sentence.split())}")


def print_orgs(rows: list[dict]) -> None:
    """One line per sampled organization: name and a doc id where it is an endpoint."""
    for i, o in enumerate(rows, 1):
        print(f"O{i:03d} [{o['doc_id']}] {o['name']!r}")


def tally(path: Path) -> None:
    """Print the verdict counts of a verdicts CSV, with status and reason-category breakdowns.

    A reason is ``category: detail``; wrong edges and non-organizations are counted by category.
    """
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "verdict" not in rows[0]:
        sys.exit(f"{path}: no 'verdict' column; give a CSV written as in bench/BBC_JUDGMENTS.md")
    verdicts = Counter(r["verdict"] for r in rows)
    print(f"{path.name}: {len(rows)} judged; " + ", ".join(f"{k} {v}" for k, v in verdicts.most_common()))
    if "status_right" in rows[0]:
        status = Counter(r["status_right"] for r in rows if r["verdict"] == "right")
        print("  status right among right edges: " + ", ".join(f"{k} {v}" for k, v in status.most_common()))
    bad = [r for r in rows if r["verdict"] not in ("right", "yes")]
    for reason, n in Counter(r.get("reason", "").split(":")[0].strip() for r in bad).most_common():
        print(f"  {n:3d}  {reason or '(none)'}")


def main(argv: list[str] | None = None) -> None:
    """Print the samples of a graph file, or the tally of verdict files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph", type=Path, nargs="?", help="graph.json or graph.graphml from kg build")
    ap.add_argument("--only", choices=("edges", "orgs"), help="print one sample only")
    ap.add_argument("--all-evidence", action="store_true", help="print every evidence sentence of an edge")
    ap.add_argument("--verdicts", type=Path, action="append", help="verdicts CSV to tally (repeatable)")
    args = ap.parse_args(argv)
    if args.verdicts:
        for path in args.verdicts:
            tally(path)
        return
    if args.graph is None:
        ap.error("give a graph file, or --verdicts FILE")
    graph = kg.load(args.graph)
    edges, orgs = edge_rows(graph), org_rows(graph)
    print(f"# {args.graph}: {len(edges)} edges, {len(orgs)} organizations with an edge; seed {SEED}")
    if args.only != "orgs":
        print_edges(sample(edges), args.all_evidence)
    if args.only != "edges":
        print_orgs(sample(orgs))


if __name__ == "__main__":
    main()
