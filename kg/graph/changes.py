"""What changed: edges that started, ended or changed status between two days.

An edge's status on a day is the one :func:`kg.graph.relations` gives ``as_of`` that day (the
latest-dated evidence, same-day readings combined by :func:`kg.models.combine_status`). A change
on day D is a difference between the status as of D and as of the day before; an edge with no
dated evidence before D is new on D. Undated evidence cannot be placed in time, so it never makes
a change: :func:`undated` reports it apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import networkx as nx

from kg.errors import KGError
from kg.graph.query import resolve
from kg.models import Change, Evidence, combine_status

_EVIDENCE_FIELDS = tuple(Evidence.model_fields)


class Step(NamedTuple):
    """One status change of an edge: the day, the status before (None: new) and after, and its evidence."""

    date: dt.date
    from_status: str | None
    to_status: str
    evidence: list[dict]


def parse_day(value: dt.date | str | None, name: str = "since") -> dt.date | None:
    """A day from a date or an ISO string; a one-line KGError naming the option otherwise.

    >>> parse_day("2026-01-01"), parse_day(None)
    (datetime.date(2026, 1, 1), None)
    """
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise KGError(f"{name}: {value!r} is not a date; use YYYY-MM-DD") from None


def _by_day(evidence: Iterable[dict]) -> dict[dt.date, list[dict]]:
    days: dict[dt.date, list[dict]] = {}
    for ev in evidence:
        if ev.get("published") is not None:
            days.setdefault(ev["published"], []).append(ev)
    return dict(sorted(days.items()))


def timeline(evidence: Iterable[dict], type_: str) -> list[Step]:
    """Every status change of one edge over its dated evidence (dicts as stored on graph edges).

    The evidence of a step is the evidence of that day that reads the new status.

    >>> evs = [{"published": dt.date(2025, 1, d), "status": s} for d, s in ((1, "planned"), (5, "planned"), (9, "active"))]
    >>> [(str(s.date), s.from_status, s.to_status) for s in timeline(evs, "partners-with")]
    [('2025-01-01', None, 'planned'), ('2025-01-09', 'planned', 'active')]
    """
    steps: list[Step] = []
    before: str | None = None
    for day, todays in _by_day(evidence).items():
        status = combine_status(type_, [ev["status"] for ev in todays])
        if status != before:
            shown = [ev for ev in todays if ev["status"] == status] or todays
            steps.append(Step(day, before, status, shown))
            before = status
    return steps


def _evidence(evs: Iterable[dict]) -> list[Evidence]:
    return [Evidence(**{f: ev[f] for f in _EVIDENCE_FIELDS if f in ev}) for ev in evs]


def _edges(G: nx.MultiDiGraph, type_: str | None, involving: str | None) -> Iterator[tuple[str, str, dict]]:
    if involving is not None:
        node = resolve(G, involving)
        if node is None:
            return
        edges = [*G.out_edges(node, keys=True, data=True), *G.in_edges(node, keys=True, data=True)]
    else:
        edges = G.edges(keys=True, data=True)
    for u, v, key, data in edges:
        if type_ is None or key == type_:
            yield u, v, data


def changes(
    G: nx.MultiDiGraph, *, since: dt.date | str, until: dt.date | str | None = None,
    type: str | None = None, involving: str | None = None,
) -> list[Change]:
    """Edges that started, ended or changed status from ``since`` to ``until`` (both included), by date.

    >>> from kg.graph.merge import add_result
    >>> from kg.models import DocResult, Relation
    >>> G = nx.MultiDiGraph()
    >>> add_result(G, DocResult(doc_id="a", published="2025-01-02", relations=[Relation(type="exclusive-with", source="A", target="B")]))
    >>> add_result(G, DocResult(doc_id="b", published="2025-03-04", relations=[Relation(type="exclusive-with", source="A", target="B", status="ended")]))
    >>> [(str(c.date), c.from_status, c.to_status) for c in changes(G, since="2025-02-01")]
    [('2025-03-04', 'active', 'ended')]
    """
    start, end = parse_day(since, "since"), parse_day(until, "until")
    if start is None:
        raise KGError("since: give a date, YYYY-MM-DD")
    if end is not None and end < start:
        raise KGError(f"until {end} is before since {start}; swap them")
    out = [
        Change(type=data["type"], source=u, target=v, from_status=step.from_status, to_status=step.to_status,
               date=step.date, evidence=_evidence(step.evidence))
        for u, v, data in _edges(G, type, involving)
        for step in timeline(data["evidence"], data["type"])
        if step.date >= start and (end is None or step.date <= end)
    ]
    return sorted(out, key=lambda c: (c.date, c.type, c.source, c.target))


def undated(G: nx.MultiDiGraph, *, type: str | None = None, involving: str | None = None) -> list[Change]:
    """Evidence without a date, one record per edge and status it reads; ``date`` and ``from_status`` are None.

    Such evidence may or may not fall in a window, so :func:`changes` leaves it out rather than guess.
    """
    out = []
    for u, v, data in _edges(G, type, involving):
        by_status: dict[str, list[dict]] = {}
        for ev in data["evidence"]:
            if ev.get("published") is None:
                by_status.setdefault(ev["status"], []).append(ev)
        out += [Change(type=data["type"], source=u, target=v, to_status=status, evidence=_evidence(evs))
                for status, evs in by_status.items()]
    return sorted(out, key=lambda c: (c.type, c.source, c.target, c.to_status))
