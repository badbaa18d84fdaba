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
):
    """Build a :class:`kg.KnowledgeGraph` from a path, a list of paths, or a list of texts/documents.

    >>> g = build(["Acme Corp. formed a joint venture with Globex Inc. in 2025."])
    >>> [(r.type, r.source, r.target) for r in g.relations()]
    [('partners-with', 'Acme Corp', 'Globex Inc')]
    """
    from kg.graph import KnowledgeGraph

    graph = KnowledgeGraph()
    for result in extract(inputs, model=model):
        if min_confidence:
            result = result.model_copy(update={"relations": [r for r in result.relations if r.confidence >= min_confidence]})
        graph.add(result)
        if progress is not None:
            progress(result)
    return graph
