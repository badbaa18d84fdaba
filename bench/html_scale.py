"""Measure the HTML page at corpus scale: build (or reuse) the BBC business+tech graph, open its
HTML in headless Chromium with the network blocked, and print time to settle, nodes and edges.

    .venv/bin/python bench/html_scale.py [--graph /tmp/bbc_graph.json] [--max-nodes N] [--screenshot out.png]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's kg, not an installed one
import kg  # noqa: E402
from kg.export import load, to_html, to_json  # noqa: E402

CORPUS = Path("/work/shared/corpus/bbc")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def graph(path: Path):
    """The BBC business+tech graph, built once and cached as node-link JSON."""
    if path.exists():
        return load(path)
    t = time.perf_counter()
    done = []

    def progress(result) -> None:
        done.append(result.doc_id)
        if len(done) % 100 == 0:
            print(f"  {len(done)} documents, {time.perf_counter() - t:.0f} s", flush=True)

    g = kg.build([CORPUS / "business", CORPUS / "tech"], progress=progress)
    print(f"built in {time.perf_counter() - t:.0f} s: {g.summary()}")
    to_json(g, path)
    return g


def measure(html: Path, runs: int, screenshot: Path | None) -> list[dict]:
    """Open the page ``runs`` times offline; return kgStats and drawn counts per run."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for i in range(runs):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            outside, errors = [], []
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                       else (outside.append(r.request.url), r.abort()))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(html.as_uri())
            page.wait_for_selector("body[data-settled=true]", state="attached", timeout=30000)
            if screenshot and i == 0:  # the panel shows the most connected organization
                page.evaluate("kg.showNode(kg.nodes.get().sort((a, b) => b.size - a.size)[0].id)")
                page.wait_for_timeout(300)
                page.screenshot(path=str(screenshot))
            t = time.perf_counter()  # drag responsiveness: time for a scripted drag of the biggest node
            node = page.evaluate("kg.nodes.get().sort((a, b) => b.size - a.size)[0].id")
            pos = page.evaluate("(id) => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", node)
            box = page.locator("#graph canvas").bounding_box()
            page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
            page.mouse.down()
            for step in range(20):
                page.mouse.move(box["x"] + pos["x"] + 5 * step, box["y"] + pos["y"] + 3 * step)
            page.mouse.up()
            drag_ms = (time.perf_counter() - t) * 1000 / 20
            stats = page.evaluate("({...window.kgStats, drawn: kg.drawn()})")
            stats.update(outside=len(outside), errors=len(errors), drag_ms_per_move=round(drag_ms, 1))
            out.append(stats)
            page.close()
        browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", type=Path, default=Path("/tmp/bbc_graph.json"))
    ap.add_argument("--max-nodes", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--screenshot", type=Path, default=None)
    args = ap.parse_args()
    g = graph(args.graph)
    s = g.summary()
    html = Path(tempfile.mkdtemp()) / "bbc.html"
    t = time.perf_counter()
    to_html(g, html, max_nodes=args.max_nodes)
    print(f"graph: {s['documents']} documents, {s['organizations']} organizations, {s['relations']} relations")
    print(f"to_html: {time.perf_counter() - t:.2f} s, {html.stat().st_size / 1e6:.1f} MB")
    runs = measure(html, args.runs, args.screenshot)
    for r in runs:
        print(f"  settled in {r['settledMs']} ms ({r['iterations']} layout iterations"
              f"{', time-boxed' if r['timeBoxed'] else ''}); drawn {r['drawn']['nodes']} nodes, {r['drawn']['edges']} edges; "
              f"drag {r['drag_ms_per_move']} ms/move; outside requests {r['outside']}, console errors {r['errors']}")
    print(f"median time to settle: {statistics.median(r['settledMs'] for r in runs):.0f} ms "
          f"(nodes {runs[0]['drawn']['nodes']}, edges {runs[0]['drawn']['edges']})")


if __name__ == "__main__":
    main()
