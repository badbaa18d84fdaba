"""Merging document results into the deal graph: nodes found by name across documents, edges with their evidence.

One node per organization (key = canonical name); one edge per (type, source, target),
keyed by the type. Symmetric types are stored once with ``source < target``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.models import SYMMETRIC_TYPES, DocResult, combine_status, Entity, Evidence, Merge
from kg.nlp.names import entity_key as _entity_key
from kg.nlp.names import compact_key, is_short_form, near_identical

# The key index is rebuilt for every document; names repeat, so their keys are memoized.
entity_key = lru_cache(maxsize=200_000)(_entity_key)
is_short_form = lru_cache(maxsize=200_000)(is_short_form)
compact_key = lru_cache(maxsize=200_000)(compact_key)

# Tie-break between evidence of the same day: an ending beats an announcement.
_STATUS_RANK = {"planned": 0, "active": 1, "ended": 2}
_EVIDENCE_FIELDS = tuple(Evidence.model_fields)


# --------------------------------------------------------------------------- evidence


def _date_key(ev: dict) -> tuple:
    """Sort key: undated evidence is older than any dated one; same day → planned < active < ended."""
    published = ev.get("published")
    return (published is not None, published or dt.date.min, _STATUS_RANK.get(ev.get("status"), 1))


def _evidence_id(ev: dict) -> tuple:
    return (ev["doc_id"], ev["start"], ev["end"], ev["status"])


def _order(ev: dict) -> tuple:
    return (*_date_key(ev), ev["doc_id"], ev["start"], ev["end"])


def _derive(evidence: list[dict], type_: str = "partners-with") -> dict[str, Any]:
    """Status (from the latest-dated evidence), merged attrs and combined confidence of evidence dicts."""
    ordered = sorted(evidence, key=_date_key)
    latest = ordered[-1].get("published")
    status = combine_status(type_, [ev["status"] for ev in ordered if ev.get("published") == latest])
    attrs: dict[str, str] = {}
    for ev in ordered:  # later evidence wins per key
        attrs.update(ev.get("attrs") or {})
    miss = 1.0
    for ev in evidence:
        miss *= 1.0 - float(ev.get("confidence", 0.0))
    return {"status": status, "attrs": attrs, "confidence": min(1.0, max(0.0, 1.0 - miss))}


def _to_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise KGError(f"as_of: {value!r} is not a date; use YYYY-MM-DD") from None


# --------------------------------------------------------------------------- nodes


def _strong_names(name: str, aliases: Iterable[str]) -> list[str]:
    """The names that are not short forms of another name of the same entity ("Northwind" of "Northwind Bank").

    The entity's own name may be the short form, when a document used it most: it is then no key.
    """
    names = [name, *aliases]
    strong = [n for n in names if not any(is_short_form(n, m) for m in names)]
    return strong or [name]


def _node_keys(G: nx.MultiDiGraph, node: str) -> set[str]:
    """Keys that name the node in any document: its name, tickers, defined and full forms."""
    return {entity_key(n) for n in _strong_names(node, G.nodes[node].get("aliases", []))}


# Index entries beside the plain keys: the spacing-free form and one-word-masked forms of each key,
# for the near-identical-name step. The prefixes cannot start an entity key (no control characters).
_COMPACT, _MASKED = "\x00c:", "\x00m:"


def _signatures(key: str) -> list[str]:
    words = key.split()
    out = [_COMPACT + compact_key(key)] if len(compact_key(key)) >= 4 else []
    if len(words) >= 2:
        out += [_MASKED + " ".join(w if j != i else "*" for j, w in enumerate(words)) for i in range(len(words))]
    return out


def _index_node(index: dict[str, str], key: str, node: str) -> None:
    index.setdefault(key, node)
    for sig in _signatures(key):
        index.setdefault(sig, node)


@lru_cache(maxsize=1 << 16)
def _index_entries(node: str, aliases: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A node's index entries (its keys, each followed by its signatures) and its short-form keys.

    Cached by name and aliases: the index is rebuilt for every document, the nodes rarely change.
    """
    keys = sorted({entity_key(n) for n in _strong_names(node, aliases)})
    entries = tuple(e for key in keys for e in (key, *_signatures(key)))
    short = tuple(sorted({entity_key(a) for a in aliases} - set(keys)))
    return entries, short


