"""Generate notebooks/quickstart.ipynb (no stored outputs).

    .venv/bin/python notebooks/make_quickstart.py

Edit the cells here, not in the .ipynb. Cells that tests look at carry a
``metadata.tags`` entry (e.g. ``ended-relations``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str, tag: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip(), metadata={"tags": [tag]})


CELLS = [
    md("""
# kg quickstart

kg reads deal news and builds a knowledge graph of organizations joined by typed edges:

| edge | meaning |
|---|---|
| `partners-with` | a partnership, alliance, joint venture, or supply/licensing/cloud/investment agreement (symmetric) |
| `exclusive-with` | one is the other's exclusive (sole) provider, partner, licensee or distributor (symmetric) |
| `revenue-share-capped` | the source pays the target a share of revenue, up to a cap |

Every edge has a **status** (`active`, `ended`, `planned`), optional attributes (`percent`, `amount`, `until`, `since`)
and the sentences it was read from. This notebook builds a graph from the ten sample articles in `data/articles/`.
"""),
    code("""
import html
import tempfile
from pathlib import Path

from IPython.display import HTML, display

import kg

# data/articles sits at the repository root; find it from wherever the notebook runs.
here = Path.cwd().resolve()
ARTICLES = next(p / "data" / "articles" for p in (here, *here.parents) if (p / "data" / "articles").is_dir())

# Everything this notebook writes goes to a temporary folder, not into the repository.
OUT = Path(tempfile.mkdtemp(prefix="kg-quickstart-"))


def show(rels):
    \"\"\"Print relations one per line: type, endpoints, status, attributes.\"\"\"
    for r in rels:
        arrow = "<->" if r.type in ("partners-with", "exclusive-with") else "->"
        attrs = " ".join(f"{k}={v}" for k, v in sorted(r.attrs.items()))
        print(f"{r.type:21} {r.source} {arrow} {r.target}  [{r.status}] {attrs}".rstrip())
    print(f"({len(rels)} relations)")


print(sorted(p.name for p in ARTICLES.glob("*.txt")))
""", "setup"),
    md("""
## Build the graph

`kg.build` takes a folder (or files, or texts). Each `.txt` article may start with a `Published: YYYY-MM-DD`
line; that date is what the as-of queries below use.
"""),
    code("""
g = kg.build(ARTICLES)
g
""", "build"),
    code("g.summary()", "summary"),
    md("""
## Query relations

Filters combine: `type`, `involving` (any name or alias of an organization), `status` and `as_of`.
Which exclusivities involve Microsoft?
"""),
    code('show(g.relations(type="exclusive-with", involving="Microsoft"))', "exclusive-microsoft"),
    md("Everything that has ended, across all articles:"),
    code('show(g.relations(status="ended"))', "ended-relations"),
    md("""
### As of a date

`as_of` only uses articles published on or before that day. In mid-2023 Microsoft was still OpenAI's
exclusive cloud provider; the April 2026 amendment ended that.
"""),
    code('show(g.relations(as_of="2023-06-01"))', "as-of-2023"),
    md("""
## Entities and aliases

Spellings are merged into one organization: legal suffixes ("Corp."), short forms defined in the text
("Amazon Web Services (AWS)") and tickers ("(NASDAQ: MSFT)"). Look one up by any of them:
"""),
    code("""
msft = g.entity("MSFT")
print(msft.name, msft.aliases)
[(m.surface, m.reason) for m in msft.merges]
""", "entity-msft"),
    md("## Interactive view\n\n`to_html` writes a single self-contained HTML file; here it is shown inline."),
    code("""
html_path = OUT / "quickstart_graph.html"
g.to_html(html_path)
# srcdoc embeds the file itself, so it shows wherever the notebook runs (no file server needed).
display(HTML(f'<div><iframe srcdoc="{html.escape(html_path.read_text(encoding="utf-8"))}" '
             'style="width:100%;height:520px;border:1px solid #ddd"></iframe></div>'))
""", "html"),
    md("## Save and load\n\nGraphML (or `to_json`) keeps everything, including evidence; `kg.load` reads it back."),
    code("""
graphml_path = OUT / "quickstart.graphml"
g.to_graphml(graphml_path)
g2 = kg.load(graphml_path)
assert g2 == g
g2 == g
""", "roundtrip"),
    code("""
import shutil

shutil.rmtree(OUT, ignore_errors=True)  # tidy up the temporary folder
""", "cleanup"),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook(cells=CELLS)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}-{cell.metadata.get('tags', ['md'])[0]}"
    nbformat.validate(nb)
    return nb


if __name__ == "__main__":
    nbformat.write(build(), HERE / "quickstart.ipynb")
    print(f"wrote {HERE / 'quickstart.ipynb'}")
