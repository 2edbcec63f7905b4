"""Narrowing the network: by meeting, year, class, country, or the neighbourhood of one node.

The filters work on a networkx network. So that a filtered view of a large graph does not read the
whole graph first, :func:`universe` finds, in SPARQL, the nodes that the first of the meeting, year
and focus filters can keep (the neighbourhood of its centres in the whole graph); the network made
of those nodes then gives the same view as the whole network would.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import networkx as nx
import pyoxigraph as ox

from ..errors import SpacekgError
from ..namespaces import DOC, KG
from .network import BY_NAME, build_network, short_id
from .overview import neighbours
from .source import Source, is_member


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
        raise FilterError(f"{name!r} names several nodes: {_listed(matches)}", hint="give the id instead")
    everything = sorted({n for node, data in network.nodes(data=True) for n in _names(node, data)})
    close = difflib.get_close_matches(wanted, everything, n=5, cutoff=0.6)
    hint = f"did you mean: {', '.join(close)}?" if close else "give an id (as in output/spacekg.ttl), a label or an abbreviation"
    raise FilterError(f"no node is called {name!r}", hint=hint)


NAMES = "rdfs:label, dcterms:title, skg:abbreviation, skos:altLabel"  # what a node may be called


def resolve_iri(source: Source, name: str) -> str:
    """Like :func:`resolve`, asked of the whole graph: the IRI of the node meant by ``name``."""
    text = name.strip()
    for iri in _id_iris(text):
        if source.select(f"SELECT ?class WHERE {{ {ox.NamedNode(iri)} a ?class }} LIMIT 1"):
            return iri
    literals = " ".join(f"{_literal(text)}{tag}" for tag in ("", "@en", "@ja"))
    matches = _members(source.select(f"SELECT DISTINCT ?node WHERE {{ VALUES ?name {{ {literals} }} "
                                     f"?node ?p ?name FILTER(?p IN ({NAMES})) }}"))
    if not matches:  # no exact match: compare names and ids ignoring case
        ids = ", ".join(_literal(iri.lower()) for iri in _id_iris(text)) or _literal("")
        matches = _members(source.select(
            f"SELECT DISTINCT ?node WHERE {{ VALUES ?p {{ {NAMES.replace(',', '')} }} ?node ?p ?name "
            f"FILTER(LCASE(STR(?name)) = {_literal(text.lower())} || LCASE(STR(?node)) IN ({ids})) }}"))
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise FilterError(f"{name!r} names several nodes: {_listed([short_id(m) for m in matches])}",
                          hint="give the id instead")
    names = _all_names(source)
    everything = sorted({value.casefold() for _, value in names} | {short_id(n).casefold() for n, _ in names})
    close = difflib.get_close_matches(text.casefold(), everything, n=5, cutoff=0.6)
    hint = f"did you mean: {', '.join(close)}?" if close else "give an id (as in output/spacekg.ttl), a label or an abbreviation"
    raise FilterError(f"no node is called {name!r}", hint=hint)


def _listed(items: list[str], limit: int = 12) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _id_iris(text: str) -> list[str]:
    """The IRIs a node id could stand for (``jaxa``, ``kg:jaxa``, ``doc:…``), if they are IRIs."""
    if text.startswith("doc:"):
        iri = str(DOC) + text[4:]
    else:
        iri = str(KG) + (text[3:] if text.casefold().startswith("kg:") else text)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return []
    return [iri]


def _literal(text: str) -> str:
    return str(ox.Literal(text))


def _members(rows) -> list[str]:
    return sorted({row[0].value for row in rows if is_member(row[0].value)})


def _all_names(source: Source) -> list[tuple[str, str]]:
    rows = source.select(f"SELECT DISTINCT ?node ?name WHERE {{ VALUES ?p {{ {NAMES.replace(',', '')} }} ?node ?p ?name "
                         "FILTER(isLiteral(?name)) }")
    return [(node.value, value.value) for node, value in rows if is_member(node.value)]


def ball(source: Source, centres: Iterable[str], depth: int) -> list[str]:
    """The nodes within ``depth`` links of any centre (either direction) in the whole graph."""
    if depth < 0:
        raise FilterError(f"depth must be 0 or more, not {depth}")
    found = set(centres)
    ring = sorted(found)
    for _ in range(depth):
        ring = sorted(set(neighbours(source, ring)) - found)
        if not ring:
            break
        found.update(ring)
    return sorted(found)


def dated(source: Source, years: Iterable[str]) -> list[str]:
    """The meetings, events and documents dated in the given years."""
    years = sorted({str(y) for y in years})
    rows = source.select(f"SELECT DISTINCT ?node WHERE {{ VALUES ?p {{ skg:startDate dcterms:issued }} ?node ?p ?date "
                         f"FILTER(SUBSTR(STR(?date), 1, 4) IN ({', '.join(_literal(y) for y in years)})) }}")
    candidates = build_network(source, nodes=_members(rows))
    centres = [data["iri"] for _, data in candidates.nodes(data=True)
               if data.get("category") in {"meeting", "event", "document"} and data.get("date", "")[:4] in years]
    if not centres:
        raise FilterError(f"no meeting, event or document is dated {', '.join(years)}")
    return centres


def universe(source: Source, meetings: list[str], years: list[str], focus: str | None, depth: int) -> list[str] | None:
    """The nodes that the filters can keep (see the module docstring); None: every node."""
    if meetings:
        return ball(source, [resolve_iri(source, m) for m in meetings], 1)
    if years:
        return ball(source, dated(source, years), 1)
    if focus is not None:
        return ball(source, [resolve_iri(source, focus)], depth)
    return None


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
