"""Property tests over random and adversarial text: readers, extraction, graph, GraphML/JSON, HTML.

Bounded (``max_examples``) so the whole file runs in well under two minutes; the spaCy pipeline
is loaded once per module. A SIGALRM guard turns a hang (a pathological regex) into a failure.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import signal

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.read.documents import SkipLog, iter_documents, split_text
from kg.models import DocResult, Document, Entity, Evidence, Relation
from kg.read.textsafe import binary_kind, repair_text, strip_xml_invalid
from kg.read.webpage import read_page

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

FRAGMENTS = [
    "", " ", "\n\n", "\t", "\r\n", "\u00a0", "\u2028", "\ufeff", "x" * 3000, "Acme" * 500,
    "Acme Corp. signed an exclusive partnership with Globex Inc.",
    "Microsoft will pay OpenAI 20% of revenue, capped at $10 billion, until 2030.",
    "Привет, мир", "日本電気株式会社", "مرحبا بالعالم", "שלום", "ภาษาไทย", "한국어",
    "🤝", "👩‍👩‍👧‍👦", "🇯🇵", "e\u0301", "\u202e\u202d",  # emoji, ZWJ sequence, flag, combining mark, bidi
    "<script>alert(1)</script>", "</script><script>x()</script>", "<img src=x onerror=alert(1)>",
    "<!-- -->", "]]>", "&amp;", "&#0;", '"quoted"', "'single'", "“curly” ‘quotes’", "\\", "{}", "$1",
    "\x00", "\x01\x02\x1b\x7f", "\x85", "\ufffe\uffff",
]
adversarial = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=8).map("".join)
# Names as an extractor could produce them: non-empty and stripped, but any characters.
org_name = st.one_of(
    st.sampled_from(['A "quoted" <b>Org</b> & Co', "O'Brien & Sons", "Ünïcødé 株式会社 🤝", "<script>x</script> Inc"]),
    st.text(min_size=1, max_size=30),
).map(str.strip).filter(bool)
xml_ok = lambda s: strip_xml_invalid(s) == s  # noqa: E731


@pytest.fixture(autouse=True)
def no_hang():
    """Fail (rather than hang CI) when one test takes more than 90 s."""

    def fail(signum, frame):
        raise TimeoutError("fuzz test exceeded 90 s: a pathological input?")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(90)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def read(inputs, **kw):
    skips = SkipLog()
    return list(iter_documents(inputs, on_skip=skips, **kw)), skips.skips


# --- readers ----------------------------------------------------------------------------------

@FUZZ
@given(text=adversarial | st.text())
def test_jsonl_round_trip(tmp_path_factory, text):
    p = tmp_path_factory.mktemp("j") / "d.jsonl"
    p.write_text(json.dumps({"id": "a", "text": text}) + "\n" + json.dumps({"text": text}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    docs, skips = read(p, max_doc_chars=10**6)
    if text.strip():
        assert [(d.id, d.text) for d in docs] == [("a", text), ("d:2", text)] and skips == []
    else:
        assert docs == [] and [(s.line, s.kind) for s in skips] == [(1, "empty"), (2, "empty")]


@FUZZ
@given(text=adversarial | st.text())
def test_text_file_round_trip(tmp_path_factory, text):
    assume(not text.lower().startswith(("published:", "date:", "\ufeffpublished:", "\ufeffdate:")))
    data = text.encode("utf-8")
    p = tmp_path_factory.mktemp("t") / "a.txt"
    p.write_bytes(data)
    docs, skips = read(p, max_doc_chars=10**6)
    if binary_kind(data[:8192]):
        assert docs == [] and [s.kind for s in skips] == ["binary"]
        return
    # plain text comes back as written, but for HTML character references and mangled apostrophes (repair_text)
    expected = repair_text(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    if expected.strip():
        assert [d.text for d in docs] == [expected] and skips == []
    else:
        assert docs == [] and [s.kind for s in skips] == ["empty"]


@FUZZ
@given(text=adversarial | st.text())
def test_html_page_reader_never_runs_scripts_and_keeps_the_paragraph(text):
    """Any article text, escaped in a page, comes back (words intact) or the page has no text; scripts never do."""
    body = f"{html.escape(text)} Acme Corp signed a partnership with Globex Inc. to sell cloud services."
    page = read_page(f"<html><head><title>T</title></head><body><article><p>{body}</p></article>"
                     f"<script>var marker = 'SCRIPT-{text.replace('</', '')}';</script></body></html>")
    assert "SCRIPT-" not in page.text and "var marker" not in page.text
    # trafilatura drops unprintable characters and unescapes entities once more ("&amp;amp;" shows as "&")
    printable = lambda s: " ".join("".join(c for c in html.unescape(s) if c.isprintable() or c.isspace()).split())  # noqa: E731
    assert page.text == "" or printable(page.text) == printable(f"T {strip_xml_invalid(html.unescape(body))}")


@FUZZ
@given(data=st.binary(max_size=3000) | adversarial.map(lambda s: s.encode("utf-8", "surrogatepass")),
       suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_any_bytes_read_or_skipped_with_one_line_reasons(tmp_path_factory, data, suffix):
    p = tmp_path_factory.mktemp("b") / f"x{suffix}"
    p.write_bytes(data)
    docs, skips = read(p, max_doc_chars=500)
    assert docs or skips
    for doc in docs:
        assert 0 < len(doc.text) <= 500 and doc.text.strip()
        doc.text.encode("utf-8")  # no lone surrogates reach the pipeline or the outputs
    for skip in skips:
        assert "\n" not in str(skip) and str(skip).startswith(str(p))


@FUZZ
@given(text=adversarial | st.text(), limit=st.integers(1, 200))
def test_split_text_properties(text, limit):
    parts = list(split_text(text, limit))
    assert all(0 < len(p) <= limit and p.strip() for p in parts)
    assert re.sub(r"\s", "", "".join(parts)) == re.sub(r"\s", "", text)


# --- extraction, graph, exports ---------------------------------------------------------------

# the nlp fixture (the full pipeline) is shared: tests/conftest.py


@FUZZ
@given(texts=st.lists(adversarial, min_size=1, max_size=4))
def test_extraction_and_graph_never_crash(nlp, texts):
    from kg.nlp.results import extract_documents
    from kg.graph import KnowledgeGraph

    docs = [Document(id=f"d{i}", text=t, published=dt.date(2024, 1, 1)) for i, t in enumerate(texts)]
    results = list(extract_documents(docs, nlp))
    assert [r.doc_id for r in results] == [d.id for d in docs]
    for doc, result in zip(docs, results):
        for ent in result.entities:
            for m in ent.mentions:
                assert doc.text[m.start:m.end] == m.text
        for rel in result.relations:
            for ev in rel.evidence:
                assert 0 <= ev.start <= ev.end <= len(doc.text)
    graph = KnowledgeGraph.from_results(results)
    assert len(graph) >= 0 and isinstance(graph.summary(), dict)


def _graph(names: list[str], sentence: str):
    from kg.graph import KnowledgeGraph

    a, b = names[0], names[1 % len(names)]
    assume(a.casefold() != b.casefold())
    ev = Evidence(doc_id="doc <1> \"ü\"", sentence=sentence, start=0, end=len(sentence), published=dt.date(2025, 5, 1))
    result = DocResult(doc_id="doc <1> \"ü\"", entities=[Entity(name=n) for n in names],
                       relations=[Relation(type="partners-with", source=a, target=b, evidence=[ev])])
    return KnowledgeGraph.from_results([result])


def _texts(g) -> tuple[set[str], set[str]]:
    return {e.name for e in g.entities()}, {ev.sentence for r in g.relations() for ev in r.evidence}


@FUZZ
@given(names=st.lists(org_name.filter(xml_ok), min_size=2, max_size=4, unique_by=str.casefold),
       sentence=(adversarial | st.text()).filter(xml_ok))
def test_graphml_and_json_round_trips_are_lossless(tmp_path_factory, names, sentence):
    from kg.export import load

    g = _graph(names, sentence)
    folder = tmp_path_factory.mktemp("g")
    for name in ("g.graphml", "g.json"):
        getattr(g, f"to_{name.split('.')[1]}")(folder / name)
        back = load(folder / name)
        assert back == g, name
        assert _texts(back) == _texts(g), name


@FUZZ
@given(names=st.lists(org_name, min_size=2, max_size=3, unique_by=str.casefold), sentence=adversarial)
def test_graphml_is_valid_xml_whatever_the_text(tmp_path_factory, names, sentence):
    import xml.etree.ElementTree as ET

    from kg.export import load

    g = _graph(names, sentence)
    path = tmp_path_factory.mktemp("x") / "g.graphml"
    g.to_graphml(path)
    ET.parse(path)  # XML-invalid characters never reach the file
    back_names, back_sentences = _texts(load(path))
    # Only characters XML cannot carry may be lost (evidence, JSON inside XML, even keeps C0 controls).
    clean = lambda texts: {strip_xml_invalid(t) for t in texts}  # noqa: E731
    assert clean(back_sentences) == clean(_texts(g)[1])
    if all(clean(_texts(g)[0])) and len(clean(_texts(g)[0])) == len(_texts(g)[0]):
        assert clean(back_names) == clean(_texts(g)[0])


@FUZZ
@given(names=st.lists(org_name, min_size=2, max_size=3, unique_by=str.casefold), sentence=adversarial)
def test_html_output_escapes_article_text(tmp_path_factory, names, sentence):
    from kg.export.html import render

    marker = "kgfuzz"
    names = [f"<script>{marker}()</script>{names[0]}", *names[1:]]
    page = render(_graph(names, f'<img src=x onerror="{marker}()"><script>{marker}()</script>{sentence}'))
    baseline = render(_graph(["Alpha", "Beta"], "Alpha partners with Beta."))
    assert f"<script>{marker}" not in page and "<img src=x" not in page
    assert len(re.findall(r"<script", page, re.I)) == len(re.findall(r"<script", baseline, re.I))
