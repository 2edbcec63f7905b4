"""The built RDF as a networkx graph: entities and documents as nodes, direct facts as edges.

Every node carries what the views show: its label (English and Japanese), class, category
(which sets colour and shape), country and dates. Every edge carries its property's label from
the ontology and the quotes behind it, found through the statement nodes (rdf:subject,
rdf:predicate, rdf:object → oa:hasTarget → oa:hasSelector/oa:exact, prov:wasDerivedFrom →
dcterms:title). Provenance nodes (statements and quotes) are added only on request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from ..ingest import INFERRED_GRAPH
from ..namespaces import DOC, KG, OA, QUOTE, SKG, STMT, make_graph

# Properties that are shown as node details, not as edges.
NOT_EDGES = frozenset({RDF.type, SKOS.inScheme, SKG.eventStatus})


@dataclass(frozen=True)
class Category:
    """How one kind of node is drawn."""

    name: str
    title: str
    shape: str
    color: str
    roots: tuple[URIRef, ...]


# In order of precedence: a node takes the first category one of whose roots is among its classes.
CATEGORIES = (
    Category("meeting", "Dialogue meeting", "star", "#f08c1a", (SKG.DialogueMeeting,)),
    Category("event", "Other event or series", "triangle", "#d9b310", (SKG.Event, SKG.DialogueSeries)),
    Category("organization", "Organization", "dot", "#6b7280", (SKG.Organization,)),
    Category("person", "Person or post", "diamond", "#8e44ad", (SKG.Person, SKG.Post)),
    Category("program", "Program or system", "square", "#1b9e77", (SKG.Program, SKG.System)),
    Category("topic", "Topic", "hexagon", "#7cb342", (SKG.Topic,)),
    Category("agreement", "Agreement or policy", "triangleDown", "#a0522d", (SKG.PolicyInstrument,)),
    Category("document", "Source document", "square", "#374151", (SKG.SourceDocument,)),
    Category("place", "Place", "dot", "#b0b7c3", (SKG.Place,)),
    Category("statement", "Statement (provenance)", "dot", "#c7c7c7", (SKG.Statement,)),
    Category("quote", "Quote (provenance)", "diamond", "#e0c9a6", (OA.SpecificResource,)),
    Category("other", "Other", "dot", "#999999", ()),
)
BY_NAME = {category.name: category for category in CATEGORIES}

# Organizations are coloured by country; countries take these colours in order of their id.
COUNTRY_COLORS = ("#d62828", "#1f5fbf", "#2a9d8f", "#e76f51", "#6d597a", "#588157")

PROVENANCE_CATEGORIES = frozenset({"statement", "quote"})


def union_of(dataset: Dataset | Graph) -> Graph:
    """The asserted triples of a dataset in one plain graph (the reasoner's graph:inferred is left
    out: the views show what the sources and the registry say)."""
    graph = make_graph()
    if isinstance(dataset, Dataset):
        for s, p, o, context in dataset.quads((None, None, None, None)):
            name = getattr(context, "identifier", context)
            if name != INFERRED_GRAPH:
                graph.add((s, p, o))
    else:
        for triple in dataset:
            graph.add(triple)
    return graph


def short_id(node: URIRef) -> str:
    """A node's id in the views: the entity's own id for kg:, a prefixed name otherwise."""
    text = str(node)
    for prefix, namespace in (("", KG), ("doc:", DOC), ("stmt:", STMT), ("quote:", QUOTE)):
        if text.startswith(str(namespace)):
            return prefix + text[len(str(namespace)):]
    return text


def _text(graph: Graph, node, prop, lang: str | None = "en") -> str | None:
    values = sorted(str(o) for o in graph.objects(node, prop)
                    if isinstance(o, Literal) and (lang is None or o.language == lang))
    return values[0] if values else None


def _local_name(iri: URIRef) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def property_label(graph: Graph, prop: URIRef) -> str:
    """The ontology's rdfs:label of a property, or its local name split into words."""
    label = _text(graph, prop, RDFS.label)
    if label:
        return label
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local_name(prop)).lower()


