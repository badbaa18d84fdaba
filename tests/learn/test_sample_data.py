"""The sample articles and their gold annotations: consistent with each other, and kg scores well on them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from kg.read.documents import iter_documents
from kg.models import ATTR_KEYS as ATTR_NAMES
from kg.models import RELATION_TYPES
from kg.models import STATUSES as STATUS_NAMES
from kg.nlp.names import clean_name

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ARTICLES = DATA / "articles"
GOLD = DATA / "gold.jsonl"

TYPES, STATUSES, ATTR_KEYS = set(RELATION_TYPES), set(STATUS_NAMES), set(ATTR_NAMES)


def gold_records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


# --------------------------------------------------------------------------- (a) the gold file


def test_gold_has_one_line_per_article():
    ids = [r["id"] for r in gold_records()]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(p.stem for p in ARTICLES.glob("*.txt"))
    assert len(ids) >= 10


def test_gold_is_up_to_date_with_annotations():
    spec = importlib.util.spec_from_file_location("make_gold", DATA / "make_gold.py")
    make_gold = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_gold)
    assert GOLD.read_text(encoding="utf-8") == make_gold.render(make_gold.build()), \
        "data/gold.jsonl is stale; run data/make_gold.py"


@pytest.mark.parametrize("record", gold_records(), ids=lambda r: r["id"])
def test_gold_record_is_valid(record):
    assert set(record) == {"id", "url", "published", "text", "entities", "relations"}
    path = ARTICLES / f"{record['id']}.txt"
    raw = path.read_text(encoding="utf-8")
    header, blank, _ = raw.split("\n", 2)
    assert header == f"Published: {record['published']}" and blank == ""
    dt.date.fromisoformat(record["published"])

    # The text is exactly what kg reads from the file: from the headline on.
    assert record["text"] == raw.split("\n", 2)[2]
    [doc] = list(iter_documents(path))
    assert record["text"] == doc.text
    assert str(doc.published) == record["published"]
    assert 120 <= len(record["text"].split()) <= 300

    text = record["text"]
    names = [e["name"] for e in record["entities"]]
    assert len(names) == len(set(names))
    for ent in record["entities"]:
        assert ent["aliases"] == [a for a in ent["aliases"] if a in text], f"alias of {ent['name']} not in text"
        assert any(s in text for s in [ent["name"], *ent["aliases"]]), f"{ent['name']} not in text"
    for rel in record["relations"]:
        assert rel["type"] in TYPES and rel["status"] in STATUSES
        assert rel["source"] in names and rel["target"] in names
        assert set(rel["attrs"]) <= ATTR_KEYS
        for value in rel["attrs"].values():
            assert value in text


def test_gold_covers_the_cases_the_samples_promise():
    records = gold_records()
    rels = [(r["id"], rel) for r in records for rel in r["relations"]]
    kinds = {(rel["type"], rel["status"]) for _, rel in rels}
    assert {("exclusive-with", "ended"), ("exclusive-with", "active"), ("revenue-share-capped", "active"),
            ("partners-with", "planned"), ("partners-with", "active")} <= kinds
    assert any(not r["relations"] for r in records), "one article has no deal edges"
    capped_pairs = {(rel["source"], rel["target"]) for _, rel in rels if rel["type"] == "revenue-share-capped"}
    assert ("OpenAI", "Microsoft") in capped_pairs and len(capped_pairs) >= 2
    ended_excl = {frozenset((rel["source"], rel["target"])) for _, rel in rels
                  if rel["type"] == "exclusive-with" and rel["status"] == "ended"}
    assert frozenset(("OpenAI", "Microsoft")) in ended_excl and len(ended_excl) >= 2
    amendment = next(r for r in records if r["published"] == "2026-04-28")
    assert "Microsoft Corp. (NASDAQ: MSFT)" in amendment["text"]
    assert "Amazon Web Services (AWS)" in amendment["text"]


# --------------------------------------------------------------------------- (b) kg on the samples


def _key(name: str) -> str:
    return clean_name(name).casefold()


@pytest.fixture(scope="module")
def graph():
    kg = pytest.importorskip("kg")
    if not hasattr(kg, "build"):
        pytest.fail("kg.build is not available yet")
    return kg.build(ARTICLES)


def _between(graph, type_, a, b, *, directed=False, **filters):
    ea, eb = graph.entity(a), graph.entity(b)
    assert ea is not None, f"{a!r} is not an organization in the graph"
    assert eb is not None, f"{b!r} is not an organization in the graph"
    found = []
    for r in graph.relations(type=type_, involving=a, **filters):
        ends = (r.source, r.target)
        if ends == (ea.name, eb.name) or (not directed and ends == (eb.name, ea.name)):
            found.append(r)
    return found


@pytest.mark.slow
def test_graph_openai_microsoft_exclusivity_ended_in_2026(graph):
    now = _between(graph, "exclusive-with", "OpenAI", "Microsoft", as_of="2026-04-28")
    assert [r.status for r in now] == ["ended"]
    then = _between(graph, "exclusive-with", "OpenAI", "Microsoft", as_of="2023-06-01")
    assert [r.status for r in then] == ["active"]


@pytest.mark.slow
def test_graph_openai_pays_microsoft_capped_share_until_2030(graph):
    rels = _between(graph, "revenue-share-capped", "OpenAI", "Microsoft", directed=True)
    assert len(rels) == 1
    assert rels[0].status == "active"
    assert rels[0].attrs.get("until") == "2030"


@pytest.mark.slow
def test_graph_openai_partners_with_aws(graph):
    aws = graph.entity("AWS")
    assert aws is not None and aws == graph.entity("Amazon Web Services")
    rels = _between(graph, "partners-with", "OpenAI", "Amazon Web Services")
    assert [r.status for r in rels] == ["active"]


@pytest.mark.slow
def test_graph_learns_ticker_alias(graph):
    assert graph.entity("MSFT") is not None
    assert graph.entity("MSFT").name == graph.entity("Microsoft").name


@pytest.mark.slow
def test_kg_scores_well_on_sample_gold(nlp):
    from kg.learn.evaluate import evaluate

    report = evaluate(GOLD, nlp=nlp)
    overall = report.scores()["overall"]
    misses = "\n".join(
        f"  {o.kind} {o.passage}: {o.type} {o.source} / {o.target} {o.sentence[:100]!r}"
        for o in report.outcomes if o.kind != "tp"
    )
    assert overall["f1"] >= 0.7, f"overall F1 {overall['f1']:.3f} < 0.7 on data/gold.jsonl:\n{misses}"
