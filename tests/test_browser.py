"""The pages in a real browser (Debian's chromium, driven by Playwright, no browser download):
nothing leaves the page, no script error, every node drawn, tooltips on hover, labels inert."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from spacekg.views.html import write_graph
from spacekg.views.network import build_network

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not shutil.which("chromium"),
                                reason="Debian package chromium is not installed (make system-deps)")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


class Visit:
    """One page opened with every non-file request blocked and every error recorded."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 900):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.left_the_page: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri())

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.left_the_page.append(route.request.url)
            route.abort()

    def wait_for_graph(self, seconds: float = 60):
        """Poll from Python (wait_for_function would need eval, which the page's CSP forbids)."""
        for _ in range(int(seconds * 20)):
            if self.page.evaluate("window.graphReady === true"):
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the graph did not settle")

    def hover_node(self, node_id: str) -> str:
        """Move the mouse onto a node and return the tooltip's text once it is visible."""
        self.page.evaluate("id => network.focus(id, {scale: 1.5})", node_id)
        point = self.page.evaluate("""id => {
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById('mynetwork').getBoundingClientRect();
            return {x: p.x + box.left, y: p.y + box.top};
        }""", node_id)
        self.page.mouse.move(point["x"] - 40, point["y"] - 40)
        self.page.mouse.move(point["x"], point["y"], steps=5)
        tooltip = self.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        return tooltip.inner_text()

    def hover_edge(self, source: str, label: str | None = None, target: str | None = None, at: float = 0.5) -> str:
        """Move the mouse onto a point of a link (on its curve; ``at`` 0 at its source, 1 at its
        target, the middle by default) from ``source`` with that label or to that target, and return
        the tooltip's text."""
        self.page.mouse.move(5, 5)
        point = self.page.evaluate("""([source, label, target, at]) => {
            const e = network.body.data.edges.get({filter: x => x.from === source &&
                (label === null || x.label === label) && (target === null || x.to === target)})[0];
            const there = network.body.edges[e.id].edgeType.getPoint(at);
            network.moveTo({position: there, scale: 1.4, animation: false});
            const p = network.canvasToDOM(there);
            const box = document.getElementById('mynetwork').getBoundingClientRect();
            return {x: p.x + box.left, y: p.y + box.top};
        }""", [source, label, target, at])
        self.page.mouse.move(point["x"] - 30, point["y"] - 30)
        self.page.mouse.move(point["x"], point["y"], steps=5)
        tooltip = self.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        return tooltip.inner_text()

    def show(self, view: str):
        """Switch the page to a view ("whole" or a node id) the way a reader does, and wait for it."""
        if view == "whole":
            self.page.click("#whole")
        else:
            self.page.select_option("#view", view)
        self.wait_for_graph()

    def drawn(self) -> dict:
        """What the current view draws: node ids, the label boxes and the node shapes (canvas
        coordinates), and the scale."""
        self.page.evaluate("network.redraw()")
        self.page.wait_for_timeout(50)
        return self.page.evaluate("""() => {
            const nodes = network.body.data.nodes.get(), labels = [], shapes = [];
            nodes.forEach(n => {
                const node = network.body.nodes[n.id], label = node.labelModule;
                if (!n.caption) {
                    shapes.push({id: n.id, left: node.x - node.shape.width / 2, right: node.x + node.shape.width / 2,
                                 top: node.y - node.shape.height / 2, bottom: node.y + node.shape.height / 2});
                }
                if (label.elementOptions.label) {  // vis-network measures a label before moving it by vadjust
                    const size = label.size, top = size.top + (label.fontOptions.vadjust || 0);
                    labels.push({id: n.id, text: label.elementOptions.label, font: label.fontOptions.size,
                                 left: size.left, right: size.left + size.width, top: top, bottom: top + size.height});
                }
            });
            return {ids: nodes.filter(n => !n.caption).map(n => n.id), labels: labels, shapes: shapes,
                    scale: network.getScale(), view: window.currentView};
        }""")

    def close(self):
        self.page.close()


def overlaps(a: dict, b: dict, margin: float = 0.5) -> bool:
    return (a["left"] + margin < b["right"] and b["left"] + margin < a["right"]
            and a["top"] + margin < b["bottom"] and b["top"] + margin < a["bottom"])


def overlapping_labels(drawn: dict) -> list[tuple[str, str]]:
    """Pairs of a label and another label or another node's shape that it covers."""
    found = []
    labels = drawn["labels"]
    for i, a in enumerate(labels):
        found += [(a["text"], b["text"]) for b in labels[i + 1:] if overlaps(a, b)]
        found += [(a["text"], shape["id"]) for shape in drawn["shapes"] if shape["id"] != a["id"] and overlaps(a, shape)]
    return found


