"""``kg eval`` and ``kg train``: measure on gold passages, train a relation model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from kg.cli.app import ModelOpt, PatternsOpt, RelModelOpt, TypesOpt, _progress, app, cli_errors, console


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
    splits: Annotated[int, typer.Option("--splits", min=1, help="With --cv: run N fold assignments (the fold hash salted) and report each and their mean; the main table is the first's.")] = 1,
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
            cv_report = cross_validate([gold], cv, types=types, patterns=patterns, model=model, also=also or [],
                                       splits=splits, progress=_stages(progress))
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
        if "splits" in data:
            _print_splits(data["splits"], data["splits_mean"])
        sc = data["scores"]
        per_type = " · ".join(f"{k} {v['f1']:.3f}" for k, v in sc.items() if k != "overall" and v["tp"] + v["fn"])
        console.print(f"{cv}-fold CV: F1 {sc['overall']['f1']:.3f} (P {sc['overall']['precision']:.3f}, "
                      f"R {sc['overall']['recall']:.3f}) · {per_type} · status {data['status_accuracy']:.3f} · "
                      f"candidate recall {data['candidate_recall']:.3f} · endpoint precision "
                      f"{data['endpoint_precision']:.3f}", highlight=False)


@app.command()
@cli_errors
def train(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON Lines files (see the annotation guidelines).")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Model directory to write.")],
    types: TypesOpt = None,
    patterns: PatternsOpt = None,
    model: ModelOpt = None,
) -> None:
    """Train a relation model on GOLD passages and write it to OUT (plain JSON and numpy arrays; same files give the same bytes)."""
    from kg.api import train as train_model
    from kg.export.outputs import check_output_dir, writing

    check_output_dir(out, ("model.json", "weights.json", "patterns.jsonl"))
    with _progress() as progress, writing(out):
        trained = train_model(gold, out=out, types=types, patterns=patterns, model=model, progress=_stages(progress))
    s = trained.info["summary"]
    console.print(f"trained on {s['passages']} passage(s), {s['candidates']} candidate pair(s); wrote {out}")
    t = Table(title="what it learned")
    for col in ("type", "gold edges", "no candidate", "threshold"):
        t.add_column(col, justify="right" if col != "type" else "left")
    for rt in trained.types:
        t.add_row(rt.name, str(s["edges"][rt.name]), str(s["edges_without_candidate"][rt.name]),
                  f"{trained.thresholds.get(rt.name, 0.5):.3f}" if rt.name in trained.edge else "not learned")
    console.print(t)


def _print_splits(splits: list[dict], mean: dict) -> None:
    from kg.learn.run import SPLIT_KEYS

    names = sorted(mean["types"])
    t = Table(title="fold assignments (the fold hash salted)")
    for col in ("salt", *(k.replace("_", " ") for k in SPLIT_KEYS), *names):
        t.add_column(col, justify="right")
    for s in splits:
        t.add_row(repr(s["salt"]), *(f"{s[k]:.3f}" for k in SPLIT_KEYS), *(f"{s['types'].get(n, 0.0):.3f}" for n in names))
    t.add_row("mean", *(f"{mean[k]['mean']:.3f}" for k in SPLIT_KEYS), *(f"{mean['types'][n]['mean']:.3f}" for n in names))
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


def _stages(progress):
    """A ``(stage, done, total)`` callback drawing one bar per stage of training or cross-validation."""
    tasks: dict[str, int] = {}

    def tick(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total or None)
        progress.update(tasks[stage], completed=done)

    return tick
