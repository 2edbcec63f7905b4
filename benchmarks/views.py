"""How fast the interactive graph page is made and how fast it settles in a browser.

A synthetic network of N nodes (a seeded Barabási–Albert graph, about two links per node, nodes
spread over the view's categories) is rendered by spacekg.views.html and opened in headless
Debian chromium; the time is measured until the page reports that the layout has stopped
(``window.graphReady``: at once for positions computed in Python, after vis-network's one seeded
physics run for graphs above PYTHON_LAYOUT_LIMIT nodes).

    python benchmarks/views.py 5000 1000 182
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from spacekg.views.html import PYTHON_LAYOUT_LIMIT, write_graph
from spacekg.views.network import CATEGORIES

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def synthetic(size: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(size, 2, seed=seed)
    kinds = [c for c in CATEGORIES if c.name not in {"statement", "quote", "other"}]
    network = nx.MultiDiGraph()
    for node in shape.nodes:
        kind = rng.choice(kinds)
        network.add_node(f"n{node:05d}", label=f"{kind.title} {node}", category=kind.name, klass=kind.title,
                         color=kind.color, ja="", abbreviation="", alt=[])
    for a, b in shape.edges:
        network.add_edge(f"n{a:05d}", f"n{b:05d}", key="skg:participant", label="participant",
                         property="", quotes=[{"exact": "a quote", "title": "a document", "document": "d",
                                               "rank": "NormalRank"}])
    return network


def measure(size: int, folder: Path, browser) -> dict:
    network = synthetic(size)
    started = time.perf_counter()
    path = write_graph(network, folder / f"graph-{size}.html", f"synthetic {size}")
    rendered = time.perf_counter() - started
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    started = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=600_000)
    loaded = time.perf_counter() - started
    while not page.evaluate("window.graphReady === true"):  # polled from here: the page's CSP forbids eval
        page.wait_for_timeout(50)
    settled = time.perf_counter() - started
    drawn = page.evaluate("network.body.data.nodes.length")
    page.screenshot(path=str(folder / f"graph-{size}.png"))
    page.close()
    return {"nodes": size, "links": network.number_of_edges(), "drawn": drawn,
            "layout": "python" if size <= PYTHON_LAYOUT_LIMIT else "browser physics",
            "render_s": round(rendered, 2), "load_s": round(loaded, 2), "settled_s": round(settled, 2),
            "size_mb": round(path.stat().st_size / 1e6, 2)}


def main(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="spacekg-views-"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for size in sizes:
            print(measure(size, folder, browser), flush=True)
        browser.close()
    print(f"pages and screenshots in {folder}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5000])
