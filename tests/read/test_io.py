"""Tests for kg.read: formats, encodings, skips with reasons, limits, folder walks."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import tracemalloc
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.models import Document
from kg.read.documents import Skip, SkipLog, iter_documents, iter_documents_strict, split_text
from kg.read.skips import BinaryInputError, MalformedInputError

BBC_CP1252 = Path("/work/shared/corpus/bbc/sport/199.txt")


def read(inputs, **kw):
    """(documents, skips) from ``iter_documents``."""
    skips = SkipLog()
    return list(iter_documents(inputs, on_skip=skips, **kw)), skips.skips


# --- plain text -------------------------------------------------------------------------------

def test_text_file_with_published_header(tmp_path):
    p = tmp_path / "deal.txt"
    p.write_text("Published: 2024-05-16\n\nAcme partners with Beta.\n", encoding="utf-8")
    [doc], skips = read(p)
    assert (doc.id, doc.text, doc.published, doc.source) == ("deal", "Acme partners with Beta.\n", dt.date(2024, 5, 16), str(p))
    assert skips == []


def test_markdown_and_crlf_newlines(tmp_path):
    p = tmp_path / "note.md"
    p.write_bytes(b"# Title\r\n\r\nBody line.\r\n")
    [doc], _ = read(p)
    assert doc.text == "# Title\n\nBody line.\n" and doc.published is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café £5 — “quoted”".encode("utf-8"), "Café £5 — “quoted”"),
        (b"\xef\xbb\xbf" + "Café".encode("utf-8"), "Café"),  # UTF-8 with BOM: the BOM is dropped
        ("Müller: Größe €5".encode("utf-16"), "Müller: Größe €5"),  # UTF-16 with BOM
        ("Fee of £15.8m, “quoted” café".encode("cp1252"), "Fee of £15.8m, “quoted” café"),
        ("Газпром подписал соглашение с компанией Роснефть о партнёрстве.".encode("cp1251"),
         "Газпром подписал соглашение с компанией Роснефть о партнёрстве."),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "cp1252", "cp1251"],
)
def test_encodings_are_detected(tmp_path, data, expected):
    p = tmp_path / "a.txt"
    p.write_bytes(data)
    [doc], skips = read(p)
    assert doc.text == expected and skips == []


@pytest.mark.skipif(not BBC_CP1252.exists(), reason="BBC corpus not present")
def test_the_bbc_windows_1252_file_reads_correctly():
    [doc], _ = read(BBC_CP1252)
    assert "a £15.8m signing from Parma" in doc.text
    assert "\ufffd" not in doc.text


# --- HTML -------------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head>
<title>Acme &amp; Beta sign | News</title>
<meta property="og:title" content="Acme and Beta sign a deal">
<meta property="article:published_time" content="2025-03-01T08:00:00Z">
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script>
</head><body><nav>Home</nav><noscript>Enable JS</noscript>
<article><h1>Acme signs</h1><p>Acme   partners
with <b>Beta</b>.</p><p>Second<br>line &lt;ok&gt;</p><ul><li>one</li><li>two</li></ul></article>
<template><p>hidden</p></template></body></html>"""


def test_html_text_title_and_date(tmp_path):
    p = tmp_path / "page.html"
    p.write_text(PAGE, encoding="utf-8")
    [doc], _ = read(p)
    # the title heads the text as in a .txt article; paragraphs are separated by blank lines; the nav is gone
    assert doc.text == "Acme and Beta sign a deal\n\nAcme signs\n\nAcme partners with Beta.\n\nSecond\n\nline <ok>\n\n- one\n\n- two"
    assert doc.title == "Acme and Beta sign a deal"
    assert doc.published == dt.date(2025, 3, 1)
    for hidden in ("Home", "color", "not text", "Enable JS", "hidden", "var x"):
        assert hidden not in doc.text


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="og:published_time" content="2023-01-23">',
        '<meta name="date" content="2023-01-23">',
        '<meta name="pubdate" content="2023-01-23T10:00">',
        '<meta name="DC.date" content="2023-01-23">',
        '<meta itemprop="datePublished" content="2023-01-23">',
        '<time datetime="2023-01-23T09:00:00+01:00">Jan 23</time>',
    ],
)
def test_html_published_date_sources(tmp_path, head):
    p = tmp_path / "p.htm"
    p.write_text(f"<html><head><title>T</title>{head}</head><body><p>Text.</p></body></html>", encoding="utf-8")
    [doc], _ = read(p)
    assert doc.published == dt.date(2023, 1, 23) and doc.title == "T"


