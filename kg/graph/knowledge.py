"""The :class:`KnowledgeGraph` facade: a networkx ``MultiDiGraph`` whose methods delegate to the graph functions.

The graph never imports :mod:`kg.export`: its ``to_graphml``/``to_json``/``to_html`` methods call
the writers that ``kg.export`` registers in :data:`WRITERS` when it is imported (``import kg`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.graph import changes as ch
from kg.graph.merge import add_result
from kg.graph.query import entities, entity, relations, signature, summary
from kg.models import DocResult, Entity, Relation

WRITERS: dict[str, Callable[..., None]] = {}  # "graphml" / "json" / "html" -> writer(graph, path, **options)


class KnowledgeGraph:
    """A thin facade over a networkx ``MultiDiGraph`` (``.nx``); every method delegates.

    >>> g = KnowledgeGraph.from_results([
    ...     DocResult(doc_id="d1", entities=[Entity(name="Acme Inc", aliases=["ACME"])],
    ...               relations=[Relation(type="exclusive-with", source="Acme Inc", target="Beta")]),
    ...     DocResult(doc_id="d2", relations=[Relation(type="exclusive-with", source="Beta", target="ACME")]),
    ... ])
    >>> [(r.source, r.target, len(r.evidence)) for r in g.relations(involving="acme")]
    [('Acme Inc', 'Beta', 2)]
    """

    def __init__(self, graph: nx.MultiDiGraph | None = None) -> None:
        self.nx = graph if graph is not None else nx.MultiDiGraph()

    @classmethod
    def from_results(cls, results: Iterable[DocResult]) -> KnowledgeGraph:
        """Build a graph from a stream of per-document results."""
        g = cls()
        for result in results:
            g.add(result)
        return g

    def add(self, result: DocResult) -> None:
        """Merge one document's results into the graph."""
        add_result(self.nx, result)

    def relations(self, **filters: Any) -> list[Relation]:
        """See :func:`relations`."""
        return relations(self.nx, **filters)

    def changes(self, *, since=None, until=None, undated: bool = False, **filters: Any) -> list:
        """See :func:`kg.graph.changes.changes` (``undated=True``: :func:`kg.graph.changes.undated`, which ignores the dates)."""
        return ch.undated(self.nx, **filters) if undated else ch.changes(self.nx, since=since, until=until, **filters)

    def entity(self, name: str) -> Entity | None:
        """See :func:`entity`."""
        return entity(self.nx, name)

    def entities(self) -> list[Entity]:
        """See :func:`entities`."""
        return entities(self.nx)

    def summary(self) -> dict[str, Any]:
        """See :func:`summary`."""
        return summary(self.nx)

    def to_graphml(self, path) -> None:
        """See :func:`kg.export.to_graphml`."""
        self._write("graphml", path)

    def to_json(self, path) -> None:
        """See :func:`kg.export.to_json`."""
        self._write("json", path)

    def to_html(self, path, *, max_nodes: int | None = None) -> None:
        """See :func:`kg.export.to_html`."""
        self._write("html", path, max_nodes=max_nodes)

    def _write(self, fmt: str, path, **options: Any) -> None:
        """Write with the writer kg.export registered for ``fmt``."""
        if fmt not in WRITERS:
            raise KGError(f"no {fmt} writer: import kg.export (or kg) before writing a graph")
        WRITERS[fmt](self, path, **options)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KnowledgeGraph):
            return NotImplemented
        return signature(self.nx) == signature(other.nx)

    __hash__ = None  # mutable

    def __len__(self) -> int:
        return self.nx.number_of_nodes()

    def __repr__(self) -> str:
        return f"<KnowledgeGraph {self.nx.number_of_nodes()} organizations, {self.nx.number_of_edges()} relations>"
