"""Network analytics of the Comprehensive Dialogue on Space.

The co-participation network links two organizations once for every held meeting of the series
that both attended (as participant, co-chair or organizer: skg:participant and its sub-properties,
in the meeting itself or in one of its parts): the weight of a link is that number of meetings.
These are the organizations and meetings of queries/attendance.rq. On it: degree and betweenness centrality,
communities (Louvain with a fixed seed), the organizations present at every held meeting with a
recorded attendance list, and the topics raised at the most meetings.

Exact betweenness takes time in proportion to organizations × links; above
EXACT_BETWEENNESS_LIMIT organizations it is estimated from BETWEENNESS_PIVOTS source nodes drawn
with a fixed seed (networkx's sampled betweenness), and stats.json says which was computed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import networkx as nx

from ..namespaces import COMPREHENSIVE_DIALOGUE, SKG
from .network import short_id

COMMUNITY_SEED = 2013  # Louvain is randomized: a fixed seed gives the same communities every build
EXACT_BETWEENNESS_LIMIT = 1000  # organizations
BETWEENNESS_PIVOTS = 200
BETWEENNESS_SEED = 2013
PARTICIPANT = str(SKG.participant)  # with its sub-properties (co-chaired by, organized by …)
CO_CHAIR = str(SKG.coChairedBy)
COUNTED = ("organizations that took part in a held meeting of the series or in one of its sessions, as "
           "participant, co-chair or organizer (skg:participant and its sub-properties), as queries/attendance.rq "
           "counts them")
TOPIC_LINKS = (str(SKG.discussed), str(SKG.agreed), str(SKG.reaffirmed), str(SKG.welcomed),
               str(SKG.sharedViewOn), str(SKG.intended), str(SKG.reportedCooperationIn))
PART_LINKS = (str(SKG.partOf), str(SKG.hasPart))


def series_meetings(network: nx.MultiDiGraph, series: str) -> list[str]:
    """The meetings of a series in order of their ordinal."""
    meetings = [n for n, d in network.nodes(data=True) if d.get("series") == series]
    return sorted(meetings, key=lambda n: (network.nodes[n].get("ordinal", 0), n))


def parts_of(network: nx.MultiDiGraph, meeting: str) -> list[str]:
    """The meeting and its parts (tracks, sessions), linked by skg:partOf or skg:hasPart."""
    found = {meeting}
    found.update(source for source, _, data in network.in_edges(meeting, data=True)
                 if data.get("property") == str(SKG.partOf))
    found.update(target for _, target, data in network.out_edges(meeting, data=True)
                 if data.get("property") == str(SKG.hasPart))
    return sorted(found)


def takes_part(network: nx.MultiDiGraph, prop: str) -> bool:
    """Whether a property is skg:participant or one of its sub-properties."""
    return PARTICIPANT in network.graph.get("super_properties", {}).get(prop, (prop,))


def attendance(network: nx.MultiDiGraph, meeting: str) -> dict[str, str]:
    """Organizations at a meeting (or one of its parts) → 'co-chair' or 'participant'."""
    roles: dict[str, str] = {}
    for part in parts_of(network, meeting):
        for _, target, data in network.out_edges(part, data=True):
            if takes_part(network, data.get("property")) and network.nodes[target].get("category") == "organization":
                role = "co-chair" if data["property"] == CO_CHAIR else "participant"
                if roles.get(target) != "co-chair":
                    roles[target] = role
    return roles


def topics_of(network: nx.MultiDiGraph, meeting: str) -> set[str]:
    """Topics and programs discussed, agreed, reaffirmed or welcomed at a meeting or its parts."""
    found = set()
    for part in parts_of(network, meeting):
        for _, target, data in network.out_edges(part, data=True):
            if data.get("property") in TOPIC_LINKS and network.nodes[target].get("category") in {"topic", "program"}:
                found.add(target)
    return found


def co_participation(network: nx.MultiDiGraph, meetings: list[str]) -> nx.Graph:
    graph = nx.Graph()
    for meeting in meetings:
        present = sorted(attendance(network, meeting))
        graph.add_nodes_from(present)
        for a, b in combinations(present, 2):
            weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    return graph


def compute(network: nx.MultiDiGraph, series: str = short_id(COMPREHENSIVE_DIALOGUE)) -> dict:
    """Everything `spacekg stats` reports, as plain data (sorted, floats rounded)."""
    meetings = series_meetings(network, series)
    held = [m for m in meetings if network.nodes[m].get("status") == "Held"]
    present = {m: attendance(network, m) for m in held}
    recorded = [m for m in held if present[m]]
    graph = co_participation(network, recorded)
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(graph.nodes))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True)))
    degree = nx.degree_centrality(ordered) if len(ordered) > 1 else {n: 0.0 for n in ordered}
    betweenness, method = _betweenness(ordered)
    communities = []
    if ordered.number_of_edges():
        found = nx.community.louvain_communities(ordered, weight="weight", seed=COMMUNITY_SEED)
        communities = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
    community_of = {n: i + 1 for i, c in enumerate(communities) for n in c}
    attended = defaultdict(list)
    for meeting in recorded:
        for org in present[meeting]:
            attended[org].append(meeting)
    organizations = []
    for org in sorted(ordered.nodes, key=lambda n: (-degree[n], -betweenness[n], n)):
        data = network.nodes[org]
        organizations.append({
            "id": org, "label": data.get("label", org), "abbreviation": data.get("abbreviation", ""),
            "country": data.get("country_label", ""), "meetings": attended[org],
            "co_chaired": [m for m in recorded if present[m].get(org) == "co-chair"],
            "partners": ordered.degree(org), "degree_centrality": round(degree[org], 4),
            "betweenness_centrality": round(betweenness[org], 4), "community": community_of.get(org, 0),
        })
    topic_meetings = defaultdict(list)
    for meeting in held:
        for topic in topics_of(network, meeting):
            topic_meetings[topic].append(meeting)
    topics = [{"id": t, "label": network.nodes[t].get("label", t), "category": network.nodes[t].get("category"),
               "meetings": ms} for t, ms in topic_meetings.items()]
    topics.sort(key=lambda t: (-len(t["meetings"]), t["label"].casefold(), t["id"]))
    return {
        "series": series,
        "series_label": network.nodes[series].get("label", series) if series in network else series,
        "meetings": [{"id": m, "label": network.nodes[m].get("label", m), "ordinal": network.nodes[m].get("ordinal"),
                      "date": network.nodes[m].get("date", ""),
                      "status": network.nodes[m].get("status", ""), "organizations": len(present.get(m, {}))}
                     for m in meetings],
        "held_meetings": held,
        "meetings_with_attendance": recorded,
        "counted": COUNTED,
        "network": {"organizations": ordered.number_of_nodes(), "links": ordered.number_of_edges(),
                    "density": round(nx.density(ordered), 4) if len(ordered) > 1 else 0.0},
        "betweenness": method,
        "organizations": organizations,
        "communities": [{"number": i + 1, "members": c} for i, c in enumerate(communities)],
        "present_at_every_meeting": sorted(o["id"] for o in organizations if len(o["meetings"]) == len(recorded))
        if recorded else [],
        "topics": topics,
    }


def _betweenness(graph: nx.Graph) -> tuple[dict[str, float], dict]:
    """Betweenness centrality (normalized), exact or sampled (see the module docstring), and how."""
    if graph.number_of_nodes() <= EXACT_BETWEENNESS_LIMIT:
        return nx.betweenness_centrality(graph, normalized=True), {"method": "exact"}
    pivots = min(BETWEENNESS_PIVOTS, graph.number_of_nodes())
    values = nx.betweenness_centrality(graph, k=pivots, normalized=True, seed=BETWEENNESS_SEED)
    return values, {"method": "sampled", "pivots": pivots, "seed": BETWEENNESS_SEED}


def betweenness_note(stats: dict) -> str:
    method = stats.get("betweenness", {"method": "exact"})
    if method["method"] == "exact":
        return "Betweenness centrality is exact."
    return (f"Betweenness centrality is estimated from {method['pivots']} of the {stats['network']['organizations']} "
            f"organizations, drawn with seed {method['seed']}.")


def write_stats(stats: dict, path: Path) -> Path:
    path.write_text(json.dumps(stats, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def table(stats: dict, top_topics: int = 10) -> str:
    """The statistics as plain-text tables."""
    lines = [f"Co-participation network of the {stats['series_label']}",
             f"held meetings: {', '.join(stats['held_meetings']) or 'none'}; "
             f"with an attendance list: {', '.join(stats['meetings_with_attendance']) or 'none'}",
             f"{stats['network']['organizations']} organizations, {stats['network']['links']} links, "
             f"density {stats['network']['density']}", betweenness_note(stats), ""]
    header = f"{'organization':<44} {'country':<14} {'mtgs':>4} {'deg.c':>6} {'betw.':>6} {'comm':>4}"
    lines += [header, "-" * len(header)]
    for org in stats["organizations"]:
        name = org["abbreviation"] or org["label"]
        name = name if len(name) <= 44 else name[:43] + "…"
        lines.append(f"{name:<44} {org['country'][:14]:<14} {len(org['meetings']):>4} "
                     f"{org['degree_centrality']:>6.3f} {org['betweenness_centrality']:>6.3f} {org['community']:>4}")
    lines.append("")
    lines.append("present at every held meeting with an attendance list: "
                 + (", ".join(stats["present_at_every_meeting"]) or "none"))
    lines.append("")
    lines.append("communities (Louvain, seed %d):" % COMMUNITY_SEED)
    for community in stats["communities"]:
        lines.append(f"  {community['number']}: {', '.join(community['members'])}")
    lines.append("")
    lines.append(f"topics and programs raised at the most held meetings (top {top_topics}):")
    for topic in stats["topics"][:top_topics]:
        lines.append(f"  {len(topic['meetings'])}  {topic['label']}  ({', '.join(topic['meetings'])})")
    return "\n".join(lines)
