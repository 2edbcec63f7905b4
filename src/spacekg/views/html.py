"""The interactive graph page: a pyvis network rendered with the project's own template.

The page is one self-contained file: vis-network's script and style (shipped inside the pyvis
package) are inlined, the graph data is embedded as HTML-safe JSON, and a Content-Security-Policy
forbids every network request. Small graphs get positions from a seeded networkx layout and no
physics; large ones (where a Python layout would take minutes) are laid out once by vis-network's
physics with a fixed seed, which then stops. Nodes and edges are written in sorted order with ids
derived from the graph, so the same graph always gives the same bytes.

The page opens around one node (:func:`start_node`: the latest meeting) with what is linked to it,
laid out by the page's script (templates/graph.js) so that no label covers another; the whole graph
is one click away. Find looks up every name of every node (:func:`names_of`).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import networkx as nx
import pyvis
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from ..errors import SpacekgError
from .labels import fonts, label_limit, landmarks
from ..namespaces import COMPREHENSIVE_DIALOGUE
from .network import BY_NAME, CATEGORIES, display_label, edge_tooltip, node_tooltip, short_id

TEMPLATES = Path(__file__).parent / "templates"
VIS = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
LAYOUT_SEED = 20130828  # any fixed number: the same graph always gets the same picture
PYTHON_LAYOUT_LIMIT = 1000  # above this many nodes the browser lays the graph out
RING_LANDMARKS = 4  # a part with at least this many landmarks is laid out around their ring
RING_SHARE = 0.7  # the ring's radius, as a share of the part's extent
# Steps of the force-directed layout: the first draft of a part (a start, when a ring follows),
# and the layout around the ring.
FIRST_ITERATIONS, RING_ITERATIONS = 40, 100
WHOLE_AT_START = 30  # a graph of at most this many nodes opens whole, a larger one around a node
# What would make a page load something from the network (a link a reader follows does not).
REMOTE = re.compile(r"""<(?:script|link|img|iframe|embed|object|source|audio|video|track|image|use)\b[^>]*"""
                    r"""(?:src|href|data|srcset|poster)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""",
                    re.IGNORECASE)


def _connected_parts(network: nx.MultiDiGraph) -> tuple[nx.Graph, list[list[str]]]:
    """The network as a simple undirected graph, and its connected parts, largest first, sorted."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(network.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in network.edges() if u != v))
    parts = sorted((sorted(part) for part in nx.connected_components(simple)), key=lambda p: (-len(p), p))
    return simple, parts


def _around_landmarks(network: nx.MultiDiGraph, graph: nx.Graph, layout: dict, k: float) -> dict:
    """The layout of a connected part laid out again with its landmarks (the held meetings of the
    Dialogue, see labels.landmarks) fixed on a ring in order of date, clockwise from the top, so that
    their large labels stand apart; what links to one meeting only settles near it, what links to
    every meeting in the middle. Scaled back to the extent of the first layout."""
    marks = sorted((m for m in landmarks(network) if m in graph), key=lambda m: (network.nodes[m].get("date", ""), m))
    if len(marks) < RING_LANDMARKS:
        return layout
    extent = max(max(abs(x), abs(y)) for x, y in layout.values())
    radius = RING_SHARE * extent
    start = dict(layout)
    for number, mark in enumerate(marks):
        angle = 2 * math.pi * number / len(marks)  # the page's y axis points down: the first at the top
        start[mark] = (radius * math.sin(angle), -radius * math.cos(angle))
    again = nx.spring_layout(graph, pos=start, fixed=marks, seed=LAYOUT_SEED, k=k, iterations=RING_ITERATIONS)
    shrink = extent / max(max(abs(x), abs(y)) for x, y in again.values())
    return {node: (x * shrink, y * shrink) for node, (x, y) in again.items()}