def neighbours(network, node: str) -> set[str]:
    return (set(network.successors(node)) | set(network.predecessors(node))) - {node}


@pytest.fixture(scope="module")
def drawn(built):
    """What the build's graph.html draws: the whole graph, or the overview of a large one."""
    from spacekg.views.overview import overview_of
    from spacekg.views.source import open_source

    return overview_of(open_source(built.dataset))


def test_graph_page_opens_on_a_meeting_with_labels_clear_of_each_other(browser, built, layout, drawn):
    """The page opens around the latest meeting: it and what is linked to it, every label readable and
    none covering another label or node; so does the view around every other meeting."""
    from spacekg.views.html import start_node

    network = drawn.network
    start = start_node(network)
    held = [d.get("date", "") for _, d in network.nodes(data=True)
            if d.get("category") == "meeting" and d.get("series") == network.nodes[start].get("series")
            and d.get("status") == "Held"]
    assert network.nodes[start].get("status") == "Held" and network.nodes[start].get("date", "") == max(held)
    visit = Visit(browser, layout.output / "graph.html")
    visit.wait_for_graph()
    drawn = visit.drawn()
    assert drawn["view"] == start and network.nodes[start]["category"] == "meeting"
    assert set(drawn["ids"]) == {start} | neighbours(network, start)
    assert int(visit.page.locator('#status [data-count="neighbours"]').inner_text()) == len(neighbours(network, start))
    visit.page.screenshot(path=str(layout.output / "screenshot-graph.png"))
    meetings = visit.page.evaluate("Array.from(document.querySelectorAll('#view option')).map(o => o.value)")
    assert start in meetings and "whole" in meetings
    for view in [start] + [m for m in meetings if m not in (start, "whole", "")]:
        if view != start:
            visit.show(view)
            drawn = visit.drawn()
        assert set(drawn["ids"]) == {view} | neighbours(network, view), view
        assert not overlapping_labels(drawn), (view, overlapping_labels(drawn)[:5])
        assert all(label["font"] * drawn["scale"] >= 8 for label in drawn["labels"]), view  # pixels on screen
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_graph_page_header_counts_are_queries_on_the_graph(browser, built, layout, drawn):
    """The header counts the graph's entities and source documents, and the links between them when the
    page draws the whole graph (else how many nodes and links it draws); the status line the nodes
    linked to the one in the middle."""
    from spacekg.views.source import open_source

    source = open_source(built.dataset)
    member = 'FILTER(REGEX(STR(?{0}), "^https://w3id.org/spacekg/(id|doc)/"))'
    expected = {
        "entities": source.count('SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c FILTER(STRSTARTS(STR(?e), "https://w3id.org/spacekg/id/")) }'),
        "documents": source.count("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a/rdfs:subClassOf* skg:SourceDocument }"),
        "links": source.count(f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o . ?s a ?x . ?o a ?y
                 FILTER(?p NOT IN (rdf:type, skos:inScheme, skg:eventStatus)) {member.format("s")} {member.format("o")} }} }}"""),
    }
    if not drawn.whole:  # an overview: how much of the graph the page draws, instead of the links
        del expected["links"]
        expected.update({"drawn": drawn.network.number_of_nodes(), "drawn-links": drawn.network.number_of_edges()})
    visit = Visit(browser, layout.output / "graph.html")
    visit.wait_for_graph()
    counts = visit.page.locator("header [data-count]")
    shown = {counts.nth(i).get_attribute("data-count"): int(counts.nth(i).inner_text()) for i in range(counts.count())}
    assert shown == expected
    start = visit.page.evaluate("window.currentView")
    linked = source.count(f"""SELECT (COUNT(DISTINCT ?other) AS ?n) WHERE {{
        {{ kg:{start} ?p ?other }} UNION {{ ?other ?p kg:{start} }} ?other a ?c
        FILTER(?p NOT IN (rdf:type, skos:inScheme, skg:eventStatus) && ?other != kg:{start}) {member.format("other")} }}""")
    assert int(visit.page.locator('#status [data-count="neighbours"]').inner_text()) == (
        linked if drawn.whole else len(neighbours(drawn.network, start)))
    visit.close()


def test_find_finds_every_name_of_every_node(browser, built, layout, drawn):
    """Every label the page draws (whole or around a node), every label, alternative label,
    abbreviation, Japanese label and id of every node it draws is found, whatever its case and
    punctuation."""
    network = drawn.network
    visit = Visit(browser, layout.output / "graph.html")
    visit.wait_for_graph()
    page = {n["id"]: n for n in visit.page.evaluate("graphData.nodes")}
    around = visit.page.evaluate("graphData.text")
    wanted = []
    for node, data in network.nodes(data=True):
        names = {node, data["label"], page[node]["label"], around[node], data.get("abbreviation", ""), data.get("ja", ""),
                 *data.get("alt", [])} - {""}
        for name in names:
            for variant in {name, name.upper(), name.lower(), re.sub(r"[^\w\s]", "", name), re.sub(r"[\s\W_]+", " ", name),
                            name.replace("\n", " ")}:
                if variant.strip():
                    wanted.append([node, variant])
    assert len(wanted) > 4 * network.number_of_nodes()
    missed = visit.page.evaluate("""wanted => {
        const box = document.getElementById("find"), missed = [];
        for (const [id, text] of wanted) {
            box.value = text;
            box.dispatchEvent(new Event("change"));
            const selected = network.getSelectedNodes(), candidates = findNodes(text);
            const ok = selected.includes(id) || (candidates.includes(id) && candidates.length > 1 && selected.length > 0);
            if (!ok) { missed.push([id, text, selected]); }
        }
        return missed;
    }""", wanted)
    assert missed == []
    visit.page.fill("#find", "no such thing at all")
    visit.page.dispatch_event("#find", "change")
    assert visit.page.inner_text("#status") == "not found"
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_graph_page_whole_graph(browser, built, layout, drawn):
    """The Whole graph button draws every node the page has: the whole graph, or its overview."""
    network = drawn.network
    visit = Visit(browser, layout.output / "graph.html")
    visit.wait_for_graph()
    visit.show("whole")
    assert visit.page.evaluate("network.body.data.nodes.length") == network.number_of_nodes()
    assert visit.page.evaluate("network.body.data.edges.length") == network.number_of_edges()
    assert visit.page.locator("#left-out").count() == (0 if drawn.whole else 1)
    visit.page.screenshot(path=str(layout.output / "screenshot-graph-whole.png"))
    # with the whole graph in view, the labels large enough to read (vis-network leaves out those
    # under its threshold) cover no other label or node; most of the large labels the build chose stay
    drawn = visit.drawn()
    threshold = visit.page.evaluate("graphData.options.nodes.scaling.label.drawThreshold")
    readable = [label for label in drawn["labels"] if label["font"] * drawn["scale"] >= threshold]
    assert not overlapping_labels({**drawn, "labels": readable}), overlapping_labels({**drawn, "labels": readable})
    chosen = {n["id"]: n["shape"] for n in visit.page.evaluate("graphData.nodes") if n.get("font", {}).get("size", 0) >= 30}
    kept = [label["id"] for label in readable if label["id"] in chosen]
    assert chosen and len(kept) >= len(chosen) / 2 and "star" in {chosen[node] for node in kept}  # meetings among them
    text = visit.hover_node("jaxa")
    assert "Japan Aerospace Exploration Agency" in text and "宇宙航空研究開発機構" in text
    visit.page.screenshot(path=str(layout.output / "screenshot-graph-hover.png"))
    # a link of the 7th meeting to a co-chair whose first source is a quote, hovered in the view around
    # the meeting; another link may cross it where the mouse is (where depends on the data): try a
    # few points and co-chairs until the tooltip is that of the link hovered
    visit.show("cds-7")
    quoted = sorted((target, data["quotes"][0]) for _, target, data in network.out_edges("cds-7", data=True)
                    if data["label"] == "co-chaired by" and data["quotes"] and data["quotes"][0]["kind"] == "quoted")
    assert quoted, "the 7th meeting's co-chairs are quoted from its joint statement"
    hovered = []
    for target, quote in quoted:
        first_line = f"{network.nodes['cds-7']['label']} — co-chaired by → {network.nodes[target]['label']}"
        for at in (0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85):
            edge = visit.hover_edge("cds-7", target=target, at=at)
            hovered.append(edge.splitlines()[0])
            if hovered[-1] == first_line:
                break
        if hovered[-1] == first_line:
            break
    assert hovered[-1] == first_line, hovered
    assert "“" + " ".join(quote["exact"].split())[:40] in edge and f"— {quote['title']}" in edge  # the source's words and its title
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_focused_page_and_find_box(browser, built, tmp_path):
    from spacekg.views import filters

    network = filters.by_focus(build_network(built.dataset), "JAXA", 2)
    path = write_graph(network, tmp_path / "jaxa.html", "around JAXA", start="jaxa")
    visit = Visit(browser, path)
    visit.wait_for_graph()
    assert set(visit.drawn()["ids"]) == {"jaxa"} | neighbours(network, "jaxa")
    visit.page.fill("#find", "NASA")
    visit.page.dispatch_event("#find", "change")
    assert visit.page.evaluate("network.getSelectedNodes()") == ["nasa"]
    assert visit.page.evaluate("window.currentView") == "nasa"  # found outside the view: shown around it
    visit.show("whole")
    assert visit.page.evaluate("network.body.data.nodes.length") == network.number_of_nodes()
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_overview_page_of_a_large_graph(browser, built, tmp_path):
    """The overview drawn when a graph has too many nodes (here: more than 60) says what it leaves out."""
    from spacekg.views.overview import overview_of
    from spacekg.views.source import open_source

    drawn = overview_of(open_source(built.dataset), limit=60)
    path = write_graph(drawn.network, tmp_path / "overview.html", "overview", note=drawn.note, left_out=drawn.left_out)
    visit = Visit(browser, path)
    visit.wait_for_graph()
    visit.show("whole")
    assert visit.page.evaluate("network.body.data.nodes.length") == drawn.network.number_of_nodes() <= 60
    assert int(visit.page.locator('header [data-count="drawn"]').inner_text()) == drawn.network.number_of_nodes()
    assert int(visit.page.locator('header [data-count="drawn-links"]').inner_text()) == drawn.network.number_of_edges()
    assert visit.page.locator('header [data-count="links"]').count() == 0
    left_out = visit.page.locator("#left-out")
    assert left_out.is_visible() and "more nodes are not drawn" in left_out.inner_text()
    assert f"overview of {drawn.total:,} nodes" in visit.page.locator("header").inner_text()
    visit.page.screenshot(path=str(tmp_path / "overview.png"))
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_a_node_without_links_opens_alone(browser, tmp_path):
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS

    from spacekg.namespaces import KG, SKG, make_graph

    graph = make_graph()
    graph.add((KG.lonely, RDF.type, SKG.Agency))
    graph.add((KG.lonely, RDFS.label, Literal("An agency nothing links to", lang="en")))
    lonely = "lonely"
    path = write_graph(build_network(graph), tmp_path / "lonely.html", "one node", start=lonely)
    visit = Visit(browser, path)
    visit.wait_for_graph()
    assert visit.drawn()["ids"] == [lonely]
    assert visit.page.locator('#status [data-count="neighbours"]').inner_text() == "0"
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_link_tooltips_show_the_quote_or_the_citation(browser, tmp_path):
    from tests.test_views import evidence_graph

    path = write_graph(build_network(evidence_graph()), tmp_path / "evidence.html", "evidence")
    visit = Visit(browser, path)
    visit.wait_for_graph()
    quoted = visit.hover_edge("cds-99", target="alpha")
    assert "“Alpha Agency took part”" in quoted and "A joint statement" in quoted and "cited" not in quoted
    cited = visit.hover_edge("cds-99", target="beta")
    assert "cited: Beta Agency, “会合の開催について”, 2018-07-20" in cited
    assert "https://www.example.org/record.html" in cited and "The record lists Beta among those present." in cited
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_hostile_labels_stay_text(browser, tmp_path):
    from tests.test_views import EVIL, _evil_graph

    path = write_graph(build_network(_evil_graph()), tmp_path / "evil.html", EVIL)
    visit = Visit(browser, path)
    visit.wait_for_graph()
    text = visit.hover_node("evil")
    assert EVIL + "evil" in text
    assert visit.page.evaluate("window.pwned") is None
    assert visit.page.locator("img").count() == 0
    assert visit.dialogs == [] and visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_index_page(browser, built, layout):
    visit = Visit(browser, layout.output / "index.html", width=1200)
    visit.page.wait_for_load_state("load")
    images = visit.page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
    assert len(images) == 2 and all(width > 0 for width in images)
    assert visit.page.locator("h3").count() >= 3  # the query library, one heading per query
    visit.page.screenshot(path=str(layout.output / "screenshot-index.png"), full_page=True)
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_ontology_page(browser, built, layout):
    visit = Visit(browser, layout.output / "ontology.html", width=1200)
    visit.page.wait_for_load_state("load")
    visit.page.screenshot(path=str(layout.output / "screenshot-ontology.png"))
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()
