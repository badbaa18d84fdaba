"""The public entry points: build a graph from documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.models import DocResult, Document


def extract(inputs, *, model: str | None = None, batch_size: int = 64) -> Iterator[DocResult]:
    """Extract entities and relations from inputs (a path, paths, texts or Documents), streaming."""
    from kg.extract import extract_documents
    from kg.io import iter_documents
    from kg.nlp import load_pipeline

    yield from extract_documents(iter_documents(inputs), load_pipeline(model), batch_size=batch_size)


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
):
    """Build a :class:`kg.KnowledgeGraph` from a path, a list of paths, or a list of texts/documents.

    ``jobs``/``engine``/``scheduler`` choose where extraction runs (see :mod:`kg.engine`);
    ``store`` keeps results in SQLite and skips documents already there (see :mod:`kg.store`).

    >>> g = build(["Acme Corp. formed a joint venture with Globex Inc. in 2025."])
    >>> [(r.type, r.source, r.target) for r in g.relations()]
    [('partners-with', 'Acme Corp', 'Globex Inc')]
    """
    from kg.engine import build_graph
    from kg.io import iter_documents

    def confident(result: DocResult) -> DocResult:
        return result.model_copy(update={"relations": [r for r in result.relations if r.confidence >= min_confidence]})

    return build_graph(iter_documents(inputs), model=model, jobs=jobs, engine=engine, scheduler=scheduler,
                       store=store, fast=fast, select=confident if min_confidence else None,
                       on_result=(lambda _doc, result: progress(result)) if progress else None)


def add(inputs, *, store: str | Path, model: str | None = None, jobs: int = 1, engine: str = "local",
        scheduler: str | None = None, progress: Callable[[DocResult], None] | None = None) -> tuple[int, int]:
    """Add documents to a store, extracting only those it lacks; returns (added, skipped)."""
    from kg.engine import ingest
    from kg.io import iter_documents
    from kg.store import Store

    with Store(store) as st:
        return ingest(st, iter_documents(inputs), model=model, jobs=jobs, engine=engine, scheduler=scheduler,
                      on_result=(lambda _doc, result: progress(result)) if progress else None)
