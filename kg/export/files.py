"""GraphML and node-link JSON: writing (atomically) and reading back into an equal graph."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from kg.export.atomic import atomic_open
from kg.errors import GraphFormatError
from kg.graph import KnowledgeGraph

# Characters XML 1.0 forbids (C0 controls but tab/newline/return, surrogates, U+FFFE/FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Node and edge attributes that hold lists/dicts; written as JSON strings in GraphML.
_NODE_JSON = ("aliases", "mentions", "merges", "doc_ids", "name_counts", "name_first")
_EDGE_JSON = ("attrs", "evidence")


def xml_safe(text: str) -> str:
    """Drop characters that XML 1.0 cannot carry.

    >>> xml_safe("Acme\\x00 Corp\\x1b")
    'Acme Corp'
    """
    return _XML_INVALID.sub("", text)


def edge_id(type_: str, source: str, target: str) -> str:
    """The unique id of an edge, also used by the HTML page.

    >>> edge_id("partners-with", "A", "B")
    'partners-with:A->B'
    """
    return f"{type_}:{source}->{target}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _edge_label(data: dict) -> str:
    attrs = data.get("attrs") or {}
    parts = [data["type"]] + [f"{k} {attrs[k]}" for k in ("percent", "amount", "until") if attrs.get(k)]
    return ", ".join(parts)


def plain_graph(g: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy with JSON-ready values (dates as ISO strings), an edge ``id`` and Gephi-friendly scalars."""
    G = g.nx
    H = nx.MultiDiGraph()
    H.graph.update(_jsonable(G.graph))
    for node, attrs in G.nodes(data=True):
        H.add_node(node, **_jsonable(attrs), label=node, degree=G.degree(node))
    for u, v, key, data in G.edges(keys=True, data=True):
        H.add_edge(
            u, v, key=key, **_jsonable(data), id=edge_id(key, u, v), label=_edge_label(data),
            weight=len(data["evidence"]),
        )
    return H


def _scalar(value: Any) -> str | int | float | bool:
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str):
        return xml_safe(value)
    return value


def to_graphml(g: KnowledgeGraph, path: str | Path) -> None:
    """Write GraphML for Gephi/yEd: scalar values only, unique edge ids, XML-safe text."""
    H = plain_graph(g)
    X = nx.MultiDiGraph()
    X.graph.update({k: _scalar(v) for k, v in H.graph.items() if v is not None})
    for node, attrs in H.nodes(data=True):
        X.add_node(xml_safe(node), **{k: _scalar(v) for k, v in attrs.items() if v is not None})
    for u, v, key, data in H.edges(keys=True, data=True):
        scalars = {k: _scalar(x) for k, x in data.items() if x is not None}
        for name in ("percent", "amount", "until", "since"):  # flat copies for Gephi's filters
            if data["attrs"].get(name):
                scalars[name] = _scalar(data["attrs"][name])
        X.add_edge(xml_safe(u), xml_safe(v), key=key, **scalars)
    with atomic_open(path, "wb") as fh:
        nx.write_graphml(X, fh, edge_id_from_attribute="id")


def to_json(g: KnowledgeGraph, path: str | Path) -> None:
    """Write node-link JSON (``links``), dates as ISO strings."""
    data = nx.node_link_data(plain_graph(g), edges="links")
    with atomic_open(path, "w") as fh:
        json.dump(data, fh, ensure_ascii=False)


# --------------------------------------------------------------------------- reading


def _decode(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _from_plain(H: nx.MultiDiGraph) -> KnowledgeGraph:
    """Rebuild the in-memory graph from a plain (JSON-ready or GraphML-scalar) graph."""
    G = nx.MultiDiGraph()
    G.graph["doc_ids"] = list(_decode(H.graph.get("doc_ids", [])))
    for node, attrs in H.nodes(data=True):
        G.add_node(node, **{k: _decode(attrs.get(k, "{}" if k.startswith("name_") else "[]")) for k in _NODE_JSON})
    for u, v, key, data in H.edges(keys=True, data=True):
        evidence = [dict(ev, published=_date(ev.get("published"))) for ev in _decode(data["evidence"])]
        G.add_edge(
            u, v, key=data.get("type", key), type=data.get("type", key), status=data["status"],
            attrs=_decode(data.get("attrs", "{}")), confidence=float(data["confidence"]), evidence=evidence,
        )
    return KnowledgeGraph(G)


def _read(path: Path) -> nx.MultiDiGraph:
    head = path.read_bytes()[:512].lstrip()
    if head.startswith(b"{"):
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
        return nx.node_link_graph(data, edges="links", directed=True, multigraph=True)
    return nx.read_graphml(path, force_multigraph=True)


def load(path: str | Path) -> KnowledgeGraph:
    """Read a graph written by :func:`to_graphml` or :func:`to_json`.

    >>> import tempfile, os
    >>> from kg.models import DocResult, Relation
    >>> g = KnowledgeGraph.from_results([DocResult(doc_id="d", relations=[
    ...     Relation(type="partners-with", source="A", target="B")])])
    >>> path = os.path.join(tempfile.mkdtemp(), "g.graphml")
    >>> to_graphml(g, path); load(path) == g
    True
    """
    path = Path(path)
    try:
        return _from_plain(_read(path))
    except OSError as exc:
        raise GraphFormatError(f"{path}: cannot read graph file ({exc.strerror}); check the path") from exc
    except (ET.ParseError, nx.NetworkXError, json.JSONDecodeError, UnicodeDecodeError,
            KeyError, TypeError, ValueError, AttributeError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise GraphFormatError(
            f"{path}: not a kg graph file ({reason[:120]}); rebuild it with `kg build`"
        ) from exc
