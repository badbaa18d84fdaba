"""``kg query``, ``kg changes``, ``kg entities``: questions to a graph written by ``kg build``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from kg.errors import KGError
from kg.cli.app import app, cli_errors, console


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