def positions(network: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Seeded force-directed positions in pixels: the largest connected part in the middle (around
    the ring of its landmarks, if it has some), the small parts (often single nodes) in rows below
    it; rounded so that the output is stable."""
    simple, parts = _connected_parts(network)
    where: dict[str, tuple[float, float]] = {}
    bottom = 0.0
    row_x, row_y, row_height = 0.0, 0.0, 0.0
    for number, part in enumerate(parts):
        size = len(part)
        if size == 1:
            layout = {part[0]: (0.0, 0.0)}
        else:
            graph = simple.subgraph(part)
            layout = nx.spring_layout(graph, seed=LAYOUT_SEED, k=1.6 / math.sqrt(size),
                                      iterations=FIRST_ITERATIONS if size <= 500 else 80)
            if number == 0:
                layout = _around_landmarks(network, graph, layout, 1.6 / math.sqrt(size))
        scale = 130 * math.sqrt(size) if size > 1 else 0.0
        placed = {node: (float(x) * scale, float(y) * scale) for node, (x, y) in layout.items()}
        width = 2 * scale + 160
        if number == 0:
            where.update(placed)
            bottom = max(y for _, y in placed.values()) + 160
            row_x, row_y = min(x for x, _ in placed.values()), bottom
            continue
        if row_x + width > max(1600.0, -2 * min(x for x, _ in where.values())):
            row_x, row_y, row_height = min(x for x, _ in where.values()), row_y + row_height + 60, 0.0
        for node, (x, y) in placed.items():
            where[node] = (row_x + scale + 80 + x, row_y + scale + y)
        row_x += width
        row_height = max(row_height, 2 * scale)
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in where.items()}


def radial_positions(network: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """A quick starting layout for large graphs (linear time): each connected part around its most
    linked node, ring by ring in breadth-first order, children next to their parent's angle."""
    simple, parts = _connected_parts(network)
    where: dict[str, tuple[float, float]] = {}
    offset = 0.0
    for part in parts:
        root = max(part, key=lambda n: (simple.degree(n), n))
        angle = {root: 0.0}
        rings = [[root]]
        seen = {root}
        while True:
            ring = []
            for parent in rings[-1]:
                for child in sorted(simple.neighbors(parent)):
                    if child not in seen:
                        seen.add(child)
                        ring.append(child)
                        angle[child] = angle[parent]
            if not ring:
                break
            ring.sort(key=lambda n: (angle[n], n))
            for index, node in enumerate(ring):
                angle[node] = 2 * math.pi * index / len(ring)
            rings.append(ring)
        radius = 60 * math.sqrt(len(part))
        step = radius / max(1, len(rings) - 1)
        for depth, ring in enumerate(rings):
            for node in ring:
                where[node] = (offset + depth * step * math.cos(angle[node]), depth * step * math.sin(angle[node]))
        offset += 2 * radius + 200
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in where.items()}


def _node_size(network: nx.MultiDiGraph, node: str) -> float:
    category = network.nodes[node].get("category")
    base = {"meeting": 22, "document": 14, "statement": 5, "quote": 7}.get(category, 10)
    return round(base + 2.2 * math.sqrt(network.degree(node)), 1)


def make_pyvis(network: nx.MultiDiGraph) -> Network:
    """The pyvis network: nodes with tooltip, colour, shape and position; edges with labels and quotes.

    The node and edge records are the ones pyvis's add_node and add_edge make, built here directly:
    those methods check for duplicates in lists, which takes minutes on tens of thousands of edges."""
    big = network.number_of_nodes() > PYTHON_LAYOUT_LIMIT
    where = radial_positions(network) if big else positions(network)
    sizes = {node: _node_size(network, node) for node in network.nodes}
    # labels big enough to read when the whole graph is in view, placed only where positions are final
    large = fonts(network, {} if big else where, sizes)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    for node in sorted(network.nodes):
        data = network.nodes[node]
        category = BY_NAME.get(data.get("category"), BY_NAME["other"])
        record = {"x": where[node][0], "y": where[node][1]} if node in where else {}
        if node in large:
            record["font"] = large[node]
        record.update(title=node_tooltip(node, data), size=sizes[node], id=node,
                      label=display_label(data, label_limit(category.name)) or node, shape=category.shape,
                      color=data.get("color", category.color))
        net.nodes.append(record)
        net.node_ids.append(node)
        net.node_map[node] = record
    edges = sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    for number, (source, target, key, data) in enumerate(edges, start=1):
        net.edges.append({"id": f"e{number}", "label": data.get("label", key),
                          "title": edge_tooltip(network, source, target, data),
                          "from": source, "to": target, "arrows": "to"})
    net.options = options(big, network.number_of_edges())
    return net


