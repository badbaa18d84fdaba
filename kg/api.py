"""The public entry points: build a graph from documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.models import DocResult, Document


def extract(inputs, *, model: str | None = None, relations_model: str | Path | None = None,
            batch_size: int = 64) -> Iterator[DocResult]:
    """Extract entities and relations from inputs (a path, paths, texts or Documents), streaming.

    ``relations_model`` is a directory written by :func:`train` (default: the shipped model).
    """
    from kg.nlp.results import extract_documents
    from kg.read.documents import iter_documents
    from kg.pipeline import load_pipeline

    nlp = load_pipeline(model, _model_dir(relations_model))
    yield from extract_documents(iter_documents(inputs), nlp, batch_size=batch_size)


def train(gold: str | Path | Iterable[str | Path], *, out: str | Path | None = None, types: str | Path | None = None,
          patterns: str | Path | None = None, model: str | None = None, progress=None):
    """Train a relation model on gold JSON Lines files; write it to ``out`` when given. Returns the model.

    ``types`` is a TOML file of relation types (default: the three built-in ones), ``patterns`` extra
    deal-term patterns (span-ruler JSON Lines) added to the built-in ones.
    """
    from kg.learn.run import train as train_model

    paths = [gold] if isinstance(gold, (str, Path)) else list(gold)
    trained = train_model(paths, types=types, patterns=patterns, model=model, progress=progress)
    if out is not None:
        trained.to_disk(out)
    return trained


def _model_dir(path: str | Path | None) -> str | None:
    """A relation model directory as a string (hashable, for the pipeline cache), checked to exist."""
    if path is None:
        return None
    from kg.learn.model import RelationModel

    RelationModel.from_disk(path)  # a clear ModelError now rather than inside a worker
    return str(Path(path).resolve())


def build(
    inputs: str | Path | Iterable[str | Path | Document],
    *,
    model: str | None = None,
    min_confidence: float = 0.0,
    progress: Callable[[DocResult], None] | None = None,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    store: str | Path | None = None,
    fast: bool = True,
    relations_model: str | Path | None = None,
):
    """Build a :class:`kg.KnowledgeGraph` from a path, a list of paths, or a list of texts/documents.

    ``jobs``/``engine``/``scheduler`` choose where extraction runs (see :mod:`kg.engine`);
    ``store`` keeps results in SQLite and skips documents already there (see :mod:`kg.graph.store`).

    >>> g = build(["Acme Corp. formed a joint venture with Globex Inc. in 2025."])
    >>> [(r.type, r.source, r.target) for r in g.relations()]
    [('partners-with', 'Acme Corp', 'Globex Inc')]
    """
    from kg.engine import build_graph
    from kg.read.documents import iter_documents

    def confident(result: DocResult) -> DocResult:
        return result.model_copy(update={"relations": [r for r in result.relations if r.confidence >= min_confidence]})

    return build_graph(iter_documents(inputs), model=model, jobs=jobs, engine=engine, scheduler=scheduler,
                       store=store, fast=fast, select=confident if min_confidence else None,
                       relations_model=_model_dir(relations_model),
                       on_result=(lambda _doc, result: progress(result)) if progress else None)


def add(inputs, *, store: str | Path, model: str | None = None, jobs: int = 1, engine: str = "local",
        scheduler: str | None = None, progress: Callable[[DocResult], None] | None = None,
        relations_model: str | Path | None = None) -> tuple[int, int]:
    """Add documents to a store, extracting only those it lacks; returns (added, skipped)."""
    from kg.engine import ingest
    from kg.read.documents import iter_documents
    from kg.graph.store import Store

    with Store(store) as st:
        return ingest(st, iter_documents(inputs), model=model, jobs=jobs, engine=engine, scheduler=scheduler,
                      relations_model=_model_dir(relations_model),
                      on_result=(lambda _doc, result: progress(result)) if progress else None)
