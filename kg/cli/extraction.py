"""``kg add``, ``kg build``, ``kg extract``: documents in, a graph (or one JSON line per passage) out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from kg.errors import KGError
from kg.read.documents import DEFAULT_MAX_DOC_CHARS
from kg.cli.app import (
    EngineOpt,
    JobsOpt,
    ModelOpt,
    RelModelOpt,
    SchedulerOpt,
    StoreOpt,
    _progress,
    app,
    cli_errors,
    console,
    err,
)


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