def options(big: bool, edge_count: int) -> dict:
    """vis-network options: fixed positions or one seeded physics run that then stops."""
    physics = {"enabled": False}
    if big:
        physics = {"enabled": True, "solver": "forceAtlas2Based",
                   "forceAtlas2Based": {"gravitationalConstant": -60, "centralGravity": 0.02, "springLength": 60,
                                        "springConstant": 0.1, "damping": 0.6},
                   "stabilization": {"enabled": True, "iterations": 60, "updateInterval": 20, "fit": True}}
    return {
        "nodes": {"borderWidth": 1, "font": {"size": 14, "strokeWidth": 4, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 6, "maxVisible": 20}}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
                  "color": {"color": "#b7bfc9", "highlight": "#1f2933", "hover": "#52606d"},
                  "font": {"size": 10, "color": "#52606d", "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
                  "smooth": False if big or edge_count > 3000 else {"enabled": True, "type": "continuous", "roundness": 0.3},
                  "width": 1, "selectionWidth": 2, "hoverWidth": 1.5},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "multiselect": True},
        "physics": physics,
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": False},
    }


def _legend(network: nx.MultiDiGraph) -> list[dict]:
    """One legend line per category present; organizations get one line per country colour."""
    present = {data.get("category") for _, data in network.nodes(data=True)}
    lines = []
    for category in CATEGORIES:
        if category.name not in present:
            continue
        if category.name == "organization":
            colours = {}
            for _, data in network.nodes(data=True):
                if data.get("category") == "organization":
                    colours.setdefault(data.get("country_label", "no country"), data.get("color", category.color))
            for country in sorted(colours, key=lambda c: (c == "no country", c)):
                lines.append({"title": f"Organization ({country})", "svg": _shape_svg(category.shape, colours[country])})
        else:
            lines.append({"title": category.title, "svg": _shape_svg(category.shape, category.color)})
    return lines


def _shape_svg(shape: str, color: str) -> Markup:
    points = {
        "star": "7,0.5 8.6,5 13.5,5.2 9.6,8.2 11,13 7,10.2 3,13 4.4,8.2 0.5,5.2 5.4,5",
        "triangle": "7,1 13,13 1,13", "triangleDown": "1,1 13,1 7,13", "diamond": "7,0.5 13.5,7 7,13.5 0.5,7",
        "hexagon": "3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7",
    }
    if shape in points:
        body = f'<polygon points="{points[shape]}"'
    elif shape == "square":
        body = '<rect x="1.5" y="1.5" width="11" height="11"'
    else:
        body = '<circle cx="7" cy="7" r="6"'
    safe_color = color if re.fullmatch(r"#[0-9a-fA-F]{6}", color) else "#999999"
    return Markup(f'{body} fill="{safe_color}" stroke="#444" stroke-width="0.6"/>')


def names_of(node: str, data: dict) -> list[str]:
    """Everything a node may be looked up by in the page: its id (also without its prefix), label,
    the labels drawn for it, abbreviation, Japanese and alternative labels."""
    local = node.split(":", 1)[1] if ":" in node else f"kg:{node}"
    drawn = [display_label(data, limit) for limit in (label_limit(data.get("category", "")), 28, 40)]
    return sorted({node, local, data.get("label", ""), view_text(node, data), *drawn, data.get("abbreviation", ""),
                   data.get("ja", ""), *data.get("alt", [])} - {""})


def view_text(node: str, data: dict) -> str:
    """The label a node gets when the page shows it around a node: short name or abbreviation, else
    the whole label (the page wraps it over lines)."""
    return data.get("short") or data.get("abbreviation") or data.get("label") or node


