"""The interactive HTML page driven in headless Chromium, offline (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from kg.export import to_html
from kg.export.files import edge_id
from kg.graph import KnowledgeGraph
from kg.models import DocResult, Entity, Evidence, Relation

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
D = dt.date
PAYLOAD = ('<script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1;alert(2)">'
           '<a href="javascript:window.__pwned=1;alert(3)">click</a>')


def ev(doc, status="active", published=None, sentence=None, start=0, conf=0.6):
    sentence = sentence or f"Sentence from {doc}."
    return Evidence(doc_id=doc, sentence=sentence, start=start, end=start + len(sentence), published=published,
                    status=status, rule="test", confidence=conf)


def story() -> KnowledgeGraph:
    """Four organizations, all three types, all three statuses, four dates, an alias."""
    return KnowledgeGraph.from_results([
        DocResult(doc_id="a1", published=D(2023, 3, 1), entities=[Entity(name="Acme Cloud", aliases=["ACS"])],
                  relations=[Relation(type="exclusive-with", source="Acme Cloud", target="Beta Bank",
                                      evidence=[ev("a1", "active", sentence="Acme Cloud signed an exclusive deal with Beta Bank.")])]),
        DocResult(doc_id="a2", published=D(2024, 2, 1), relations=[
            Relation(type="exclusive-with", source="Beta Bank", target="ACS", status="ended",
                     evidence=[ev("a2", "ended", sentence="Beta Bank ended its exclusive deal with ACS.")]),
            Relation(type="partners-with", source="Beta Bank", target="Gamma Labs", evidence=[ev("a2", start=80)])]),
        DocResult(doc_id="a3", published=D(2024, 9, 1), relations=[
            Relation(type="revenue-share-capped", source="Gamma Labs", target="Acme Cloud",
                     attrs={"percent": "30%", "amount": "$5 million", "until": "2027"},
                     evidence=[ev("a3", sentence="Gamma Labs pays Acme Cloud 30% of revenue, capped at $5 million, until 2027.")])]),
        DocResult(doc_id="a4", published=D(2025, 1, 15), relations=[
            Relation(type="partners-with", source="Delta Air", target="Acme Cloud", status="planned",
                     evidence=[ev("a4", "planned")])]),
    ])


def xss_graph() -> KnowledgeGraph:
    return KnowledgeGraph.from_results([DocResult(doc_id=PAYLOAD, published=D(2024, 1, 1), relations=[
        Relation(type="partners-with", source=PAYLOAD, target="javascript:alert(4)",
                 attrs={"percent": PAYLOAD}, evidence=[ev(PAYLOAD, sentence=PAYLOAD)]),
        Relation(type="revenue-share-capped", source="javascript:alert(4)", target=PAYLOAD,
                 attrs={"percent": PAYLOAD, "amount": "</script><!--", "until": "\u2028"}, evidence=[ev("d", sentence=PAYLOAD)]),
    ])])


def big_graph(n_nodes=1200, n_edges=1800, seed=4) -> KnowledgeGraph:
    """A BBC-sized random graph with a heavy-tailed degree distribution."""
    rnd = random.Random(seed)
    names = [f"Org {i:04d}" for i in range(n_nodes)]
    results = []
    for i in range(n_edges):
        u, v = rnd.sample(names[: max(2, int(n_nodes * rnd.random() ** 2) + 2)], 1)[0], rnd.choice(names)
        type_ = rnd.choice(["partners-with", "partners-with", "exclusive-with", "revenue-share-capped"])
        published = D(2020, 1, 1) + dt.timedelta(days=rnd.randrange(1500))
        results.append(DocResult(doc_id=f"d{i}", published=published, relations=[
            Relation(type=type_, source=u, target=v, evidence=[ev(f"d{i}", rnd.choice(["active", "ended"]))])]))
    results.append(DocResult(doc_id="iso", entities=[Entity(name=n) for n in names]))  # every org drawn
    return KnowledgeGraph.from_results(results)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Page:
    """An offline page: every non-file request is aborted and recorded, errors collected."""

    def __init__(self, browser, path: Path):
        self.outside, self.errors, self.dialogs = [], [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = page = self.context.new_page()
        page.route("**/*", self._route)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-settled=true]", state="attached", timeout=15000)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def drawn(self) -> dict:
        return self.js("kg.drawn()")

    def visible(self) -> set[str]:
        return set(self.js("kg.visibleEdgeIds()"))

    def assert_clean(self):
        assert self.outside == [], f"requests left the page: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [] and self.js("window.__pwned") is None


@pytest.fixture
def open_graph(browser, tmp_path):
    pages = []

    def open_(g: KnowledgeGraph, **kw) -> Page:
        path = tmp_path / f"g{len(pages)}.html"
        to_html(g, path, **kw)
        pages.append(Page(browser, path))
        return pages[-1]

    yield open_
    for p in pages:
        p.context.close()


def ids(relations) -> set[str]:
    return {edge_id(r.type, r.source, r.target) for r in relations}


# --------------------------------------------------------------------------- tests


def test_offline_page_draws_every_node_and_edge(open_graph):
    g = story()
    p = open_graph(g)
    assert p.drawn() == {"nodes": g.nx.number_of_nodes(), "edges": g.nx.number_of_edges()} == {"nodes": 4, "edges": 4}
    assert p.visible() == ids(g.relations())
    stats = p.js("window.kgStats")
    assert stats["nodes"] == 4 and stats["edges"] == 4 and 0 <= stats["settledMs"] < 5000
    assert p.js("kg.network.physics.options.enabled") is False  # physics stopped after settling
    assert p.page.locator("#note").inner_text() == ""
    p.assert_clean()


def test_type_and_status_filters_change_what_is_drawn(open_graph):
    g = story()
    p = open_graph(g)
    everything = ids(g.relations())
    p.page.uncheck("input[data-filter=type-filter][value=partners-with]")
    assert p.visible() == everything - ids(g.relations(type="partners-with"))
    assert p.drawn()["edges"] == 2
    p.page.uncheck("input[data-filter=status-filter][value=ended]")
    assert p.visible() == everything - ids(g.relations(type="partners-with")) - ids(g.relations(status="ended"))
    assert p.drawn()["edges"] == 1
    p.page.check("input[data-filter=type-filter][value=partners-with]")
    p.page.check("input[data-filter=status-filter][value=ended]")
    assert p.visible() == everything
    assert p.page.locator("#counts").inner_text() == "4 of 4 organizations · 4 of 4 relations shown"
    p.assert_clean()


def test_hide_unlinked_hides_organizations_without_a_shown_relation(open_graph):
    g = story()
    g.add(DocResult(doc_id="lonely", entities=[Entity(name="Lonely Corp")]))
    p = open_graph(g)
    assert p.drawn() == {"nodes": 5, "edges": 4}
    ys = p.js("Object.fromEntries(Object.entries(kg.network.getPositions()).map(([k, v]) => [k, v.y]))")
    assert ys["Lonely Corp"] > max(y for name, y in ys.items() if name != "Lonely Corp")  # on the grid below
    assert p.js("kg.network.body.nodes['Lonely Corp'].options.physics") is False
    p.page.check("#hide-unlinked")
    assert p.drawn() == {"nodes": 4, "edges": 4}
    p.page.uncheck("input[data-filter=type-filter][value=partners-with]")  # Delta Air's only relation
    assert set(p.js("kg.visibleNodeIds()")) == {"Acme Cloud", "Beta Bank", "Gamma Labs"}
    p.page.uncheck("#hide-unlinked")
    assert p.drawn()["nodes"] == 5
    p.assert_clean()


def test_as_of_control_hides_edges_dated_later_and_recomputes_status(open_graph):
    g = story()
    p = open_graph(g)
    dates = p.js("window.__kgData.dates")
    assert dates == ["2023-03-01", "2024-02-01", "2024-09-01", "2025-01-15"]
    for i, day in enumerate(dates):
        p.page.locator("#asof").fill(str(i))
        assert p.page.locator("#asof-label").inner_text() == day
        assert p.visible() == ids(g.relations(as_of=day)), day
        statuses = p.js("Object.fromEntries(kg.edgeView.get().map(e => [e.id, e.kgStatus]))")
        assert statuses == {edge_id(r.type, r.source, r.target): r.status for r in g.relations(as_of=day)}
    p.page.locator("#asof").fill("0")
    assert p.visible() == {"exclusive-with:Acme Cloud->Beta Bank"}
    assert p.js("kg.network.body.edges['exclusive-with:Acme Cloud->Beta Bank'].options.dashes") is False
    p.page.locator("#asof").fill(str(len(dates)))
    assert p.page.locator("#asof-label").inner_text() == "all dates"
    assert p.visible() == ids(g.relations())
    p.assert_clean()


def test_ended_dashed_and_revenue_share_shows_direction_percent_cap_until(open_graph):
    p = open_graph(story())
    edges = p.js("""Object.fromEntries(Object.values(kg.network.body.edges).map(e => [e.id,
        {dashes: e.options.dashes, arrow: e.options.arrows.to.enabled, label: e.options.label,
         from: e.fromId, to: e.toId}]))""")
    ended = edges["exclusive-with:Acme Cloud->Beta Bank"]
    assert ended["dashes"] and not ended["arrow"]
    assert edges["partners-with:Beta Bank->Gamma Labs"]["dashes"] is False
    assert edges["partners-with:Acme Cloud->Delta Air"]["dashes"]  # planned: dotted
    rs = edges["revenue-share-capped:Gamma Labs->Acme Cloud"]
    assert rs["arrow"] and (rs["from"], rs["to"]) == ("Gamma Labs", "Acme Cloud")
    assert rs["label"] == "30% · cap $5 million · until 2027"
    legend = p.page.locator("header").inner_text()
    for word in ("partners-with", "exclusive-with", "revenue-share-capped", "active", "ended", "planned"):
        assert word in legend
    p.assert_clean()


def test_search_finds_alias_focuses_and_opens_the_panel(open_graph):
    p = open_graph(story())
    before = p.js("kg.network.getViewPosition()")
    p.page.fill("#search", "acs")
    p.page.press("#search", "Enter")
    assert p.js("kg.network.getSelectedNodes()") == ["Acme Cloud"]
    pos = p.js("kg.network.getPositions(['Acme Cloud'])['Acme Cloud']")
    for _ in range(50):  # the focus animation moves the view onto the organization
        view = p.js("kg.network.getViewPosition()")
        if abs(view["x"] - pos["x"]) < 1 and abs(view["y"] - pos["y"]) < 1:
            break
        p.page.wait_for_timeout(100)
    assert view != before and abs(view["x"] - pos["x"]) < 1 and abs(view["y"] - pos["y"]) < 1
    panel = p.page.locator("#panel").inner_text()
    assert "Acme Cloud" in panel and "Also: ACS" in panel and "Gamma Labs — revenue share — Acme Cloud" in panel
    p.page.fill("#search", "no such org")
    p.page.press("#search", "Enter")
    assert p.page.locator("#search-msg").inner_text() == "not found"
    p.assert_clean()


def _click_canvas(p: Page, x: float, y: float) -> None:
    box = p.page.locator("#graph canvas").bounding_box()
    p.page.mouse.click(box["x"] + x, box["y"] + y)


def test_click_node_then_edge_shows_relations_and_all_evidence(open_graph):
    p = open_graph(story())
    dom = p.js("kg.network.canvasToDOM(kg.network.getPositions(['Delta Air'])['Delta Air'])")
    _click_canvas(p, dom["x"], dom["y"])
    assert p.js("document.getElementById('panel').dataset.id") == "Delta Air"
    assert "Acme Cloud — partners — Delta Air" in p.page.locator("#panel").inner_text()
    # click the middle of the (drawn, possibly curved) edge Beta Bank — Gamma Labs
    mid = p.js("""kg.network.canvasToDOM(
        kg.network.body.edges['partners-with:Beta Bank->Gamma Labs'].edgeType.getPoint(0.5))""")
    _click_canvas(p, mid["x"], mid["y"])
    assert p.js("document.getElementById('panel').dataset.id") == "partners-with:Beta Bank->Gamma Labs"
    # an edge with two pieces of evidence shows both, with document, date and confidence
    p.js("kg.showEdge('exclusive-with:Acme Cloud->Beta Bank')")
    panel = p.page.locator("#panel").inner_text()
    for text in ("Acme Cloud signed an exclusive deal with Beta Bank.", "Beta Bank ended its exclusive deal with ACS.",
                 "2023-03-01 · a1 · active · confidence 0.6", "2024-02-01 · a2 · ended · confidence 0.6", "Evidence (2)"):
        assert text in panel
    p.assert_clean()


def test_xss_article_renders_as_text_and_runs_nothing(open_graph):
    p = open_graph(xss_graph())
    assert p.drawn() == {"nodes": 2, "edges": 2}
    p.page.evaluate("(id) => kg.showNode(id)", PAYLOAD)
    assert PAYLOAD in p.page.locator("#panel h2").inner_text()
    p.page.evaluate("(id) => kg.showEdge(id)", edge_id("partners-with", PAYLOAD, "javascript:alert(4)"))
    assert PAYLOAD in p.page.locator("#panel blockquote").first.inner_text()
    # hover the node so vis renders its tooltip, then search by the payload and click every button
    dom = p.js("(id) => kg.network.canvasToDOM(kg.network.getPositions([id])[id])", PAYLOAD)
    box = p.page.locator("#graph canvas").bounding_box()
    p.page.mouse.move(box["x"] + dom["x"], box["y"] + dom["y"])
    p.page.wait_for_timeout(400)
    p.page.fill("#search", "javascript:alert(4)")
    p.page.press("#search", "Enter")
    p.page.locator("#panel button").first.click()  # re-renders the panel with the edge's evidence
    assert PAYLOAD in p.page.locator("#panel").inner_text()
    p.page.wait_for_timeout(200)
    assert p.js("document.querySelectorAll('img, a[href], iframe, object, embed').length") == 0
    assert p.js("document.querySelectorAll('script').length") == 3  # only the page's own scripts
    p.assert_clean()


def test_max_nodes_keeps_most_connected_and_says_so(open_graph):
    g = story()
    p = open_graph(g, max_nodes=3)
    assert p.drawn() == {"nodes": 3, "edges": 3}
    assert set(p.js("kg.nodes.getIds()")) == {"Acme Cloud", "Beta Bank", "Gamma Labs"}
    assert "Showing the 3 most connected of 4 organizations (3 of 4 relations)" in p.page.locator("#note").inner_text()
    p.assert_clean()


def test_big_graph_settles_within_five_seconds(open_graph):
    g = big_graph()
    p = open_graph(g)
    assert p.drawn() == {"nodes": g.nx.number_of_nodes(), "edges": g.nx.number_of_edges()}
    assert p.js("window.kgStats.settledMs") < 5000
    assert p.js("kg.network.physics.options.enabled") is False
    p.assert_clean()


def test_same_day_statuses_combine_as_in_python(open_graph):
    """A partnership read as active and, in one sentence, as partly ended stays active; an exclusivity ends."""
    day = D(2026, 4, 28)
    g = KnowledgeGraph.from_results([DocResult(doc_id="b1", published=day, relations=[
        Relation(type="partners-with", source="Acme Cloud", target="Beta Bank",
                 evidence=[ev("b1", "active", day, start=0), ev("b1", "ended", day, start=60)]),
        Relation(type="exclusive-with", source="Acme Cloud", target="Beta Bank", status="ended",
                 evidence=[ev("b1", "active", day, start=0), ev("b1", "ended", day, start=60)]),
    ])])
    expected = {edge_id(r.type, r.source, r.target): r.status for r in g.relations()}
    assert sorted(expected.values()) == ["active", "ended"]
    p = open_graph(g)
    assert p.js("Object.fromEntries(kg.edgeView.get().map(e => [e.id, e.kgStatus]))") == expected
    p.assert_clean()


def test_changed_since_highlights_the_edges_kg_changes_finds(open_graph):
    g = story()
    g.add(DocResult(doc_id="a5", published=D(2025, 6, 1), relations=[  # Delta Air's partnership goes from planned to active
        Relation(type="partners-with", source="Acme Cloud", target="Delta Air", evidence=[ev("a5", "active")])]))
    p = open_graph(g)
    dates = p.js("window.__kgData.dates")
    assert p.js("[...document.querySelectorAll('#since option')].map(o => o.value)") == ["", *dates]
    assert p.js("kg.changedIds()") == [] and p.page.locator("#changed-msg").inner_text() == ""
    for day in dates:
        p.page.select_option("#since", day)
        expected = {edge_id(c.type, c.source, c.target) for c in g.changes(since=day)}
        assert set(p.js("kg.changedIds()")) == expected, day
        assert p.page.locator("#changed-msg").inner_text() == f"{len(expected)} changed"
    p.page.select_option("#since", "2024-09-01")  # two of the four edges changed from then on
    expected = {edge_id(c.type, c.source, c.target) for c in g.changes(since="2024-09-01")}
    assert expected == {"revenue-share-capped:Gamma Labs->Acme Cloud", "partners-with:Acme Cloud->Delta Air"}
    body = p.js("""Object.fromEntries(Object.values(kg.network.body.edges).map(e => [e.id,
        {shadow: e.options.shadow.enabled, opacity: e.options.color.opacity}]))""")
    assert {eid for eid, o in body.items() if o["shadow"]} == expected
    assert all((o["opacity"] == 0.2) == (eid not in expected) for eid, o in body.items())  # the others fade
    panel = p.page.locator("#panel").inner_text()
    assert "Changed since 2024-09-01" in panel and "3 change(s) in 2 relation(s) shown" in panel
    lines = [line for line in panel.splitlines() if line.startswith("20")]
    assert lines == ["2024-09-01 Gamma Labs — revenue share — Acme Cloud new → active",
                     "2025-01-15 Acme Cloud — partners — Delta Air new → planned",
                     "2025-06-01 Acme Cloud — partners — Delta Air planned → active"]
    # with the as-of slider the window ends on that day, as g.changes(since=, until=)
    p.page.select_option("#since", "2023-03-01")
    p.page.locator("#asof").fill(str(dates.index("2024-09-01")))
    window = {edge_id(c.type, c.source, c.target) for c in g.changes(since="2023-03-01", until="2024-09-01")}
    assert set(p.js("kg.changedIds()")) == window and "partners-with:Acme Cloud->Delta Air" not in window
    p.page.select_option("#since", "")
    assert p.js("kg.changedIds()") == []
    assert p.js("Object.values(kg.network.body.edges).some(e => e.options.shadow.enabled)") is False
    p.assert_clean()
