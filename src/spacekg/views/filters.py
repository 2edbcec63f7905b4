"""Narrowing the network: by meeting, year, class, country, or the neighbourhood of one node."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import networkx as nx

from ..errors import SpacekgError
from .network import BY_NAME


class FilterError(SpacekgError):
    """A filter names something the graph does not have."""

    exit_code = 1


def resolve(network: nx.MultiDiGraph, name: str) -> str:
    """The node meant by an id, a label, an alternative label or an abbreviation (case-insensitive)."""
    wanted = name.strip().casefold()
    if name in network:
        return name
    if wanted.startswith("kg:") and wanted[3:] in network:
        return wanted[3:]
    matches = sorted(node for node, data in network.nodes(data=True) if wanted in _names(node, data))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise FilterError(f"{name!r} names several nodes: {', '.join(matches)}", hint="give the id instead")
    everything = sorted({n for node, data in network.nodes(data=True) for n in _names(node, data)})
    close = difflib.get_close_matches(wanted, everything, n=5, cutoff=0.6)
    hint = f"did you mean: {', '.join(close)}?" if close else "give an id (as in output/spacekg.ttl), a label or an abbreviation"
    raise FilterError(f"no node is called {name!r}", hint=hint)


def _names(node: str, data: dict) -> set[str]:
    names = {node, data.get("label", ""), data.get("abbreviation", ""), data.get("ja", "")} | set(data.get("alt", []))
    return {n.casefold() for n in names if n}


def neighbourhood(network: nx.MultiDiGraph, centres: Iterable[str], depth: int) -> nx.MultiDiGraph:
    """The nodes within ``depth`` links of any centre (either direction), with the links among them."""
    if depth < 0:
        raise FilterError(f"depth must be 0 or more, not {depth}")
    undirected = network.to_undirected(as_view=True)
    keep: set[str] = set()
    for centre in centres:
        keep |= set(nx.single_source_shortest_path_length(undirected, centre, cutoff=depth))
    return network.subgraph(keep).copy()


def by_focus(network: nx.MultiDiGraph, name: str, depth: int) -> nx.MultiDiGraph:
    return neighbourhood(network, [resolve(network, name)], depth)


def by_meetings(network: nx.MultiDiGraph, names: Iterable[str]) -> nx.MultiDiGraph:
    """The given meetings (ids, labels or abbreviations) and everything directly linked to them."""
    return neighbourhood(network, [resolve(network, n) for n in names], 1)


def by_years(network: nx.MultiDiGraph, years: Iterable[str]) -> nx.MultiDiGraph:
    """Events held and documents issued in the given years, and everything directly linked to them."""
    years = {str(y) for y in years}
    centres = [node for node, data in network.nodes(data=True)
               if data.get("category") in {"meeting", "event", "document"} and data.get("date", "")[:4] in years]
    if not centres:
        raise FilterError(f"no meeting, event or document is dated {', '.join(sorted(years))}")
    return neighbourhood(network, centres, 1)


def by_classes(network: nx.MultiDiGraph, names: Iterable[str]) -> nx.MultiDiGraph:
    """Only nodes of the given categories (meeting, organization, topic …) or ontology classes."""
    wanted = {n.strip().casefold() for n in names}
    known = set(BY_NAME) | {k.casefold() for _, d in network.nodes(data=True) for k in d.get("klass", "").split(", ")}
    unknown = sorted(wanted - known)
    if unknown:
        raise FilterError(f"unknown class {', '.join(unknown)}",
                          hint=f"use a category ({', '.join(BY_NAME)}) or an ontology class name such as Agency")
    keep = [node for node, data in network.nodes(data=True)
            if data.get("category") in wanted or wanted & {k.casefold() for k in data.get("klass", "").split(", ")}]
    return network.subgraph(keep).copy()


def by_countries(network: nx.MultiDiGraph, names: Iterable[str]) -> nx.MultiDiGraph:
    """Drop organizations and people of other countries; nodes without a country stay."""
    countries = {resolve(network, n) for n in names}
    members: dict[str, set[str]] = {}  # people count as the country of the organizations they belong to
    for node, data in network.nodes(data=True):
        if data.get("country"):
            members[node] = {data["country"]}
        elif data.get("category") == "person":
            members[node] = {network.nodes[o].get("country") for o in network.successors(node)} - {None}
    keep = [node for node in network.nodes if not members.get(node) or members[node] & countries]
    return network.subgraph(keep).copy()


def drop_isolated(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    network = network.copy()
    network.remove_nodes_from([n for n in list(network.nodes) if network.degree(n) == 0])
    return network