def start_node(network: nx.MultiDiGraph) -> str | None:
    """Where the page opens: None (the whole graph) for a small graph, else the latest held meeting
    of the Comprehensive Dialogue on Space (or of any series), else the most linked node."""
    if network.number_of_nodes() <= WHOLE_AT_START:
        return None
    meetings = [(data.get("series") == short_id(COMPREHENSIVE_DIALOGUE), data.get("status") == "Held",
                 data.get("date", ""), node) for node, data in network.nodes(data=True) if data.get("category") == "meeting"]
    if meetings:
        return max(meetings)[3]
    return max(network.nodes, key=lambda n: (network.degree(n), n))


def _meeting_views(network: nx.MultiDiGraph) -> list[dict]:
    """The meetings the page offers to open around, in order of series, ordinal and date."""
    meetings = [(data.get("series", ""), data.get("ordinal", 0), data.get("date", ""), node)
                for node, data in network.nodes(data=True) if data.get("category") == "meeting"]
    return [{"id": node, "title": view_text(node, network.nodes[node])} for *_, node in sorted(meetings)]


def render(network: nx.MultiDiGraph, heading: str, note: str = "", index_link: str | None = None,
           left_out: str = "", start: str | None = "") -> str:
    """The whole page as a string, rendered by pyvis's generate_html through the project's template;
    ``note`` goes in the header, ``left_out`` (what the page does not draw) under the legend;
    ``start`` the node the page opens around (None: the whole graph; "": see :func:`start_node`)."""
    net = make_pyvis(network)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      keep_trailing_newline=True)
    names = {node: names_of(node, data) for node, data in network.nodes(data=True)}
    text = {node: view_text(node, data) for node, data in network.nodes(data=True)}
    start = start_node(network) if start == "" else start
    payload = {"nodes": net.nodes, "edges": net.edges, "options": net.options, "names": names, "text": text,
               "start": start}
    categories = [data.get("category") for _, data in network.nodes(data=True)]
    env.globals.update(
        vis_js=Markup(_inline_safe((VIS / "vis-network.min.js").read_text(encoding="utf-8"), "script")),
        vis_css=Markup(_inline_safe((VIS / "vis-network.css").read_text(encoding="utf-8"), "style")),
        page_js=Markup(_inline_safe((TEMPLATES / "graph.js").read_text(encoding="utf-8"), "script")),
        data_json=Markup(_json_for_script(payload)),
        legend=_legend(network),
        names=sorted({name for node, data in network.nodes(data=True)
                      for name in (data.get("label", ""), data.get("abbreviation", "")) if name}),
        meetings=_meeting_views(network), start=start,
        counts=header_counts(network),
        note=note, index_link=index_link, left_out=left_out,
    )
    net.templateEnv = env
    net.path = "graph.html.j2"
    net.heading = heading
    html = net.generate_html(name="graph.html", notebook=False)
    check_offline(html, "graph page")
    return html


def header_counts(network: nx.MultiDiGraph) -> dict[str, int]:
    """The numbers in the page's header: the entities and source documents of the graph; the links
    between them when the page draws them all, else how many nodes and links it draws (an overview
    carries the whole graph's counts in ``network.graph["drawn_from"]``)."""
    categories = [data.get("category") for _, data in network.nodes(data=True)]
    drawn = {"entities": len(categories) - categories.count("document"), "documents": categories.count("document")}
    whole = network.graph.get("drawn_from")
    if whole is None:
        return {**drawn, "links": network.number_of_edges()}
    return {"entities": whole["entities"], "documents": whole["documents"],
            "drawn": network.number_of_nodes(), "drawn-links": network.number_of_edges()}


def _json_for_script(value) -> str:
    """JSON that cannot end the <script> element it sits in: <, > and & are \\u-escaped."""
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inline_safe(text: str, element: str) -> str:
    """A library's text made safe to inline: it must not close its own element early."""
    return re.sub(rf"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)


def check_offline(html: str, what: str) -> None:
    """Refuse a page that would load anything from the network."""
    match = REMOTE.search(html)
    if match:
        start = max(0, match.start() - 40)
        raise SpacekgError(f"the {what} would load a remote resource: …{html[start:match.end() + 40]}…")


def write_graph(network: nx.MultiDiGraph, path: Path, heading: str, note: str = "",
                index_link: str | None = None, left_out: str = "", start: str | None = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(network, heading, note, index_link, left_out, start), encoding="utf-8")
    return path
