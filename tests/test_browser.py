"""The pages in a real browser (Debian's chromium, driven by Playwright, no browser download):
nothing leaves the page, no script error, every node drawn, tooltips on hover, labels inert."""

from __future__ import annotations

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

    def hover_edge(self, source: str, label: str, at: float = 0.5) -> str:
        """Move the mouse onto a point of a link (``at``: 0 at its source, 1 at its target, on its
        curve) and return the tooltip's text."""
        self.page.mouse.move(5, 5)
        self.page.evaluate("id => network.focus(id, {scale: 1.4})", source)
        point = self.page.evaluate("""([source, label, at]) => {
            const e = network.body.data.edges.get({filter: x => x.from === source && x.label === label})[0];
            const p = network.canvasToDOM(network.body.edges[e.id].edgeType.getPoint(at));
            const box = document.getElementById('mynetwork').getBoundingClientRect();
            return {x: p.x + box.left, y: p.y + box.top};
        }""", [source, label, at])
        self.page.mouse.move(point["x"] - 30, point["y"] - 30)
        self.page.mouse.move(point["x"], point["y"], steps=5)
        tooltip = self.page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=5_000)
        return tooltip.inner_text()

    def close(self):
        self.page.close()


def test_graph_page(browser, built, layout):
    network = build_network(built.dataset)
    visit = Visit(browser, layout.output / "graph.html")
    visit.wait_for_graph()
    assert visit.page.evaluate("network.body.data.nodes.length") == network.number_of_nodes()
    assert visit.page.evaluate("network.body.data.edges.length") == network.number_of_edges()
    visit.page.screenshot(path=str(layout.output / "screenshot-graph.png"))
    # with the whole graph in view, meeting labels are drawn at a readable size (vis-network hides
    # labels under 5 px on screen), and so are those of the most linked other nodes that got a
    # large font (how many fit without covering other nodes depends on the data)
    on_screen = visit.page.evaluate("""() => network.body.data.nodes.get().filter(n => n.font)
        .map(n => [n.shape, n.font.size, n.font.size * network.getScale()])""")
    assert [size for shape, _, size in on_screen if shape == "star"] and \
        all(size >= 8 for shape, _, size in on_screen if shape == "star")
    hubs = [size for shape, font, size in on_screen if shape != "star" and font >= 30]
    assert hubs and all(size >= 5 for size in hubs)
    text = visit.hover_node("jaxa")
    assert "Japan Aerospace Exploration Agency" in text and "宇宙航空研究開発機構" in text
    visit.page.screenshot(path=str(layout.output / "screenshot-graph-hover.png"))
    # another link may cross this one where the mouse is (where depends on the data): try a few
    # points; the tooltip is that of a link of the 7th meeting, with its quote and source
    meeting = network.nodes["cds-7"]["label"]
    for at in (0.5, 0.35, 0.65, 0.25, 0.75):
        edge = visit.hover_edge("cds-7", "co-chaired by", at)
        if "co-chaired by" in edge:
            break
    assert meeting in edge.splitlines()[0]  # a link from or to the meeting
    assert "“" in edge and "Joint Statement" in edge  # the source's words and its title
    assert visit.left_the_page == [] and visit.errors == []
    visit.close()


def test_focused_page_and_find_box(browser, built, tmp_path):
    from spacekg.views import filters

    network = filters.by_focus(build_network(built.dataset), "JAXA", 2)
    path = write_graph(network, tmp_path / "jaxa.html", "around JAXA")
    visit = Visit(browser, path)
    visit.wait_for_graph()
    assert visit.page.evaluate("network.body.data.nodes.length") == network.number_of_nodes()
    visit.page.fill("#find", "NASA")
    visit.page.dispatch_event("#find", "change")
    assert visit.page.evaluate("network.getSelectedNodes()") == ["nasa"]
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
    assert visit.page.evaluate("network.body.data.nodes.length") == drawn.network.number_of_nodes() <= 60
    left_out = visit.page.locator("#left-out")
    assert left_out.is_visible() and "more nodes are not drawn" in left_out.inner_text()
    assert f"overview of {drawn.total:,} nodes" in visit.page.locator("header").inner_text()
    visit.page.screenshot(path=str(tmp_path / "overview.png"))
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
