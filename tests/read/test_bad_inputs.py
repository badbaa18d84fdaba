"""End to end: a folder of good articles plus one of each bad kind; nothing good is lost, each bad one reported once."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kg.read.documents import SkipLog, iter_documents

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted((ROOT / "data" / "articles").glob("*.txt"))[:3]
LIMIT = 3000
BIG_PARA = "Acme Corp. signed a partnership with Globex Inc. to sell cloud services in Europe. " * 10
CP1252_TEXT = "Initech Ltd. signed a £15.8m partnership with Umbrella Corp. for the café chain “Java”."
HTML_PAGE = """<html><head><title>Hooli deal</title>
<meta property="article:published_time" content="2025-06-01T10:00:00Z">
<script>document.write("Evil Corp partnered with Bad Inc.")</script><style>p{}</style></head>
<body><p>Hooli Inc. signed a partnership with Pied Piper Inc.</p></body></html>"""
CAN_DENY = os.geteuid() != 0  # root reads files whatever their mode


@pytest.fixture
def messy(tmp_path) -> Path:
    """good/ articles and one of each bad kind of input."""
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    for p in ARTICLES:
        shutil.copy(p, d / p.name)
    (d / "windows.txt").write_bytes(CP1252_TEXT.encode("cp1252"))  # good, not UTF-8
    (d / "page.html").write_text(HTML_PAGE, encoding="utf-8")  # good, with a script
    (d / "big.txt").write_text("\n\n".join([BIG_PARA] * 12), encoding="utf-8")  # oversized: split, not lost
    (d / "rows.jsonl").write_text(
        json.dumps({"id": "row-a", "text": "Wayne Enterprises signed a partnership with Stark Industries."}) + "\n"
        + '{"id": "row-b", "text": "unterminated\n'
        + json.dumps({"id": "row-c", "text": "Cyberdyne Systems formed a joint venture with Tyrell Corp."}) + "\n",
        encoding="utf-8")
    (d / "scan.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n")
    (d / "sub" / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (d / "empty.md").write_text(" \n\t\n", encoding="utf-8")
    (d / "sub" / "loop").symlink_to(d)  # a symlink loop
    (d / "notes.csv").write_text("ignored,silently\n", encoding="utf-8")
    if CAN_DENY:
        (d / "secret.txt").write_text("Private.", encoding="utf-8")
        (d / "secret.txt").chmod(0)
    return d


EXPECTED_SKIPS = {  # (file name, line) -> kind and a word of the reason
    ("scan.pdf", None): ("binary", "PDF"),
    ("blob.txt", None): ("binary", "NUL bytes"),
    ("empty.md", None): ("empty", "empty document"),
    ("rows.jsonl", 2): ("malformed", "not valid JSON"),
    ("loop", None): ("loop", "symlink loop"),
    **({("secret.txt", None): ("unreadable", "permission denied")} if CAN_DENY else {}),
}


def test_library_reads_every_good_article_and_reports_each_bad_one_once(messy):
    skips = SkipLog()
    docs = list(iter_documents(messy, on_skip=skips, max_doc_chars=LIMIT))
    by_id = {d.id: d for d in docs}
    for p in ARTICLES:
        body = p.read_text(encoding="utf-8").split("\n", 2)[2]  # after "Published: …" and a blank line
        assert by_id[p.stem].text == body and by_id[p.stem].published is not None
    assert by_id["windows"].text == CP1252_TEXT
    assert by_id["page"].text == "Hooli deal\n\nHooli Inc. signed a partnership with Pied Piper Inc."  # title first, as in .txt
    assert by_id["page"].title == "Hooli deal" and str(by_id["page"].published) == "2025-06-01"
    assert [by_id[i].text for i in ("row-a", "row-c")] and "row-b" not in by_id
    parts = [d for d in docs if d.id.startswith("big#")]
    assert len(parts) > 1 and all(len(d.text) <= LIMIT for d in parts)
    assert "".join(d.text for d in parts) == "\n\n".join([BIG_PARA] * 12)

    got = {(Path(s.path).name, s.line): s for s in skips}
    assert len(got) == len(skips.skips), "a bad input was reported twice"
    assert set(got) == set(EXPECTED_SKIPS)
    for key, (kind, words) in EXPECTED_SKIPS.items():
        assert got[key].kind == kind and words in got[key].reason, got[key]
        assert "\n" not in str(got[key]) and " — " in str(got[key])
    assert not any("Evil Corp" in d.text or "ignored" in d.text for d in docs)


# --- the CLI ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    typer_testing = pytest.importorskip("typer.testing")
    app = pytest.importorskip("kg.cli").app
    runner = typer_testing.CliRunner()

    def run(*args: str):
        result = runner.invoke(app, ["build", *args], catch_exceptions=True)
        # Bad input must never surface as a Python traceback: only a clean exit.
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        return result

    return run


def _edges(path: Path) -> set[tuple[str, str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {(link["type"], link["source"], link["target"]) for link in data["links"]}


def test_cli_builds_from_the_good_and_reports_the_bad(cli, messy, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    for p in ARTICLES:
        shutil.copy(p, good / p.name)
    clean = cli(str(good), "-o", str(tmp_path / "clean"))
    assert clean.exit_code == 0, clean.output

    out = tmp_path / "out"
    result = cli(str(messy), "-o", str(out), "--max-doc-chars", str(LIMIT))
    assert result.exit_code == 0, result.output
    for (name, line), (_kind, words) in EXPECTED_SKIPS.items():
        where = f"{name}:{line}:" if line else f"{name}:"
        hits = [ln for ln in result.output.splitlines() if ln.startswith("skipped: ") and where in ln]
        assert len(hits) == 1 and words in hits[0], (name, hits)
    assert sum(ln.startswith("skipped: ") for ln in result.output.splitlines()) == len(EXPECTED_SKIPS)
    assert any(ln.split() == ["│", "skipped", "│", str(len(EXPECTED_SKIPS)), "│"] for ln in result.output.splitlines())

    # Every edge of the good articles is in the messy build; outputs are valid.
    assert _edges(tmp_path / "clean" / "graph.json") <= _edges(out / "graph.json")
    assert len(_edges(tmp_path / "clean" / "graph.json")) > 0
    ET.parse(out / "graph.graphml")
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "Hooli" in page and "Evil Corp" not in page


def test_cli_strict_fails_and_writes_nothing(cli, messy, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.json").write_text('{"previous": true}', encoding="utf-8")
    result = cli(str(messy), "-o", str(out), "--strict")
    assert result.exit_code != 0
    assert f"{len(EXPECTED_SKIPS)} skipped" in result.output and "--strict" in result.output
    assert (out / "graph.json").read_text(encoding="utf-8") == '{"previous": true}'


def test_cli_fails_when_nothing_was_built(cli, messy, tmp_path):
    out = tmp_path / "out"
    result = cli(str(messy / "empty.md"), str(messy / "scan.pdf"), str(tmp_path / "missing.txt"), "-o", str(out))
    assert result.exit_code != 0
    assert "no documents read" in result.output and "3 skipped" in result.output
    assert not out.exists()