def test_html_declared_charset_is_used(tmp_path):
    p = tmp_path / "p.html"
    p.write_bytes('<meta charset="iso-8859-7"><p>Η Acme συνεργάζεται με τη Beta στην Αθήνα.</p>'.encode("iso-8859-7"))
    [doc], _ = read(p)
    assert doc.text == "Η Acme συνεργάζεται με τη Beta στην Αθήνα."


def test_html_without_visible_text_is_skipped(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    docs, [skip] = read(p)
    assert docs == [] and skip.kind == "empty" and skip.path == str(p)


# Saved news pages (tests/pages): each has a nav bar, a cookie banner, sidebars of other deals, comments and
# a footer. Every sentence outside the article names a company the article does not.
PAGES = Path(__file__).parents[1] / "pages"
OUTSIDE = ("Globex", "Umbrella", "Stark", "Wayne", "Soylent", "Tyrell", "Massive", "Oscorp", "Cyberdyne", "Initech",
           "cookies", "Comments", "Most read", "Daily Ledger Ltd", "Share", "Privacy", "First!")


def test_saved_news_page_gives_only_the_article(tmp_path):
    [doc], skips = read(PAGES / "ledger-hooli-vandelay.html")
    assert skips == [] and doc.id == "ledger-hooli-vandelay"
    assert doc.title == "Hooli ends Vandelay exclusivity, signs Pied Piper partnership"
    assert doc.published == dt.date(2026, 3, 2)  # JSON-LD / meta, not the "since 2020" of the text
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == doc.title and len(paragraphs) == 5
    assert paragraphs[1].startswith("Hooli said on Monday that it would end Vandelay Industries' exclusive right")
    assert paragraphs[-1].endswith("have slowed for three quarters in a row.")
    for word in OUTSIDE:
        assert word not in doc.text, word


def test_saved_page_in_windows_1252_with_json_ld_graph_date():
    [doc], skips = read(PAGES / "wire-initech-globex.htm")
    assert skips == []
    assert doc.published == dt.date(2025, 11, 18)  # from the JSON-LD @graph; the page has no date meta tag
    assert doc.title == "Initech to share cloud revenue with Globex in capped deal"  # site name dropped
    assert "SAN FRANCISCO — Initech will pay Globex 15% of its cloud revenue" in doc.text  # cp1252 dash decoded
    assert "“This gives us room to grow without giving away the upside,” Initech’s finance chief" in doc.text
    for word in ("Hooli", "Pied Piper", "Vandelay", "Kramerica", "Soylent", "Umbrella", "Wayne", "Massive",
                 "newsletter", "thoughts on this story", "Copyright", "Trending", "cookies"):
        assert word not in doc.text, word
    assert doc.text.count("\n\n") == 4


def test_page_without_main_text_is_skipped_with_a_reason():
    docs, [skip] = read(PAGES / "ledger-front-page.html")
    assert docs == [] and skip.kind == "empty"
    assert str(skip) == (f"{PAGES / 'ledger-front-page.html'}: no article text in the page (only menus, links, "
                         "scripts or comments) — save the article's own page, or give its text as .txt")


def test_page_dates_come_from_markup_never_from_the_text(tmp_path):
    p = tmp_path / "nodate.html"
    p.write_text("<html><head><title>Hooli signs</title></head><body><article><p>Founded on 3 May 2011, Hooli "
                 "signed a partnership with Pied Piper on 2 February 2024.</p><p>It runs until 2030.</p></article>"
                 "<footer>© 2024 Ledger</footer></body></html>", encoding="utf-8")
    [doc], _ = read(p)
    assert doc.published is None and "Hooli signed a partnership with Pied Piper" in doc.text.replace(",", "")


def test_reading_pages_stays_offline(monkeypatch):
    import socket

    def refuse(*_a, **_k):
        raise AssertionError("a page reader tried to use the network")

    for name in ("getaddrinfo", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    docs, skips = read(PAGES)
    assert [d.id for d in docs] == ["ledger-hooli-vandelay", "wire-initech-globex"] and len(skips) == 1


def test_saved_pages_give_only_the_articles_edges():
    """End to end: nothing from menus, sidebars, comments or footers becomes an organization or an edge."""
    import kg

    g = kg.build([PAGES / "ledger-hooli-vandelay.html", PAGES / "wire-initech-globex.htm"])
    parties = {name for r in g.relations() for name in (r.source, r.target)}
    assert parties and parties <= {"Hooli", "Vandelay Industries", "Pied Piper", "Initech", "Globex"}
    names = {e.name for e in g.entities()}
    for outside in ("Umbrella", "Stark Widgets", "Wayne Foods", "Soylent Systems", "Tyrell Labs", "Kramerica",
                    "Cyberdyne", "Massive Dynamic", "Oscorp", "The Daily Ledger"):
        assert not any(outside in n for n in names), outside


# --- JSON Lines -------------------------------------------------------------------------------

def test_jsonl_fields_and_bad_lines(tmp_path):
    p = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Acme signs.", "title": "T", "published": "2024-01-02", "url": "https://x/a"}),
        '{"id": "b", "text": "broken',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "c", "body": "no text field"}),
        json.dumps({"id": "d", "text": 42}),
        json.dumps({"id": "e", "text": "   "}),
        json.dumps({"text": "No id.", "title": 7, "published": "someday"}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, skips = read(p)
    assert [(d.id, d.text) for d in docs] == [("a", "Acme signs."), ("dump:8", "No id.")]
    assert (docs[0].title, docs[0].published, docs[0].source) == ("T", dt.date(2024, 1, 2), "https://x/a")
    assert (docs[1].title, docs[1].published, docs[1].source) == (None, None, str(p))
    assert [(s.line, s.kind) for s in skips] == [
        (2, "malformed"), (4, "malformed"), (5, "malformed"), (6, "malformed"), (7, "empty")]
    assert str(skips[0]).startswith(f"{p}:2: not valid JSON (")
    assert "not an object" in skips[1].reason and "no 'text' field" in skips[2].reason
    assert "'text' is a int" in skips[3].reason
    assert all(s.path == str(p) for s in skips)


def test_jsonl_with_bom_and_lone_surrogate(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_bytes(b'\xef\xbb\xbf{"text": "Acme \\ud800 deal"}\n')
    [doc], skips = read(p)
    assert doc.text == "Acme \ufffd deal" and skips == []
    doc.text.encode("utf-8")  # writable as UTF-8


def test_jsonl_duplicate_ids_are_made_unique(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"id": "x", "text": "One."}\n{"id": "x", "text": "Two."}\n', encoding="utf-8")
    docs, _ = read(p)
    assert [d.id for d in docs] == ["x", "x~2"]


# --- stdin ------------------------------------------------------------------------------------

def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_text(monkeypatch):
    _stdin(monkeypatch, "Published: 2020-01-01\nAcme £5".encode("cp1252"))
    [doc], _ = read("-")
    assert (doc.id, doc.text, doc.published, doc.source) == ("stdin", "Acme £5", dt.date(2020, 1, 1), "<stdin>")


def test_stdin_jsonl(monkeypatch):
    _stdin(monkeypatch, b'\n{"id": "a", "text": "One."}\nnot json\n{"text": "Two."}\n')
    docs, [skip] = read(["-"])
    assert [d.text for d in docs] == ["One.", "Two."]
    assert (skip.path, skip.line, skip.kind) == ("<stdin>", 3, "malformed")


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("fake.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (PDF)"),
        ("nul.txt", b"text\x00\x01\x02 more", "NUL bytes"),
        ("img.md", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        ("rows.jsonl", b"\x1f\x8b\x08\x00gzipped", "gzip"),
        ("report.pdf", b"%PDF-1.4", "PDF file, not text"),
    ],
)
def test_binary_files_are_refused(tmp_path, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    docs, [skip] = read(p)
    assert docs == [] and skip.kind == "binary" and reason in skip.reason and "pdftotext" in skip.fix


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  ", b"\xef\xbb\xbf\n", b"Published: 2020-01-01\n\n"])
def test_empty_files_are_skipped(tmp_path, data):
    p = tmp_path / "e.txt"
    p.write_bytes(data)
    docs, [skip] = read(p)
    assert docs == [] and (skip.path, skip.kind, str(skip)) == (str(p), "empty", f"{p}: empty document — give some text")


def test_unknown_extension_named_explicitly_is_reported(tmp_path):
    p = tmp_path / "data.csv"
    p.write_text("a,b\n", encoding="utf-8")
    docs, [skip] = read(p)
    assert docs == [] and skip.kind == "unsupported" and "'.csv'" in skip.reason


def test_missing_path_is_reported(tmp_path):
    docs, [skip] = read([tmp_path / "nope.txt", "also-missing.txt"])[0], read(tmp_path / "nope.txt")[1]
    assert docs == [] and skip.kind == "missing"
    assert read("also-missing.txt")[1][0].kind == "missing"  # a word ending in .txt is a path, not a text


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_reported(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("x", encoding="utf-8")
    p.chmod(0)
    docs, [skip] = read(tmp_path)
    assert docs == [] and skip.kind == "unreadable" and skip.reason == "permission denied"


# --- folders ----------------------------------------------------------------------------------

def _tree(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


def test_folder_walk_order_ids_and_silent_ignores(tmp_path):
    _tree(tmp_path, {
        "b.txt": b"B", "a/2.md": b"A2", "a/1.txt": b"A1", "a.txt": b"A", "c/x.jsonl": b'{"text": "X"}\n',
        "c/z.html": b"<p>Z</p>", "notes.csv": b"ignored", "README": b"ignored", ".hidden.txt": b"ignored",
        ".git/HEAD.txt": b"ignored", "scan.pdf": b"%PDF-1.4", "photo.JPG": b"\xff\xd8\xff\xe0",
    })
    docs, skips = read(tmp_path)
    assert [(d.id, d.text) for d in docs] == [
        ("a/1", "A1"), ("a/2", "A2"), ("a", "A"), ("b", "B"), ("x:1", "X"), ("c/z", "Z")]
    assert [(Path(s.path).name, s.kind) for s in skips] == [("photo.JPG", "binary"), ("scan.pdf", "binary")]


def test_symlink_loops_and_duplicates_are_reported_once(tmp_path):
    _tree(tmp_path, {"top/a.txt": b"A", "top/sub/b.txt": b"B"})
    (tmp_path / "top/sub/back").symlink_to(tmp_path / "top")  # loop: points to an ancestor
    (tmp_path / "top/self.txt").symlink_to(tmp_path / "top/self.txt")  # loop: points to itself
    (tmp_path / "top/same.txt").symlink_to(tmp_path / "top/a.txt")  # the same file again
    (tmp_path / "top/gone.txt").symlink_to(tmp_path / "nowhere.txt")  # broken
    docs, skips = read(tmp_path / "top")
    assert [d.text for d in docs] == ["A", "B"]
    assert sorted((Path(s.path).name, s.kind) for s in skips) == [
        ("back", "loop"), ("gone.txt", "missing"), ("same.txt", "duplicate"), ("self.txt", "loop")]


def test_file_disappearing_mid_run_is_reported(tmp_path):
    _tree(tmp_path, {"1.txt": b"one", "2.txt": b"two", "3.txt": b"three"})
    skips = SkipLog()
    docs = iter_documents(tmp_path, on_skip=skips)
    assert next(docs).text == "one"
    (tmp_path / "2.txt").unlink()
    assert [d.text for d in docs] == ["three"]
    [skip] = skips
    assert skip.kind == "missing" and "disappeared" in skip.reason and skip.path == str(tmp_path / "2.txt")


# --- limits -----------------------------------------------------------------------------------

def test_oversized_document_is_split_into_parts(tmp_path):
    paras = [f"Paragraph {i} says Acme partners with Beta." for i in range(100)]
    p = tmp_path / "big.txt"
    p.write_text("Published: 2024-01-01\n" + "\n\n".join(paras), encoding="utf-8")
    docs, skips = read(p, max_doc_chars=500)
    assert skips == [] and len(docs) > 5
    assert [d.id for d in docs] == [f"big#{i}" for i in range(1, len(docs) + 1)]
    assert all(len(d.text) <= 500 and d.published == dt.date(2024, 1, 1) for d in docs)
    assert "".join(d.text for d in docs) == "\n\n".join(paras)
    assert all(d.text.endswith(("\n\n", ".")) for d in docs)  # cut at paragraph boundaries


@pytest.mark.parametrize(
    ("text", "limit"),
    [("x" * 25, 10), ("word " * 40, 7), ("a\nb\nc\nd\n" * 9, 5), ("Sentence one. Sentence two. " * 9, 30)],
)
def test_split_text_respects_the_limit_and_keeps_the_text(text, limit):
    parts = list(split_text([text[:13], text[13:]], limit))
    assert all(0 < len(p) <= limit for p in parts)
    assert "".join(parts).split() == text.split()


def test_split_documents_and_texts_too():
    docs, _ = read([Document(id="d", text="aaaa bbbb cccc"), "x" * 9], max_doc_chars=5)
    assert [(d.id, d.text) for d in docs] == [
        ("d#1", "aaaa "), ("d#2", "bbbb "), ("d#3", "cccc"), ("text-1#1", "xxxxx"), ("text-1#2", "xxxx")]


def test_large_file_is_streamed_not_read_whole(tmp_path):
    p = tmp_path / "dump.txt"
    para = ("Acme Corp partners with Beta Inc on cloud services. " * 20 + "\n\n").encode()
    with p.open("wb") as fh:
        for _ in range(20 * (1 << 20) // len(para)):  # ~20 MB
            fh.write(para)
    tracemalloc.start()
    try:
        total = sum(len(d.text) for d in iter_documents(p))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total > 19 * (1 << 20)
    assert peak < 12 * (1 << 20), f"peak {peak / 2**20:.1f} MB"


def test_large_jsonl_is_streamed(tmp_path):
    p = tmp_path / "dump.jsonl"
    line = (json.dumps({"text": "Acme signs with Beta. " * 200}) + "\n").encode()
    with p.open("wb") as fh:
        fh.write(line * (10 * (1 << 20) // len(line)))
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_documents(p))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10 * (1 << 20) // len(line)
    assert peak < 4 * (1 << 20), f"peak {peak / 2**20:.1f} MB"


# --- inputs of every kind, strict mode, messages ----------------------------------------------

def test_mixed_inputs_keep_working(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("From a file.", encoding="utf-8")
    given = Document(id="mine", text="Given.")
    docs, _ = read([p, str(p.with_name("a.txt")), "Raw text here.", given, 42])
    assert [d.id for d in docs] == ["a", "text-2", "mine"]  # the same file named twice is read once


def test_bad_python_object_and_duplicate_are_reported(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("x", encoding="utf-8")
    _, skips = read([p, p, 42])
    assert [s.kind for s in skips] == ["duplicate", "unsupported"]
    assert skips[1].path == "input 2" and "int" in skips[1].reason


def test_strict_raises_the_subclass_with_the_same_message(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    [skip] = read(p)[1]
    with pytest.raises(MalformedInputError) as info:
        list(iter_documents_strict(p))
    assert str(info.value) == str(skip) and isinstance(info.value, InputError)
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(BinaryInputError, match=r"x\.pdf: PDF file, not text — convert"):
        list(iter_documents_strict(tmp_path / "x.pdf"))


def test_default_on_skip_logs_a_warning(tmp_path, caplog):
    assert list(iter_documents([tmp_path / "missing.txt", "ok"])) != []
    assert "missing.txt: no such file or folder — check the path" in caplog.text


def test_skip_message_format_and_summary():
    skips = SkipLog(echo=(echoed := []).append)
    skips(Skip(path="a.jsonl", line=2, kind="malformed", reason="not valid JSON", fix="fix it"))
    skips(Skip(path="b.pdf", kind="binary", reason="PDF file, not text"))
    skips(Skip(path="c.jsonl", line=9, kind="malformed", reason="no text"))
    assert echoed == ["a.jsonl:2: not valid JSON — fix it", "b.pdf: PDF file, not text", "c.jsonl:9: no text"]
    assert skips.counts() == {"malformed": 2, "binary": 1}
    assert skips.summary() == "3 skipped (2 malformed, 1 binary)"
    assert SkipLog().summary() == "nothing skipped"


def test_max_doc_chars_must_be_positive():
    with pytest.raises(ValueError):
        list(iter_documents("x", max_doc_chars=0))


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_jsonl_is_reported(tmp_path, data):
    p = tmp_path / "d.jsonl"
    p.write_bytes(data)
    docs, [skip] = read(p)
    assert docs == [] and skip.kind == "empty" and skip.line is None


def test_html_character_references_in_plain_text_are_decoded_json_text_is_kept(tmp_path):
    (tmp_path / "a.txt").write_text("Zorvex&#191;s deal with Lumo Foods &amp; Partners is worth &#163;5m; "
                                    "Caf&eacute; Nimbu keeps &nosuch; and AT&T as written.")
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": "Pell &#x26; Orr signed with Vantis&#191;s unit."}))
    docs = {d.id: d.text for d in iter_documents([tmp_path])}
    assert docs["a"] == ("Zorvex\u2019s deal with Lumo Foods & Partners is worth \u00a35m; "
                         "Caf\u00e9 Nimbu keeps &nosuch; and AT&T as written.")
    assert docs["b"] == "Pell &#x26; Orr signed with Vantis&#191;s unit."  # a JSON string is the text as given


def test_a_character_reference_cut_by_a_read_chunk_is_still_decoded():
    from kg.read.textsafe import repair_chunks

    text = "Orbis Cloud &amp; Data signed a ten-year deal with Kestrel&#8217;s unit for &#163;40m."
    for cut in range(1, len(text)):
        assert "".join(repair_chunks([text[:cut], text[cut:]])) == \
            "Orbis Cloud & Data signed a ten-year deal with Kestrel\u2019s unit for \u00a340m."
