"""The quickstart notebook runs top to bottom in this virtualenv and shows what it promises."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
QUICKSTART = NOTEBOOKS / "quickstart.ipynb"


def _run(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return nb


def _stdout(nb: nbformat.NotebookNode, tag: str) -> str:
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}"
    parts = []
    for out in cells[0].get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
    return "".join(parts)


def _has_line(text: str, *needles: str) -> bool:
    return any(all(n in line for n in needles) for line in text.splitlines())


def test_kernel_runs_in_this_virtualenv_and_imports_kg():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import sys; print(sys.prefix)"),
        nbformat.v4.new_code_cell("import kg; print(kg.__file__)"),
    ])
    _run(nb)
    assert nb.cells[0].outputs[0].text.strip() == sys.prefix
    # From notebooks/ the repo root is not on sys.path: kg must come from the (editable) install.
    kg_file = nb.cells[1].outputs[0].text.strip()
    assert kg_file == str(ROOT / "kg" / "__init__.py"), (
        f"the kernel imports kg as {kg_file!r}; reinstall the package: .venv/bin/pip install -e ."
    )


def test_notebook_is_generated_and_has_no_outputs():
    spec = importlib.util.spec_from_file_location("make_quickstart", NOTEBOOKS / "make_quickstart.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    stored = nbformat.read(QUICKSTART, as_version=4)
    assert stored == gen.build(), "quickstart.ipynb is stale; run notebooks/make_quickstart.py"
    for cell in stored.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.slow
def test_quickstart_executes_and_shows_ended_exclusivity():
    nb = _run(nbformat.read(QUICKSTART, as_version=4))  # raises CellExecutionError on any failing cell

    ended = _stdout(nb, "ended-relations")
    assert _has_line(ended, "exclusive-with", "OpenAI", "Microsoft", "[ended]"), ended

    exclusive = _stdout(nb, "exclusive-microsoft")
    assert _has_line(exclusive, "exclusive-with", "OpenAI", "Microsoft"), exclusive

    as_of = _stdout(nb, "as-of-2023")
    assert _has_line(as_of, "exclusive-with", "OpenAI", "Microsoft", "[active]"), as_of

    assert "True" in _stdout(nb, "roundtrip")
    assert "Microsoft" in _stdout(nb, "entity-msft")
