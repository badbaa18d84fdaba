"""kg.graph.changes: which edges started, ended or changed status in a window, from small hand-built graphs."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kg.graph.changes import changes, timeline, undated
from kg.errors import KGError
from kg.export import load
from kg.graph import KnowledgeGraph
from kg.models import Change, DocResult, Evidence, Relation

D = dt.date


def ev(doc, status="active", published=None, start=0, sentence=None):
    sentence = sentence or f"{doc} says {status}."
    return Evidence(doc_id=doc, sentence=sentence, start=start, end=start + len(sentence), published=published,
                    status=status, confidence=0.7)


def doc(doc_id, published, *rels):
    return DocResult(doc_id=doc_id, published=published, relations=list(rels))


def rel(type_, source, target, *evidence, status="active"):
    return Relation(type=type_, source=source, target=target, status=status, evidence=list(evidence))


def story() -> KnowledgeGraph:
    """Hooli–Vandelay exclusivity active then ended; Initech–Globex planned then signed; a new partnership."""
    return KnowledgeGraph.from_results([
        doc("d1", D(2025, 6, 1),
            rel("exclusive-with", "Hooli", "Vandelay", ev("d1", "active")),
            rel("partners-with", "Initech", "Globex", ev("d1", "planned", start=40))),
        doc("d2", D(2025, 11, 3), rel("exclusive-with", "Vandelay", "Hooli", ev("d2", "active"))),  # no change
        doc("d3", D(2026, 2, 10),
            rel("partners-with", "Globex", "Initech", ev("d3", "active", sentence="Initech and Globex signed."))),
        doc("d4", D(2026, 4, 28),
            rel("exclusive-with", "Hooli", "Vandelay", ev("d4", "ended", sentence="Hooli ended the exclusivity.")),
            rel("partners-with", "Hooli", "Umbrella", ev("d4", "active", start=60))),
    ])


def summary(cs: list[Change]) -> list[tuple]:
    return [(c.date.isoformat() if c.date else None, c.type, c.source, c.target, c.from_status, c.to_status) for c in cs]


def test_new_ended_and_planned_to_active_edges_in_date_order():
    assert summary(story().changes(since="2026-01-01")) == [
        ("2026-02-10", "partners-with", "Globex", "Initech", "planned", "active"),
        ("2026-04-28", "exclusive-with", "Hooli", "Vandelay", "active", "ended"),
        ("2026-04-28", "partners-with", "Hooli", "Umbrella", None, "active"),
    ]


def test_whole_history_includes_the_first_sighting_of_every_edge():
    got = summary(story().changes(since=D(2000, 1, 1)))
    assert got[:2] == [("2025-06-01", "exclusive-with", "Hooli", "Vandelay", None, "active"),
                       ("2025-06-01", "partners-with", "Globex", "Initech", None, "planned")]
    assert len(got) == 5  # the repeat of d2 changes nothing


@pytest.mark.parametrize("since, until, expected", [
    ("2026-02-10", "2026-02-10", ["2026-02-10"]),     # both ends included
    ("2026-02-11", "2026-04-27", []),
    ("2026-04-28", None, ["2026-04-28", "2026-04-28"]),
    ("2025-06-02", "2026-03-01", ["2026-02-10"]),
])
def test_window_bounds(since, until, expected):
    assert [c.date.isoformat() for c in story().changes(since=since, until=until)] == expected


def test_a_change_carries_the_evidence_that_shows_it():
    (ended,) = story().changes(since="2026-03-01", type="exclusive-with")
    assert [e.sentence for e in ended.evidence] == ["Hooli ended the exclusivity."]
    assert ended.evidence[0].published == D(2026, 4, 28) and ended.evidence[0].doc_id == "d4"


def test_filters_by_type_and_organization():
    g = story()
    assert {c.target for c in g.changes(since="2026-01-01", involving="Umbrella")} == {"Umbrella"}
    assert g.changes(since="2026-01-01", involving="Nobody Inc") == []
    assert {c.type for c in g.changes(since="2026-01-01", type="partners-with")} == {"partners-with"}


def test_same_day_readings_combine_as_the_graph_does():
    """An exclusivity read as active and ended on one day has ended; a partnership stays active."""
    day = D(2026, 3, 3)
    g = KnowledgeGraph.from_results([doc("d", day,
        rel("exclusive-with", "Hooli", "Vandelay", ev("d", "active"), ev("d", "ended", start=50)),
        rel("partners-with", "Hooli", "Vandelay", ev("d", "active"), ev("d", "ended", start=50)))])
    got = {c.type: (c.from_status, c.to_status, [e.status for e in c.evidence]) for c in g.changes(since=day)}
    assert got == {"exclusive-with": (None, "ended", ["ended"]), "partners-with": (None, "active", ["active"])}
    assert {r.type: r.status for r in g.relations()} == {"exclusive-with": "ended", "partners-with": "active"}


def test_undated_evidence_is_reported_apart_never_placed_in_the_window():
    g = story()
    g.add(doc("nodate", None, rel("exclusive-with", "Hooli", "Vandelay", ev("nodate", "planned")),
              rel("partners-with", "Acme", "Stark", ev("nodate", "active", start=30))))
    dated = g.changes(since="2000-01-01")
    assert all(c.date is not None for c in dated)
    assert "Acme" not in {c.source for c in dated}  # an edge known only undated has no start date
    assert summary(g.changes(since="2000-01-01")) == summary(story().changes(since="2000-01-01"))
    assert summary(g.changes(undated=True)) == [
        (None, "exclusive-with", "Hooli", "Vandelay", None, "planned"),
        (None, "partners-with", "Acme", "Stark", None, "active"),
    ]
    assert [e.doc_id for c in undated(g.nx) for e in c.evidence] == ["nodate", "nodate"]


def test_changes_agree_with_relations_as_of_on_random_graphs():
    """A change on day D exactly when the status as of D differs from the status as of the day before."""
    rnd = random.Random(11)
    names = ["Hooli", "Vandelay", "Initech", "Globex"]
    results = []
    for i in range(60):
        u, v = rnd.sample(names, 2)
        day = D(2025, 1, 1) + dt.timedelta(days=rnd.randrange(40))
        results.append(doc(f"d{i}", day, rel(rnd.choice(["partners-with", "exclusive-with"]), u, v,
                                             ev(f"d{i}", rnd.choice(["active", "ended", "planned"])))))
    g = KnowledgeGraph.from_results(results)
    found = {(c.date, c.type, c.source, c.target): (c.from_status, c.to_status) for c in g.changes(since="2024-12-31")}
    expected = {}
    for day in sorted({r.published for r in results}):
        before = {(r.type, r.source, r.target): r.status for r in g.relations(as_of=day - dt.timedelta(days=1))}
        for r in g.relations(as_of=day):
            old = before.get((r.type, r.source, r.target))
            if old != r.status:
                expected[(day, r.type, r.source, r.target)] = (old, r.status)
    assert found == expected and len(found) > 20


def test_changes_survive_a_graphml_round_trip(tmp_path):
    g = story()
    g.to_graphml(tmp_path / "g.graphml")
    assert load(tmp_path / "g.graphml").changes(since="2025-01-01") == g.changes(since="2025-01-01")


@pytest.mark.parametrize("kw, message", [
    ({"since": "last week"}, "since: 'last week' is not a date"),
    ({"since": "2026-05-01", "until": "2026-01-01"}, "before since"),
    ({"since": None}, "since: give a date"),
])
def test_bad_dates_are_one_line_errors(kw, message):
    with pytest.raises(KGError, match=message):
        story().changes(**kw)


def test_timeline_of_one_edge():
    evs = [{"published": D(2025, 1, 1), "status": "planned"}, {"published": None, "status": "ended"},
           {"published": D(2025, 2, 1), "status": "active"}, {"published": D(2025, 3, 1), "status": "ended"}]
    assert [(s.from_status, s.to_status) for s in timeline(evs, "exclusive-with")] == [
        (None, "planned"), ("planned", "active"), ("active", "ended")]