class _Classes:
    """Class ancestry from the ontology, to put each node in its category."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._cache: dict[URIRef, frozenset] = {}

    def ancestors(self, klass: URIRef) -> frozenset:
        if klass not in self._cache:
            self._cache[klass] = frozenset(self.graph.transitive_objects(klass, RDFS.subClassOf))
        return self._cache[klass]

    def category(self, classes: list[URIRef]) -> Category:
        found = set().union(*(self.ancestors(c) for c in classes)) if classes else set()
        for category in CATEGORIES:
            if any(root in found for root in category.roots):
                return category
        return BY_NAME["other"]


def build_network(dataset: Dataset | Graph, provenance: bool = False) -> nx.MultiDiGraph:
    """The knowledge graph as a directed multigraph; nodes and edges are added in sorted order."""
    graph = union_of(dataset)
    classes = _Classes(graph)
    network = nx.MultiDiGraph()
    entities = sorted({s for s in graph.subjects(RDF.type, None)
                       if isinstance(s, URIRef) and (str(s).startswith(str(KG)) or str(s).startswith(str(DOC)))})
    countries = sorted({c for c in graph.objects(None, SKG.country) if isinstance(c, URIRef)})
    country_color = {c: COUNTRY_COLORS[i % len(COUNTRY_COLORS)] for i, c in enumerate(countries)}
    for node in entities:
        network.add_node(short_id(node), **_node_data(graph, classes, node, country_color))
    members = frozenset(entities)
    for node in entities:
        for prop, value in sorted(graph.predicate_objects(node)):
            if prop in NOT_EDGES or value not in members:
                continue
            network.add_edge(short_id(node), short_id(value), key=graph.namespace_manager.normalizeUri(prop),
                             property=str(prop), label=property_label(graph, prop),
                             quotes=_quotes(graph, node, prop, value))
    for node, data in network.nodes(data=True):
        series = data.get("series")
        if data.get("ordinal") and series in network:
            data["short"] = f"{_initials(network.nodes[series]['label'])} {data['ordinal']}" + \
                (f" · {data['date'][:4]}" if data.get("date") else "")
    if provenance:
        _add_provenance(graph, classes, network)
    return network


def _initials(label: str) -> str:
    """'U.S.-Japan Comprehensive Dialogue on Space' → 'CDS' (capitalized words after the country pair)."""
    words = [w for w in re.sub(r"^U\.S\.-Japan\s+|^Japan-U\.S\.\s+", "", label).split() if w[:1].isupper()]
    return "".join(w if w.isupper() and len(w) > 1 else w[0] for w in words) or label


def _node_data(graph: Graph, classes: _Classes, node: URIRef, country_color: dict) -> dict:
    types = sorted(t for t in graph.objects(node, RDF.type) if isinstance(t, URIRef))
    category = classes.category(types)
    label = _text(graph, node, RDFS.label) or _text(graph, node, DCTERMS.title) or short_id(node)
    data = {
        "iri": str(node),
        "label": label,
        "ja": _text(graph, node, RDFS.label, "ja") or "",
        "klass": ", ".join(_local_name(t) for t in types),
        "category": category.name,
        "abbreviation": _text(graph, node, SKG.abbreviation) or "",
        "alt": sorted(str(o) for o in graph.objects(node, SKOS.altLabel)),
        "color": category.color,
    }
    country = next(iter(sorted(graph.objects(node, SKG.country))), None)
    if country is not None:
        data["country"] = short_id(country)
        data["country_label"] = _text(graph, country, RDFS.label) or short_id(country)
        if category.name == "organization":
            data["color"] = country_color.get(country, category.color)
    date = graph.value(node, SKG.startDate) or graph.value(node, DCTERMS.issued)
    if date is not None:
        data["date"] = str(date)
    status = graph.value(node, SKG.eventStatus)
    if status is not None:
        data["status"] = _local_name(status)
    series = graph.value(node, SKG.inSeries)
    if series is not None:
        data["series"] = short_id(series)
    ordinal = graph.value(node, SKG.ordinal)
    if ordinal is not None:
        data["ordinal"] = int(ordinal)
    definition = _text(graph, node, SKOS.definition)
    if definition:
        data["definition"] = definition
    return data


def _quotes(graph: Graph, subject, prop, value) -> list[dict]:
    """The quotes behind one fact, each with its document, in a fixed order."""
    quotes = []
    for statement in graph.subjects(RDF.subject, subject):
        if graph.value(statement, RDF.predicate) != prop or graph.value(statement, RDF.object) != value:
            continue
        quotes.append(_statement_quote(graph, statement))
    unique = {(q["exact"], q["document"]): q for q in quotes}
    return [unique[key] for key in sorted(unique)]


def _statement_quote(graph: Graph, statement) -> dict:
    anchor = graph.value(statement, OA.hasTarget)
    exact = ""
    for selector in sorted(graph.objects(anchor, OA.hasSelector)) if anchor is not None else ():
        value = graph.value(selector, OA.exact)
        if value is not None:
            exact = str(value)
    document = graph.value(statement, PROV.wasDerivedFrom)
    title = (_text(graph, document, DCTERMS.title) or short_id(document)) if document is not None else ""
    rank = graph.value(statement, SKG.rank)
    return {"exact": exact, "document": short_id(document) if document is not None else "",
            "title": title, "rank": _local_name(rank) if rank is not None else ""}


def _add_provenance(graph: Graph, classes: _Classes, network: nx.MultiDiGraph) -> None:
    """Statement and quote nodes, linked to the fact's subject and object, the quote and the document."""
    statements = sorted(s for s in graph.subjects(RDF.type, SKG.Statement) if isinstance(s, URIRef))
    for statement in statements:
        sid = short_id(statement)
        subject, prop, value = (graph.value(statement, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        quote = _statement_quote(graph, statement)
        network.add_node(sid, iri=str(statement), category="statement", color=BY_NAME["statement"].color,
                         klass="Statement", ja="", abbreviation="", alt=[],
                         label=f"{property_label(graph, prop)} ({quote['rank'].removesuffix('Rank').lower()})",
                         quotes=[quote])
        for target, role in ((subject, "subject"), (value, "object"), (graph.value(statement, PROV.wasDerivedFrom), "derived from")):
            if target is not None and short_id(target) in network:
                network.add_edge(sid, short_id(target), key=role, label=role, property="", quotes=[])
        anchor = graph.value(statement, OA.hasTarget)
        if anchor is None:
            continue
        qid = short_id(anchor)
        if qid not in network:
            network.add_node(qid, iri=str(anchor), category="quote", color=BY_NAME["quote"].color,
                             klass="TextQuoteSelector", ja="", abbreviation="", alt=[],
                             label=_shorten(quote["exact"], 60), quotes=[quote])
        network.add_edge(sid, qid, key="quote", label="quote", property="", quotes=[])


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def display_label(data: dict, limit: int = 28) -> str:
    """The short text drawn next to a node: the abbreviation if any, else the label, shortened."""
    return _shorten(data.get("short") or data.get("abbreviation") or data.get("label", ""), limit)


def node_tooltip(node_id: str, data: dict) -> str:
    """Plain text shown on hover over a node (never HTML)."""
    lines = [data.get("label", node_id)]
    if data.get("abbreviation"):
        lines[0] += f" ({data['abbreviation']})"
    if data.get("ja"):
        lines.append(data["ja"])
    lines.append(f"class: {data.get('klass', '')}")
    for key, title in (("country_label", "country"), ("date", "date"), ("status", "status")):
        if data.get(key):
            lines.append(f"{title}: {data[key]}")
    if data.get("definition"):
        lines.append(_shorten(data["definition"], 300))
    for quote in data.get("quotes", [])[:1]:
        lines.append(f"“{_shorten(quote['exact'], 400)}”\n— {quote['title']}")
    lines.append(f"id: {node_id}")
    return "\n".join(lines)


def edge_tooltip(network: nx.MultiDiGraph, source: str, target: str, data: dict, limit: int = 3) -> str:
    """Plain text shown on hover over an edge: the fact, then its supporting quotes and documents."""
    lines = [f"{network.nodes[source].get('label', source)} — {data['label']} → "
             f"{network.nodes[target].get('label', target)}"]
    quotes = data.get("quotes", [])
    for quote in quotes[:limit]:
        rank = f" [{quote['rank']}]" if quote.get("rank") and quote["rank"] != "NormalRank" else ""
        lines.append(f"“{_shorten(quote['exact'], 400)}”\n— {quote['title']}{rank}")
    if len(quotes) > limit:
        lines.append(f"(and {len(quotes) - limit} more quotes)")
    if not quotes and data.get("property"):
        lines.append("(from the entity registry)")
    return "\n".join(lines)
