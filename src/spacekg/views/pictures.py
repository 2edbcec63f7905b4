"""Static pictures (PNG, matplotlib's Agg backend): who attended which meeting, and what was
raised when. Metadata that would change from run to run is left out, so the files are stable."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from ..namespaces import SKG  # noqa: E402
from .network import display_label  # noqa: E402
from .stats import attendance, series_meetings, topics_of  # noqa: E402

STABLE = {"Software": None}
COUNTRY_COLOR_FALLBACK = "#6b7280"
plt.rcParams.update({"svg.hashsalt": "spacekg", "font.family": "DejaVu Sans"})


def _meeting_name(network: nx.MultiDiGraph, meeting: str) -> str:
    data = network.nodes[meeting]
    ordinal = data.get("ordinal")
    name = f"CDS {ordinal}" if ordinal else display_label(data, 18)
    date = data.get("date", "")[:4]
    status = "" if data.get("status") == "Held" else f"\n({data.get('status', '').lower()})"
    return f"{name}\n{date}{status}"


def attendance_picture(network: nx.MultiDiGraph, series: str, path: Path, max_rows: int = 60) -> Path:
    """Organization × meeting matrix, rows grouped by country; co-chairs drawn as stars. Above
    ``max_rows`` organizations, those at the most meetings are kept (the title says how many not)."""
    meetings = series_meetings(network, series)
    present = {m: attendance(network, m) for m in meetings}
    count = Counter(o for roles in present.values() for o in roles)
    kept = sorted(count, key=lambda o: (-count[o], o))[:max_rows]
    dropped = len(count) - len(kept)
    organizations = sorted(kept, key=lambda o: (network.nodes[o].get("country_label", "~"),
                                                display_label(network.nodes[o], 60).casefold()))
    height = max(3.0, 0.26 * len(organizations) + 1.8)
    figure, axes = plt.subplots(figsize=(2.2 + 0.95 * max(len(meetings), 1) + 3.2, height), dpi=110)
    marks: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)  # (role, colour) → cells
    for column, meeting in enumerate(meetings):
        if not present[meeting]:
            axes.axvspan(column - 0.5, column + 0.5, color="#f3f4f6", zorder=0)
        for row, org in enumerate(organizations):
            role = present[meeting].get(org)
            if role:
                marks[(role, network.nodes[org].get("color", COUNTRY_COLOR_FALLBACK))].append((column, row))
    for (role, colour), cells in sorted(marks.items()):
        axes.scatter([c for c, _ in cells], [r for _, r in cells], marker="*" if role == "co-chair" else "s",
                     s=150 if role == "co-chair" else 70, color=colour, edgecolors="#222", linewidths=0.5, zorder=3)
    previous = None
    for row, org in enumerate(organizations):
        country = network.nodes[org].get("country_label", "no country")
        if country != previous and row:
            axes.axhline(row - 0.5, color="#9aa5b1", linewidth=0.8)
        previous = country
    axes.set_xticks(range(len(meetings)), [_meeting_name(network, m) for m in meetings], fontsize=8)
    axes.set_yticks(range(len(organizations)),
                    [f"{display_label(network.nodes[o], 38)}  ·  {network.nodes[o].get('country_label', '—')}"
                     for o in organizations], fontsize=8)
    axes.set_xlim(-0.5, len(meetings) - 0.5)
    axes.set_ylim(len(organizations) - 0.5, -0.5)
    axes.xaxis.tick_top()
    axes.grid(True, color="#eceff3", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    note = f"\n{dropped} organizations at fewer meetings are not shown" if dropped else ""
    axes.set_title("Who attended the Comprehensive Dialogue on Space (grey column: no attendance list in the sources)"
                   + note, fontsize=9, pad=34, loc="left")
    axes.legend(handles=[Line2D([], [], marker="s", linestyle="", color="#888", label="participant"),
                         Line2D([], [], marker="*", linestyle="", markersize=11, color="#888", label="co-chair")],
                loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    figure.tight_layout()
    figure.savefig(path, metadata=STABLE)
    plt.close(figure)
    return path


def parent_of(network: nx.MultiDiGraph, item: str, among: set[str]) -> str | None:
    """The row that ``item`` is part of (skg:partOf, or the other's skg:hasPart), if it is among ``among``."""
    for _, target, data in sorted(network.out_edges(item, data=True), key=lambda e: e[1]):
        if data.get("property") == str(SKG.partOf) and target in among and target != item:
            return target
    for source, _, data in sorted(network.in_edges(item, data=True), key=lambda e: e[0]):
        if data.get("property") == str(SKG.hasPart) and source in among and source != item:
            return source
    return None


def timeline_rows(network: nx.MultiDiGraph, meetings: list[str], max_rows: int = 60) -> tuple[list[dict], int]:
    """The rows of the timeline: programs, then topics, most recurring first; a row that is part of
    another (the satellites of a satellite system) comes right below it, indented and saying so.
    Each row: id, label, parent (or None), meetings. Also how many rows were left out."""
    raised: dict[str, list[str]] = {}
    for meeting in meetings:
        for item in topics_of(network, meeting):
            raised.setdefault(item, []).append(meeting)
    items = sorted(raised, key=lambda i: (network.nodes[i]["category"] != "program", -len(raised[i]),
                                          display_label(network.nodes[i], 60).casefold()))
    dropped = 0
    if len(items) > max_rows:  # keep what recurs; say how much was left out
        recurring = [i for i in items if len(raised[i]) > 1 or network.nodes[i]["category"] == "program"]
        dropped = len(items) - len(recurring[:max_rows])
        items = recurring[:max_rows]
    parent = {item: parent_of(network, item, set(items)) for item in items}
    children: dict[str | None, list[str]] = defaultdict(list)
    for item in items:
        children[parent[item]].append(item)
    rows: list[dict] = []
    placed: set[str] = set()

    def place(item: str, depth: int) -> None:
        if item in placed:
            return
        placed.add(item)
        label = display_label(network.nodes[item], 48)
        if depth:
            label = f"{'   ' * (depth - 1)}└ {label} (part of {display_label(network.nodes[parent[item]], 20)})"
        rows.append({"id": item, "label": label, "parent": parent[item], "meetings": raised[item]})
        for child in children[item]:
            place(child, depth + 1)

    for item in children[None] + items:  # the members of a cycle of parts have no top row: as they come
        place(item, 0)
    return rows, dropped


def timeline_picture(network: nx.MultiDiGraph, series: str, path: Path, max_rows: int = 60) -> Path:
    """Programs and topics (rows) against the years of the meetings that raised them."""
    meetings = [m for m in series_meetings(network, series)
                if network.nodes[m].get("date") and network.nodes[m].get("status") == "Held"]
    rows, dropped = timeline_rows(network, meetings, max_rows)
    items = [row["id"] for row in rows]
    years = sorted({int(network.nodes[m]["date"][:4]) for m in meetings})
    figure, axes = plt.subplots(figsize=(9.5, max(3.0, 0.24 * len(items) + 1.6)), dpi=110)
    colours = {"program": "#1b9e77", "topic": "#7cb342"}
    spans, marks = [], defaultdict(list)  # marks: category → (year, row) points
    for row, item in enumerate(items):
        xs = sorted(int(network.nodes[m]["date"][:4]) for m in rows[row]["meetings"])
        spans.append((row, xs[0], xs[-1]))
        marks[network.nodes[item]["category"]] += [(x, row) for x in xs]
    if spans:
        axes.hlines([r for r, _, _ in spans], [a for _, a, _ in spans], [b for _, _, b in spans],
                    color="#d5d9de", linewidth=2, zorder=1)
    for category, points in sorted(marks.items()):
        axes.scatter([x for x, _ in points], [y for _, y in points], color=colours.get(category, "#888"),
                     marker="s" if category == "program" else "h", s=60, edgecolors="#222", linewidths=0.5, zorder=3)
    axes.set_yticks(range(len(items)), [row["label"] for row in rows], fontsize=8)
    axes.set_ylim(len(items) - 0.5, -0.5)
    axes.set_xticks(years, [str(y) for y in years], fontsize=8)
    if years:
        axes.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    axes.grid(True, axis="x", color="#eceff3")
    note = f"\n{dropped} topics raised at only one meeting are not shown" if dropped else ""
    axes.set_title("Programs (squares) and topics (hexagons) raised at held meetings of the Comprehensive Dialogue"
                   + note, fontsize=9, loc="left")
    figure.tight_layout()
    figure.savefig(path, metadata=STABLE)
    plt.close(figure)
    return path