def _key_index(G: nx.MultiDiGraph) -> dict[str, str]:
    """entity_key of every name and alias → node (first node wins on a clash).

    A short form ("Northwind" for "Northwind Bank") is indexed only when it belongs to one node
    and is no other node's name: "Northwind" may be the bank in one article, the airline in the next.
    """
    index: dict[str, str] = {}
    owners: dict[str, set[str]] = {}
    entries = [(node, _index_entries(node, tuple(data.get("aliases", [])))) for node, data in G.nodes(data=True)]
    for node, (keys, _short) in entries:
        for key in keys:
            index.setdefault(key, node)
    for node, (_keys, short) in entries:
        for key in short:
            owners.setdefault(key, set()).add(node)
    for key, nodes in owners.items():
        if len(nodes) == 1 and key not in index:
            index[key] = next(iter(nodes))
    return index


def _near_match(G: nx.MultiDiGraph, index: dict[str, str], name: str) -> tuple[str, str] | None:
    """A node whose name is near-identical to ``name`` (see :func:`kg.nlp.names.near_identical`), and why."""
    for sig in _signatures(entity_key(name)):
        node = index.get(sig)
        if node is None or node not in G:
            continue
        for other in _strong_names(node, G.nodes[node].get("aliases", [])):
            reason = near_identical(name, other)
            if reason in {"spelling", "fuzzy"}:
                return node, reason
    return None


def _new_node(G: nx.MultiDiGraph, name: str) -> None:
    G.add_node(name, aliases=[], mentions=[], merges=[], doc_ids=[], name_counts={}, name_first={})


def _extend(seq: list, items: Iterable) -> None:
    for item in items:
        if item not in seq:
            seq.append(item)


def _put_edge(G: nx.MultiDiGraph, type_: str, u: str, v: str, evidence: list[dict]) -> None:
    """Add (or merge into) the edge ``type_`` between u and v; self-loops are dropped."""
    if u == v:
        return
    if type_ in SYMMETRIC_TYPES and v < u:
        u, v = v, u
    if G.has_edge(u, v, key=type_):
        data = G.edges[u, v, type_]
    else:
        G.add_edge(u, v, key=type_, type=type_, evidence=[])
        data = G.edges[u, v, type_]
    seen = {_evidence_id(ev): ev for ev in data["evidence"]}
    for ev in evidence:
        old = seen.get(_evidence_id(ev))
        if old is None:
            seen[_evidence_id(ev)] = ev = dict(ev, attrs=dict(ev.get("attrs") or {}))
            data["evidence"].append(ev)
        else:
            old["attrs"] = {**old.get("attrs", {}), **(ev.get("attrs") or {})}
    data["evidence"].sort(key=_order)
    data.update(_derive(data["evidence"], data["type"]))


def _move_node(G: nx.MultiDiGraph, old: str, new: str, index: dict[str, str]) -> None:
    """Fold node ``old`` into node ``new`` (created if absent): attributes, edges, index."""
    if new not in G:
        _new_node(G, new)
    src, dst = G.nodes[old], G.nodes[new]
    _extend(dst["aliases"], [old, *src["aliases"]])
    if new in dst["aliases"]:
        dst["aliases"].remove(new)
    _extend(dst["mentions"], src["mentions"])
    _extend(dst["merges"], src["merges"])
    _extend(dst["doc_ids"], src["doc_ids"])
    for name, count in src["name_counts"].items():
        dst["name_counts"][name] = dst["name_counts"].get(name, 0) + count
    for name, day in src.get("name_first", {}).items():
        _seen(dst, name, day)
    edges = [(u, v, k, d) for u, v, k, d in G.out_edges(old, keys=True, data=True)]
    edges += [(u, v, k, d) for u, v, k, d in G.in_edges(old, keys=True, data=True) if u != old]
    G.remove_node(old)
    for u, v, key, data in edges:
        _put_edge(G, key, new if u == old else u, new if v == old else v, data["evidence"])
    for k, node in list(index.items()):
        if node == old:
            index[k] = new
    for k in _node_keys(G, new):
        _index_node(index, k, new)


def _seen(attrs: dict, name: str, day: str) -> None:
    """Remember the earliest publication date (ISO; "" = undated) a name was used on."""
    first = attrs.setdefault("name_first", {})
    old = first.get(name)
    if old is None or (day and (not old or day < old)):
        first[name] = day


