"""One self-contained interactive HTML page: vis-network inlined, data as escaped JSON, zero requests.

pyvis builds the node and edge dicts; its own templates are not used because even with
``cdn_resources="in_line"`` they load bootstrap and tom-select from CDNs.
"""

from __future__ import annotations

import html
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.export.atomic import atomic_write_text
from kg.graph.changes import timeline
from kg.export.files import edge_id
from kg.graph import KnowledgeGraph
from kg.models import RELATION_TYPES, STATUSES

if TYPE_CHECKING:
    from pyvis.network import Network

TYPE_COLORS = {"partners-with": "#2b7bb9", "exclusive-with": "#d0413a", "revenue-share-capped": "#2e9d4a"}
TYPE_LABELS = {"partners-with": "partners", "exclusive-with": "exclusive", "revenue-share-capped": "revenue share"}
DASHES = {"active": False, "ended": [8, 6], "planned": [2, 5]}
TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "graph.html"
_PLACEHOLDER = re.compile(r"\{\{ *(\w+) *\}\}")


def most_connected(G: nx.MultiDiGraph, max_nodes: int | None) -> list[str]:
    """The ``max_nodes`` organizations with the highest degree (ties by name); all when None.

    >>> G = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("b", "c"), ("d", "a")])
    >>> most_connected(G, 2)
    ['a', 'b']
    """
    ranked = sorted(G, key=lambda n: (-G.degree(n), n))
    return ranked if max_nodes is None else ranked[: max(0, max_nodes)]


def _rs_label(attrs: dict[str, str]) -> str:
    parts = [attrs.get("percent", ""), f"cap {attrs['amount']}" if attrs.get("amount") else "",
             f"until {attrs['until']}" if attrs.get("until") else ""]
    return " · ".join(p for p in parts if p)


def edge_label(type_: str, attrs: dict[str, str]) -> str:
    """The text drawn on an edge; revenue shares show percent, cap and end date.

    >>> edge_label("revenue-share-capped", {"percent": "30%", "amount": "$5m", "until": "2026"})
    '30% · cap $5m · until 2026'
    """
    if type_ == "revenue-share-capped":
        return _rs_label(attrs) or TYPE_LABELS[type_]
    return TYPE_LABELS.get(type_, type_)


def _evidence(data: dict) -> list[dict[str, Any]]:
    return [
        {"doc": ev["doc_id"], "sentence": ev["sentence"], "date": ev["published"].isoformat() if ev["published"] else None,
         "status": ev["status"], "confidence": round(float(ev["confidence"]), 3), "rule": ev.get("rule", ""),
         "attrs": ev.get("attrs") or {}}
        for ev in data["evidence"]
    ]


def _changes(data: dict) -> list[dict[str, Any]]:
    """Every status change of the edge (as :func:`kg.graph.changes.changes` finds them), for the "changed since" control."""
    return [{"date": step.date.isoformat(), "from": step.from_status, "to": step.to_status}
            for step in timeline(data["evidence"], data["type"])]


def _curve(index: int, reverse: bool) -> dict[str, Any] | None:
    """Parallel edges between one pair are bent apart so each stays visible and clickable.

    A clockwise bend seen from the other end is counter-clockwise, hence ``reverse``.
    """
    if index == 0:
        return None
    clockwise = bool(index % 2) != reverse
    return {"enabled": True, "type": "curvedCW" if clockwise else "curvedCCW", "roundness": 0.25 * math.ceil(index / 2)}


def build_network(G: nx.MultiDiGraph, keep: list[str]) -> Network:
    """pyvis ``Network`` holding the vis node/edge dicts for the kept organizations.

    We call add_node/add_edge rather than ``from_nx``: from_nx mutates the graph it is given
    (it rewrites ``size`` and pops ``weight``) and would copy our list-valued attributes.
    ``directed=True`` also skips pyvis's duplicate check, which would drop parallel typed edges.
    """
    from pyvis.network import Network  # imported here: pyvis pulls in IPython (~0.4 s), kg.load needs neither

    net = Network(directed=True)
    kept = set(keep)
    sub = G.subgraph(keep)
    for node in keep:
        attrs = G.nodes[node]
        degree = sub.degree(node)
        net.add_node(
            node, label=node, size=round(10 + 5 * math.sqrt(degree), 1), degree=degree,
            aliases=list(attrs.get("aliases", [])), docs=len(attrs.get("doc_ids", [])),
            # Unlinked organizations stay out of the simulation (most of a news corpus): the page
            # lays them out on a grid, so physics only works on the linked part and settles fast.
            physics=degree > 0,
        )
    pairs: dict[frozenset, int] = {}
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        if u not in kept or v not in kept:
            continue
        pair = frozenset((u, v))
        index = pairs[pair] = pairs.get(pair, -1) + 1
        options: dict[str, Any] = dict(
            id=edge_id(key, u, v), type=key, status=data["status"], attrs=dict(data["attrs"]),
            confidence=round(float(data["confidence"]), 3), evidence=_evidence(data), changes=_changes(data),
            arrows="to" if key == "revenue-share-capped" else "",
        )
        if (curve := _curve(index, reverse=v < u)) is not None:
            options["smooth"] = curve
        net.add_edge(u, v, **options)
    return net


def page_data(g: KnowledgeGraph, max_nodes: int | None = None) -> dict[str, Any]:
    """Everything the page script needs, as plain JSON-ready data."""
    G = g.nx
    keep = most_connected(G, max_nodes)
    net = build_network(G, keep)
    dates = sorted({ev["date"] for e in net.edges for ev in e["evidence"] if ev["date"]})
    return {
        "nodes": net.nodes, "edges": net.edges, "dates": dates,
        "types": list(RELATION_TYPES), "statuses": list(STATUSES),
        "colors": TYPE_COLORS, "labels": TYPE_LABELS, "dashes": DASHES,
        "total": {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()},
    }


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    >>> script_json({"s": "</script><!-- \\u2028"})
    '{"s": "\\\\u003c/script\\\\u003e\\\\u003c!-- \\\\u2028"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _asset(*parts: str) -> str:
    return resources.files("pyvis").joinpath("lib", *parts).read_text(encoding="utf-8")


def _note(data: dict[str, Any], max_nodes: int | None) -> str:
    shown, total = len(data["nodes"]), data["total"]["nodes"]
    if max_nodes is None or shown >= total:
        return ""
    return html.escape(
        f"Showing the {shown} most connected of {total} organizations "
        f"({len(data['edges'])} of {data['total']['edges']} relations); "
        f"raise --html-max-nodes to see more."
    )


def render(g: KnowledgeGraph, *, max_nodes: int | None = None, title: str = "kg — deal graph") -> str:
    """The page as a string (see :func:`to_html`)."""
    data = page_data(g, max_nodes)
    parts = {
        "TITLE": html.escape(title),
        "NOTE": _note(data, max_nodes),
        "VIS_CSS": _asset("vis-9.1.2", "vis-network.css").replace("</style", "<\\/style"),
        "VIS_JS": _asset("vis-9.1.2", "vis-network.min.js").replace("</script", "<\\/script"),
        "DATA": script_json(data),
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    # One pass, so nothing inside an inserted part is ever treated as a placeholder.
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def to_html(g: KnowledgeGraph, path: str | Path, *, max_nodes: int | None = None) -> None:
    """Write one self-contained interactive HTML page (no network requests) for the graph.

    ``max_nodes`` keeps the N most connected organizations, and the page says so.
    """
    atomic_write_text(path, render(g, max_nodes=max_nodes))
