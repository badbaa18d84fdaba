"""Questions to the deal graph: which node a name means, the relations (filtered, as of a day), entities, summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import networkx as nx

from kg.graph.merge import _EVIDENCE_FIELDS, _derive, _key_index, _to_date, add_result, entity_key
from kg.models import DocResult, Entity, Evidence, Merge, Mention, Relation
from kg.nlp.names import load_alias_table

__all__ = ["add_result", "entities", "entity", "relations", "resolve", "signature", "summary"]


def resolve(G: nx.MultiDiGraph, name: str) -> str | None:
    """The node a name, alias or entity_key refers to (alias table consulted), or None.

    >>> G = nx.MultiDiGraph()
    >>> add_result(G, DocResult(doc_id="d", entities=[Entity(name="Acme Corp", aliases=["ACME"])]))
    >>> resolve(G, "acme"), resolve(G, "Nobody")
    ('Acme Corp', None)
    """
    if name in G:
        return name
    index = _key_index(G)
    key = entity_key(name)
    if key in index:
        return index[key]
    canonical = load_alias_table().get(key)
    return index.get(entity_key(canonical)) if canonical else None


def _relation(u: str, v: str, data: dict, as_of: dt.date | None) -> Relation | None:
    evidence = data["evidence"]
    if as_of is not None:
        evidence = [ev for ev in evidence if ev.get("published") is not None and ev["published"] <= as_of]
        if not evidence:
            return None
    derived = _derive(evidence, data["type"])
    return Relation(
        type=data["type"], source=u, target=v, status=derived["status"], attrs=derived["attrs"],
        confidence=derived["confidence"],
        evidence=[Evidence(**{f: ev[f] for f in _EVIDENCE_FIELDS if f in ev}) for ev in evidence],
    )


def relations(
    G: nx.MultiDiGraph, *, type: str | None = None, involving: str | None = None, status: str | None = None,
    as_of: dt.date | str | None = None, min_confidence: float | None = None,
) -> list[Relation]:
    """Relations filtered by type, organization (alias-aware), status, date and confidence.

    ``as_of`` keeps only evidence dated on or before that day and recomputes the status.

    >>> G = nx.MultiDiGraph()
    >>> add_result(G, DocResult(doc_id="d", relations=[Relation(type="partners-with", source="B", target="A")]))
    >>> [(r.source, r.target, r.status) for r in relations(G, involving="a")]
    [('A', 'B', 'active')]
    """
    day = _to_date(as_of)
    if involving is not None:
        node = resolve(G, involving)
        if node is None:
            return []
        edges = [*G.out_edges(node, keys=True, data=True), *G.in_edges(node, keys=True, data=True)]
    else:
        edges = G.edges(keys=True, data=True)
    out = []
    for u, v, key, data in edges:
        if type is not None and key != type:
            continue
        rel = _relation(u, v, data, day)
        if rel is None or (status is not None and rel.status != status):
            continue
        if min_confidence is not None and rel.confidence < min_confidence:
            continue
        out.append(rel)
    return sorted(out, key=lambda r: (r.type, r.source, r.target))


def _entity(G: nx.MultiDiGraph, node: str) -> Entity:
    attrs = G.nodes[node]
    return Entity(
        name=node, aliases=list(attrs.get("aliases", [])),
        mentions=[Mention(**m) for m in attrs.get("mentions", [])],
        merges=[Merge(**m) for m in attrs.get("merges", [])],
    )


def entity(G: nx.MultiDiGraph, name: str) -> Entity | None:
    """The organization a name or alias refers to, or None.

    >>> G = nx.MultiDiGraph()
    >>> add_result(G, DocResult(doc_id="d", entities=[Entity(name="Acme Corp", aliases=["ACS"])]))
    >>> entity(G, "ACS").name
    'Acme Corp'
    """
    node = resolve(G, name)
    return None if node is None else _entity(G, node)


def entities(G: nx.MultiDiGraph) -> list[Entity]:
    """All organizations, sorted by name."""
    return [_entity(G, node) for node in sorted(G)]


def summary(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Counts: documents, organizations, relations, evidence, and edges per type and status.

    >>> G = nx.MultiDiGraph()
    >>> add_result(G, DocResult(doc_id="d", relations=[Relation(type="exclusive-with", source="A", target="B")]))
    >>> summary(G)["edges"]
    {'exclusive-with': {'active': 1}}
    """
    edges: dict[str, dict[str, int]] = {}
    for _, _, data in G.edges(data=True):
        per_type = edges.setdefault(data["type"], {})
        per_type[data["status"]] = per_type.get(data["status"], 0) + 1
    return {
        "documents": len(G.graph.get("doc_ids", [])),
        "organizations": G.number_of_nodes(),
        "relations": G.number_of_edges(),
        "evidence": sum(len(d["evidence"]) for _, _, d in G.edges(data=True)),
        "edges": edges,
    }


def signature(G: nx.MultiDiGraph) -> tuple[frozenset, frozenset]:
    """What graph equality compares: relations with their evidence, and entities with aliases."""
    rels = frozenset(
        (r.type, r.source, r.target, r.status, tuple(sorted(r.attrs.items())),
         tuple(sorted(tuple(e.model_dump().items()) for e in r.evidence)))
        for r in relations(G)
    )
    ents = frozenset((n, frozenset(G.nodes[n].get("aliases", []))) for n in G)
    return rels, ents