def _canonical(G: nx.MultiDiGraph, node: str) -> str:
    """The most frequent name; ties → used earliest, then longest, then alphabetical.

    Depends only on the merged names, never on the order documents arrive in.
    """
    attrs = G.nodes[node]
    counts, first = attrs["name_counts"], attrs.get("name_first", {})

    def rank(name: str) -> tuple:
        day = first.get(name, "")
        return (-counts[name], day == "", day, -len(name), name)

    return min(counts, key=rank, default=node)


def _add_entity(G: nx.MultiDiGraph, index: dict[str, str], ent: Entity, doc_id: str, day: str = "") -> str:
    """Merge one document entity into the graph; returns its node.

    It joins the nodes that share its name or a full alias (a short form it uses in its own
    document bridges nothing), else a node with a near-identical name; every merge is recorded.
    """
    keys = [entity_key(n) for n in _strong_names(ent.name, ent.aliases)]
    matches = list(dict.fromkeys(index[k] for k in keys if k in index))
    near = None if matches else _near_match(G, index, ent.name)
    if near is not None:
        matches = [near[0]]
        G.nodes[near[0]]["merges"].append(
            Merge(surface=ent.name, reason=f"cross-document-{near[1]}", doc_id=doc_id).model_dump())
    if not matches and _free_name(G, ent) in G:
        matches = [_free_name(G, ent)]  # its full name is a node already: the same company
    if not matches:
        node = _free_name(G, ent)
        _new_node(G, node)
    else:
        node = matches[0]
        for other in matches[1:]:
            G.nodes[node]["merges"].append(
                Merge(surface=other, reason="cross-document-alias", doc_id=doc_id).model_dump()
            )
            _move_node(G, other, node, index)
        if near is None and ent.name != node and ent.name not in G.nodes[node]["aliases"]:
            reason = "cross-document-key" if entity_key(ent.name) == entity_key(node) else "cross-document-alias"
            G.nodes[node]["merges"].append(Merge(surface=ent.name, reason=reason, doc_id=doc_id).model_dump())
    attrs = G.nodes[node]
    _extend(attrs["aliases"], [a for a in (ent.name, *ent.aliases) if a != node])
    _extend(attrs["mentions"], [m.model_dump() for m in ent.mentions])
    _extend(attrs["merges"], [m.model_dump() for m in ent.merges])
    _extend(attrs["doc_ids"], [doc_id])
    attrs["name_counts"][ent.name] = attrs["name_counts"].get(ent.name, 0) + 1
    _seen(attrs, ent.name, day)
    for k in keys:
        _index_node(index, k, node)
    best = _canonical(G, node)
    if best != node and best not in G:  # never onto another company's node that bears the name
        _move_node(G, node, best, index)
        node = best
    return node


def _free_name(G: nx.MultiDiGraph, ent: Entity) -> str:
    """The node name for a new entity: its name, or its full name when another company's node has the name."""
    if ent.name not in G:
        return ent.name
    return _strong_names(ent.name, ent.aliases)[0]


def _node_for(G: nx.MultiDiGraph, index: dict[str, str], name: str, doc_id: str, day: str) -> str:
    node = index.get(entity_key(name))
    if node is None:
        node = _add_entity(G, index, Entity(name=name), doc_id, day)
    return node


# --------------------------------------------------------------------------- building


def add_result(G: nx.MultiDiGraph, result: DocResult) -> None:
    """Merge one document's entities and relations into ``G`` (in place).

    >>> G = nx.MultiDiGraph()
    >>> add_result(G, DocResult(doc_id="d1", entities=[Entity(name="Acme Corp")]))
    >>> add_result(G, DocResult(doc_id="d2", entities=[Entity(name="Acme")]))
    >>> list(G), G.nodes["Acme Corp"]["aliases"]
    (['Acme Corp'], ['Acme'])
    """
    _extend(G.graph.setdefault("doc_ids", []), [result.doc_id])
    index = _key_index(G)
    day = result.published.isoformat() if result.published else ""
    for ent in result.entities:
        _add_entity(G, index, ent, result.doc_id, day)
    for rel in result.relations:
        u = _node_for(G, index, rel.source, result.doc_id, day)
        v = _node_for(G, index, rel.target, result.doc_id, day)
        evidence = [ev.model_dump() for ev in rel.evidence] or [
            Evidence(doc_id=result.doc_id, sentence="", start=0, end=0,
                     status=rel.status, confidence=rel.confidence).model_dump()
        ]
        for ev in evidence:
            if ev["published"] is None:
                ev["published"] = result.published
            ev["attrs"] = dict(rel.attrs)
        _put_edge(G, rel.type, u, v, evidence)
