"""Which node labels of the graph page can be read when the whole graph is in view, and where.

vis-network hides a label whose size on screen falls below a threshold, so with the whole graph in
view only labels with a large font show. The landmarks always get one: the held meetings of the
Comprehensive Dialogue on Space (or, in a graph without them, every meeting); other meetings (plans,
meetings of other series) get a medium font, like other events. So do the HUBS most linked other
nodes (places, organizations, topics …), as long as their label fits. A label is drawn below its
node, or above it (a negative vertical adjustment) when below it would cover another node or a
label placed before; a hub whose label fits neither way keeps the ordinary small font (its label
shows when zoomed in, and on hover). Label widths are estimated from the number of characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..namespaces import COMPREHENSIVE_DIALOGUE
from .network import display_label, short_id

FONTS = {"meeting": 44, "document": 22, "event": 22}  # large labels for these categories
HUB_FONT = 38
HUBS = 12
GAP = 4  # vis-network draws a label's top this far, plus half its font size, below the node's shape
CHAR_WIDTH = 0.58  # average character width of the label font, in font sizes


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom

    def covers(self, nodes: np.ndarray) -> np.ndarray:
        """Which of the nodes (rows of x, y, radius) it covers, in part or whole."""
        x, y, r = nodes[:, 0], nodes[:, 1], nodes[:, 2]
        return (self.left - r < x) & (x < self.right + r) & (self.top - r < y) & (y < self.bottom + r)


def landmarks(network: nx.MultiDiGraph) -> list[str]:
    """The meetings whose labels are always large: the held meetings of the Dialogue, else every meeting."""
    meetings = sorted(n for n, c in network.nodes(data="category") if c == "meeting")
    series = short_id(COMPREHENSIVE_DIALOGUE)
    held = [n for n in meetings if network.nodes[n].get("series") == series and network.nodes[n].get("status") == "Held"]
    return held or meetings


def label_limit(category: str) -> int:
    """How many characters a node's drawn label may have."""
    return 40 if category in FONTS else 28


def fonts(network: nx.MultiDiGraph, where: dict[str, tuple[float, float]], sizes: dict[str, float]) -> dict[str, dict]:
    """node → vis-network font options (size, and vadjust for a label above its node), for the nodes
    whose label is not the ordinary one; ``where`` holds the positions, ``sizes`` the node sizes."""
    chosen: dict[str, dict] = {}
    placed: list[Box] = []
    order = sorted(where)
    nodes = np.array([(*where[n], sizes[n]) for n in order], dtype=float).reshape(-1, 3)
    index = {n: i for i, n in enumerate(order)}
    degree = dict(network.degree())
    meetings = landmarks(network)
    others = [n for n, c in network.nodes(data="category") if c not in FONTS]
    hubs = sorted(others, key=lambda n: (-degree[n], n))[:HUBS]
    for node in sorted(meetings, key=lambda n: (-degree[n], n)) + hubs:
        category = network.nodes[node].get("category")
        size = FONTS.get(category, HUB_FONT)
        if node not in where:  # no positions (laid out in the browser): no placement
            chosen[node] = {"size": size}
            continue
        text = display_label(network.nodes[node], label_limit(category))
        options = [_box(where[node], sizes[node], size, text, above) for above in (False, True)]
        clashes = [_clashes(box, index[node], placed, nodes) for box in options]
        best = min((0, 1), key=lambda i: (clashes[i], i))
        if clashes[best] and category != "meeting":
            continue
        placed.append(options[best])
        chosen[node] = {"size": size}
        if best == 1:
            chosen[node]["vadjust"] = -round(2 * sizes[node] + 2 * GAP + 1.5 * size, 1)
    for node, category in network.nodes(data="category"):
        if node not in chosen and category in FONTS:
            chosen[node] = {"size": FONTS["event"] if category == "meeting" else FONTS[category]}
    return chosen


def _box(point: tuple[float, float], node_size: float, font: float, text: str, above: bool) -> Box:
    x, y = point
    width = CHAR_WIDTH * font * len(text)
    top = y - node_size - GAP - font if above else y + node_size + GAP + font / 2
    return Box(x - width / 2, top, x + width / 2, top + font)


def _clashes(box: Box, own: int, placed: list[Box], nodes: np.ndarray) -> int:
    """How many labels already placed and other nodes (rows of ``nodes`` but ``own``) the box would cover."""
    covered = box.covers(nodes)
    covered[own] = False
    return int(covered.sum()) + sum(1 for other in placed if box.overlaps(other))
