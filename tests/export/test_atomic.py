"""Tests for kg.export.atomic: outputs are replaced whole or not at all, even under SIGKILL."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kg.export.atomic import atomic_open, atomic_write_bytes, atomic_write_text, remove_stale_temps

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "data" / "articles"


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_replaces_the_file_and_leaves_no_temp(tmp_path):
    out = tmp_path / "graph.json"
    atomic_write_text(out, "old")
    atomic_write_text(out, "new ✓")
    atomic_write_bytes(tmp_path / "b.bin", b"\x00\x01")
    assert out.read_text(encoding="utf-8") == "new ✓"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert names(tmp_path) == ["b.bin", "graph.json"]


def test_newlines_are_written_as_given(tmp_path):
    atomic_write_text(tmp_path / "a.txt", "a\r\nb\n")
    assert (tmp_path / "a.txt").read_bytes() == b"a\r\nb\n"


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_an_exception_keeps_the_old_file(tmp_path, exc):
    out = tmp_path / "graph.graphml"
    atomic_write_text(out, "old")
    with pytest.raises(type(exc)):
        with atomic_open(out) as fh:
            fh.write("half of the new")
            raise exc
    assert out.read_text() == "old" and names(tmp_path) == ["graph.graphml"]


def test_permissions_of_the_replaced_file_are_kept(tmp_path):
    out = tmp_path / "graph.html"
    atomic_write_text(out, "first")
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600
    out.chmod(0o640)
    atomic_write_text(out, "second")
    assert out.stat().st_mode & 0o777 == 0o640


def test_a_symlinked_output_updates_its_target(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    (tmp_path / "link.json").symlink_to(real)
    atomic_write_text(tmp_path / "link.json", "new")
    assert (tmp_path / "link.json").is_symlink() and real.read_text() == "new"


def test_only_whole_file_modes():
    with pytest.raises(ValueError, match="'a'"):
        with atomic_open("x.txt", "a"):
            pass


def test_stale_temps_of_live_writers_are_kept(tmp_path):
    out = tmp_path / "graph.json"
    live = tmp_path / f".graph.json.{os.getpid()}.abc.tmp"
    live.write_text("someone is writing")
    other = tmp_path / ".other.json.999999999.abc.tmp"
    other.write_text("not ours")
    assert remove_stale_temps(out) == []
    assert live.exists() and other.exists()


WRITER = textwrap.dedent(
    """
    import sys, time
    from kg.export.atomic import atomic_open
    with atomic_open(sys.argv[1]) as fh:
        for i in range(100_000):
            fh.write("new line %d\\n" % i * 100)
            fh.flush()
            if i == 20:
                print("writing", flush=True)
            time.sleep(0.005)
    """
)


def _start_and_wait(cmd: list[str], marker: str, timeout: float = 120) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        if marker in line:
            return proc
        if time.monotonic() > deadline:
            break
    proc.kill()
    pytest.fail(f"{marker!r} never printed: {proc.stderr.read()[-2000:]}")


def test_sigkill_mid_write_keeps_the_previous_output(tmp_path):
    out = tmp_path / "graph.json"
    atomic_write_text(out, '{"old": true}')
    proc = _start_and_wait([sys.executable, "-c", WRITER, str(out)], "writing")
    [tmp] = [p for p in tmp_path.iterdir() if p != out]
    assert tmp.stat().st_size > 0  # it really was mid-write
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_text() == '{"old": true}'
    # What the killed writer left is hidden and never has the output's name.
    assert names(tmp_path) == sorted(["graph.json", tmp.name]) and tmp.name.startswith(".graph.json.")
    # The next successful write replaces the output and sweeps the dead writer's temp file.
    atomic_write_text(out, '{"new": true}')
    assert names(tmp_path) == ["graph.json"] and json.loads(out.read_text()) == {"new": True}


BUILD_KILLED_AT_JSON = textwrap.dedent(
    """
    import os, sys, time
    real_fsync = os.fsync
    def fsync_then_hang_on_json(fd):
        real_fsync(fd)
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".graph.json."):
            print("writing graph.json", flush=True)
            time.sleep(600)
    os.fsync = fsync_then_hang_on_json  # graph.json is written whole but not yet renamed
    from kg.cli import app
    sys.argv = ["kg", "build", *sys.argv[1:]]
    app()
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").exists() or not ARTICLES.exists(), reason="needs /proc and data/")
def test_sigkill_during_kg_build_outputs_keeps_whole_files(tmp_path):
    import networkx as nx

    out = tmp_path / "out"
    articles = sorted(ARTICLES.glob("*.txt"))
    run_cli = "import sys; from kg.cli import app; sys.argv[0] = 'kg'; app()"
    first = subprocess.run([sys.executable, "-c", run_cli, "build", *map(str, articles[:2]), "-o", str(out)],
                           capture_output=True, text=True, cwd=ROOT)
    if first.returncode != 0 or not (out / "graph.json").exists():
        pytest.skip(f"kg build does not run here yet: {first.stderr[-500:]}")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = _start_and_wait([sys.executable, "-c", BUILD_KILLED_AT_JSON, str(ARTICLES), "-o", str(out)],
                           "writing graph.json")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert set(after) == {"graph.graphml", "graph.json", "graph.html"}
    assert after["graph.json"] == before["graph.json"] and after["graph.html"] == before["graph.html"]
    assert after["graph.graphml"] != before["graph.graphml"]  # written by the killed build, whole
    assert len(nx.read_graphml(out / "graph.graphml")) > len(nx.read_graphml(io.BytesIO(before["graph.graphml"])))
    json.loads(after["graph.json"])
    assert all(not p.name.startswith(".graph.graphml.") for p in out.iterdir())
