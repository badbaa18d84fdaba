"""Throughput and memory benchmark: plain spaCy vs ``kg build`` on the same texts.

Every measurement runs in a fresh subprocess (so peak RSS is that run's own):

- ``plain``    : ``nlp.pipe`` with the full en_core_web_sm pipeline (every enabled component);
- ``kg``       : ``kg build`` end to end: reading, NER, relations, graph, GraphML/JSON/HTML written;
- ``plain-n2`` : spaCy ``nlp.pipe(n_process=2)``;
- ``kg-j2``    : ``kg build --jobs 2``;
- ``kg-x1`` / ``kg-x4`` : ``kg build`` on the corpus once and replicated 4 times (unique file
  names, so every copy is a new document): peak RSS of each and their ratio.

Words are whitespace-separated tokens of the texts kg reads. Timings exclude loading the model
in the parent (both sides load it before the clock starts); worker start-up (``--jobs 2``,
``n_process=2``) is included. ``--repeat N`` reports medians. Besides wall-clock throughput, each
one-process run records its own CPU seconds: ``kg_vs_plain_spacy_cpu`` compares those (what each
side costs, whatever else the machine runs), and ``kg_vs_plain_spacy_paired`` is the median of the
per-round ratios (each round runs both sides back to back).

    python bench/bench.py                       # the whole BBC corpus, once
    python bench/bench.py --repeat 3 --limit 500
    python bench/bench.py --only kg-x1,kg-x4    # just the memory figures (whole corpus, 1x and 4x)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "bbc"
SPEED_RUNS = ("plain", "kg", "plain-n2", "kg-j2")
MEMORY_RUNS = ("kg-x1", "kg-x4")


# --------------------------------------------------------------------------- child side


def _texts(folder: Path) -> list[str]:
    from kg.read.documents import iter_documents

    return [d.text for d in iter_documents(folder)]


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def child(mode: str, folder: Path, out: Path) -> dict:
    """One measurement, in this (fresh) process."""
    if mode.startswith("plain"):
        from kg.nlp.model import load_model

        texts = _texts(folder)
        nlp = load_model()
        words = sum(len(t.split()) for t in texts)
        t0, c0 = time.perf_counter(), time.process_time()
        n_process = 2 if mode == "plain-n2" else 1
        for _doc in nlp.pipe(texts, batch_size=64, n_process=n_process):
            pass
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    else:
        from kg.api import build
        from kg.engine import get_pipeline

        words = sum(len(t.split()) for t in _texts(folder))  # counted before the clock starts
        jobs = 2 if mode == "kg-j2" else 1
        if jobs == 1:
            get_pipeline()  # load the model before the clock, as the plain run does
        t0, c0 = time.perf_counter(), time.process_time()
        graph = build(folder, jobs=jobs)
        out.mkdir(parents=True, exist_ok=True)
        graph.to_graphml(out / "graph.graphml")
        graph.to_json(out / "graph.json")
        graph.to_html(out / "graph.html")
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "mode": mode, "words": words, "seconds": round(seconds, 3), "words_per_second": round(words / seconds, 1),
        "cpu_seconds": round(cpu, 3),  # this process only: for the one-process runs, immune to a busy neighbour
        "peak_rss_mb": round(_peak_mb(resource.RUSAGE_SELF), 1),
        "peak_rss_children_mb": round(_peak_mb(resource.RUSAGE_CHILDREN), 1),
    }


# --------------------------------------------------------------------------- parent side


def prepare(corpus: Path, limit: int | None, work: Path) -> tuple[Path, Path]:
    """The (limited) corpus copied to ``work/x1`` and replicated 4 times into ``work/x4``."""
    files = sorted(p for p in corpus.rglob("*.txt") if p.is_file())[: limit or None]
    x1, x4 = work / "x1", work / "x4"
    x1.mkdir(parents=True)
    for i, f in enumerate(files):
        name = f"{f.parent.name}-{f.name}"
        (x1 / f"{i:05d}-{name}").parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, x1 / f"{i:05d}-{name}")
        for k in range(4):
            target = x4 / f"copy{k}" / f"{k}-{i:05d}-{name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)  # a real copy: kg reads a hard link only once
    return x1, x4


def measure(mode: str, folder: Path, work: Path) -> dict:
    result = work / f"{mode}.json"
    code = ("import json, sys; sys.path.insert(0, sys.argv[4]); from bench import child; "
            "json.dump(child(sys.argv[1], __import__('pathlib').Path(sys.argv[2]), "
            "__import__('pathlib').Path(sys.argv[3])), open(sys.argv[5], 'w'))")
    subprocess.run([sys.executable, "-c", code, mode, str(folder), str(work / f"out-{mode}"), str(HERE), str(result)],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads(result.read_text())


def median_of(runs: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="use only the first N files (sorted)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; medians are reported")
    ap.add_argument("--only", default=",".join(SPEED_RUNS + MEMORY_RUNS), help="comma-separated subset of runs")
    ap.add_argument("--memory-repeat", type=int, default=1, help="runs of the 1x/4x memory pair")
    ap.add_argument("--memory-limit", type=int, default=None, help="files for the 1x/4x pair (default: all)")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "results.json")
    args = ap.parse_args(argv)
    only = [m for m in args.only.split(",") if m]

    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        work = Path(tmp)
        x1, _ = prepare(args.corpus, args.limit, work / "speed")
        m1, m4 = prepare(args.corpus, args.memory_limit, work / "memory")
        raw: dict[str, list[dict]] = {}
        for rep in range(max(args.repeat, args.memory_repeat)):
            for mode in only:
                if mode in MEMORY_RUNS and rep >= args.memory_repeat or mode in SPEED_RUNS and rep >= args.repeat:
                    continue
                folder = {"kg-x1": m1, "kg-x4": m4}.get(mode, x1)
                r = measure(mode, folder, work)
                raw.setdefault(mode, []).append(r)
                print(f"[{rep + 1}] {mode:9s} {r['words']:>9,} words {r['seconds']:8.1f} s ({r['cpu_seconds']:.1f} s CPU) "
                      f"{r['words_per_second']:9,.0f} w/s  peak RSS {r['peak_rss_mb']:7.1f} MB "
                      f"(children {r['peak_rss_children_mb']:.1f} MB)", flush=True)

    med = {m: {k: median_of(rs, k) for k in ("words_per_second", "seconds", "cpu_seconds", "peak_rss_mb",
                                             "peak_rss_children_mb")}
           for m, rs in raw.items()}
    ratios = {}
    if "kg" in med and "plain" in med:
        ratios["kg_vs_plain_spacy"] = round(med["kg"]["words_per_second"] / med["plain"]["words_per_second"], 3)
        ratios["kg_vs_plain_spacy_cpu"] = round(med["plain"]["cpu_seconds"] / med["kg"]["cpu_seconds"], 3)
        pairs = [p["seconds"] / k["seconds"] for p, k in zip(raw["plain"], raw["kg"])]  # runs of the same round
        ratios["kg_vs_plain_spacy_paired"] = round(statistics.median(pairs), 3)
    if "kg-j2" in med and "kg" in med:
        ratios["kg_jobs2_vs_kg"] = round(med["kg-j2"]["words_per_second"] / med["kg"]["words_per_second"], 3)
    if "plain-n2" in med and "plain" in med:
        ratios["spacy_n_process2_vs_plain"] = round(med["plain-n2"]["words_per_second"] / med["plain"]["words_per_second"], 3)
    if "kg-j2" in med and "plain-n2" in med:
        ratios["kg_jobs2_vs_spacy_n_process2"] = round(med["kg-j2"]["words_per_second"] / med["plain-n2"]["words_per_second"], 3)
    if "kg-x1" in med and "kg-x4" in med:
        ratios["rss_x4_vs_x1"] = round(med["kg-x4"]["peak_rss_mb"] / med["kg-x1"]["peak_rss_mb"], 3)
    report = {
        "corpus": str(args.corpus), "limit": args.limit, "repeat": args.repeat,
        "memory_limit": args.memory_limit, "memory_repeat": args.memory_repeat,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"), "medians": med, "ratios": ratios, "runs": raw,
        "targets": {"kg_vs_plain_spacy": 1.3, "kg_jobs2_vs_kg": 1.7, "rss_x4_vs_x1": "< 1.3"},
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(ratios, indent=2))
    return report


if __name__ == "__main__":
    main()
