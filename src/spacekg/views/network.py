"""The built RDF as a networkx graph: entities and documents as nodes, direct facts as edges.

Every node carries what the views show: its label (English and Japanese), class, category
(which sets colour and shape), country and dates. Every edge carries its property's label from
the ontology and the quotes behind it, found through the statement nodes (rdf:subject,
rdf:predicate, rdf:object → oa:hasTarget → oa:hasSelector/oa:exact, prov:wasDerivedFrom →
dcterms:title). Provenance nodes (statements and quotes) are added only on request.

Everything is read with a few SPARQL queries about the chosen nodes (all of them by default), so
a view of a few hundred nodes costs the same in a graph of a thousand or a million triples.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..namespaces import DOC, KG, OA, PREFIXES, QUOTE, SKG, STMT
from .source import Source, is_member, open_source

# Properties that are shown as node details, not as edges.
NOT_EDGES = frozenset({str(RDF.type), str(SKOS.inScheme), str(SKG.eventStatus)})


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


def short_id(node) -> str:
    """A node's id in the views: the entity's own id for kg:, a prefixed name otherwise."""
    text = str(node)
    for prefix, namespace in (("", KG), ("doc:", DOC), ("stmt:", STMT), ("quote:", QUOTE)):
        if text.startswith(str(namespace)):
            return prefix + text[len(str(namespace)):]
    return text


def prefixed(iri: str) -> str:
    """A property as a prefixed name (skg:coChairedBy), the key of its edges."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)):]}"
    return f"<{iri}>"


def _local_name(iri: str) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _text(values: Iterable, lang: str = "en") -> str | None:
    """The first (in sorted order) literal in the given language."""
    found = sorted(v.value for v in values if isinstance(v, ox.Literal) and v.language == lang)
    return found[0] if found else None


def _iris(values: Iterable) -> list[str]:
    return sorted({v.value for v in values if isinstance(v, ox.NamedNode)})


def _one(values: Iterable) -> str | None:
    """The value of a single-valued property (the first in sorted order, should there be more)."""
    found = sorted(v.value for v in values)
    return found[0] if found else None


def property_label(labels: dict[str, str], prop: str) -> str:
    """The ontology's rdfs:label of a property, or its local name split into words."""
    if labels.get(prop):
        return labels[prop]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", _local_name(prop)).lower()


def all_nodes(source: Source) -> list[str]:
    """Every entity and source document (typed IRIs in kg: or doc:)."""
    rows = source.select(f"""SELECT DISTINCT ?node WHERE {{ ?node a ?class
        FILTER(isIRI(?node) && (STRSTARTS(STR(?node), "{KG}") || STRSTARTS(STR(?node), "{DOC}"))) }}""")
    return sorted(row[0].value for row in rows)


def describe(source: Source, nodes: Iterable[str]) -> dict[str, dict[str, list]]:
    """Every triple about the given nodes: node → property → values (pyoxigraph terms)."""
    facts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for node, prop, value in source.about("SELECT DISTINCT ?node ?p ?o WHERE { {values} ?node ?p ?o }", nodes):
        facts[node.value][prop.value].append(value)
    return facts


def english_values(source: Source, nodes: Iterable[str], prop: URIRef = RDFS.label) -> dict[str, str]:
    """node → its English value of ``prop`` (the first in sorted order), for the nodes that have one."""
    found: dict[str, list] = defaultdict(list)
    query = f"SELECT ?node ?value WHERE {{ {{values}} ?node <{prop}> ?value }}"
    for node, value in source.about(query, nodes):
        found[node.value].append(value)
    return {node: text for node, values in found.items() if (text := _text(values))}


def super_properties(source: Source, properties: Iterable[str]) -> dict[str, list[str]]:
    """property → itself and every property it is a sub-property of (rdfs:subPropertyOf*), sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for prop in properties:
        found[prop].add(prop)
    for prop, parent in source.about("SELECT ?node ?parent WHERE { {values} ?node rdfs:subPropertyOf+ ?parent }",
                                     properties):
        found[prop.value].add(parent.value)
    return {prop: sorted(parents) for prop, parents in sorted(found.items())}


class _Classes:
    """Class ancestry from the ontology, to put each node in its category."""

    def __init__(self, source: Source):
        self.parents: dict[str, set[str]] = defaultdict(set)
        for klass, parent in source.select("SELECT DISTINCT ?class ?parent WHERE { ?class rdfs:subClassOf ?parent }"):
            self.parents[klass.value].add(parent.value)
        self._cache: dict[str, frozenset] = {}

    def ancestors(self, klass: str) -> frozenset:
        if klass not in self._cache:
            found, todo = {klass}, [klass]
            while todo:
                for parent in self.parents.get(todo.pop(), ()):
                    if parent not in found:
                        found.add(parent)
                        todo.append(parent)
            self._cache[klass] = frozenset(found)
        return self._cache[klass]

    def category(self, classes: list[str]) -> Category:
        found = set().union(*(self.ancestors(c) for c in classes)) if classes else set()
        for category in CATEGORIES:
            if any(str(root) in found for root in category.roots):
                return category
        return BY_NAME["other"]


def country_colors(source: Source) -> dict[str, str]:
    """Every country a node is in → its colour (countries take the colours in order of their IRI)."""
    rows = source.select("SELECT DISTINCT ?country WHERE { ?node skg:country ?country FILTER(isIRI(?country)) }")
    countries = sorted(row[0].value for row in rows)
    return {c: COUNTRY_COLORS[i % len(COUNTRY_COLORS)] for i, c in enumerate(countries)}


def build_network(data, provenance: bool = False, nodes: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The knowledge graph (or the part of it made of ``nodes``, IRIs) as a directed multigraph;
    ``data`` is a :class:`Source` or an rdflib dataset or graph. Nodes and edges are added in
    sorted order."""
    source = open_source(data)
    facts = describe(source, all_nodes(source) if nodes is None else nodes)
    members = sorted(n for n, about in facts.items() if is_member(n) and str(RDF.type) in about)
    member_set = frozenset(members)
    refers = {v for n in members for p in (str(SKG.country), str(SKG.inSeries)) for v in _iris(facts[n].get(p, ()))}
    context = _Context(source.memo("classes", _Classes), source.memo("country colours", country_colors),
                       english_values(source, refers))
    network = nx.MultiDiGraph()
    for node in members:
        network.add_node(short_id(node), **_node_data(context, node, facts[node]))
    statements = _statements(source, members, objects=provenance)
    used = {p for n in members for p in facts[n] if p not in NOT_EDGES} | {s["property"] for s in statements.values()}
    labels = english_values(source, used)
    network.graph["super_properties"] = super_properties(source, used)
    quotes = _edge_quotes(statements)
    for node in members:
        for prop in sorted(facts[node]):
            if prop in NOT_EDGES:
                continue
            for value in _iris(facts[node][prop]):
                if value in member_set:
                    network.add_edge(short_id(node), short_id(value), key=prefixed(prop), property=prop,
                                     label=property_label(labels, prop), quotes=quotes.get((node, prop, value), []))
    if provenance:
        _add_provenance(network, statements, labels)
    return network


@dataclass(frozen=True)
class _Context:
    classes: _Classes
    country_color: dict[str, str]
    labels: dict[str, str]  # English labels of the countries and series the nodes refer to


def _initials(label: str) -> str:
    """'U.S.-Japan Comprehensive Dialogue on Space' → 'CDS' (capitalized words after the country pair)."""
    words = [w for w in re.sub(r"^U\.S\.-Japan\s+|^Japan-U\.S\.\s+", "", label).split() if w[:1].isupper()]
    return "".join(w if w.isupper() and len(w) > 1 else w[0] for w in words) or label


def _node_data(context: _Context, node: str, about: dict[str, list]) -> dict:
    types = _iris(about.get(str(RDF.type), ()))
    category = context.classes.category(types)
    titles = about.get(str(DCTERMS.title), ())  # a record's title as published, in its own language
    label = _text(about.get(str(RDFS.label), ())) or _text(titles) or _one(titles) or short_id(node)
    data = {
        "iri": node,
        "label": label,
        "ja": _text(about.get(str(RDFS.label), ()), "ja") or "",
        "klass": ", ".join(_local_name(t) for t in types),
        "category": category.name,
        "abbreviation": _text(about.get(str(SKG.abbreviation), ())) or "",
        "alt": sorted(v.value for v in about.get(str(SKOS.altLabel), ())),
        "color": category.color,
    }
    countries = _iris(about.get(str(SKG.country), ()))
    if countries:
        country = countries[0]
        data["country"] = short_id(country)
        data["country_label"] = context.labels.get(country) or short_id(country)
        if category.name == "organization":
            data["color"] = context.country_color.get(country, category.color)
    date = _one(about.get(str(SKG.startDate), ())) or _one(about.get(str(DCTERMS.issued), ()))
    if date is not None:
        data["date"] = date
    status = _one(about.get(str(SKG.eventStatus), ()))
    if status is not None:
        data["status"] = _local_name(status)
    series = _one(about.get(str(SKG.inSeries), ()))
    if series is not None:
        data["series"] = short_id(series)
    ordinal = _one(about.get(str(SKG.ordinal), ()))
    if ordinal is not None:
        data["ordinal"] = int(ordinal)
    definition = _text(about.get(str(SKOS.definition), ()))
    if definition:
        data["definition"] = definition
    if data.get("ordinal") and series in context.labels:
        data["short"] = f"{_initials(context.labels[series])} {data['ordinal']}" + \
            (f" · {data['date'][:4]}" if data.get("date") else "")
    return data


# Statements by their subject or (VALUES ?object) their object, with their evidence: the quote of
# a quoted statement, the paraphrase of one cited from a public record.
STATEMENTS = """SELECT DISTINCT ?statement ?subject ?property ?object ?anchor ?selector ?exact ?document ?rank
                                ?kind ?paraphrase WHERE {
  {values}
  ?statement rdf:subject ?subject ; rdf:predicate ?property ; rdf:object ?object .
  OPTIONAL { ?statement oa:hasTarget ?anchor OPTIONAL { ?anchor oa:hasSelector ?selector . ?selector oa:exact ?exact } }
  OPTIONAL { ?statement prov:wasDerivedFrom ?document }
  OPTIONAL { ?statement skg:rank ?rank }
  OPTIONAL { ?statement skg:evidenceKind ?kind }
  OPTIONAL { ?statement skg:paraphrase ?paraphrase }
}"""

# What a source document is: title (in its own language), publisher, date of issue, address.
RECORDS = """SELECT ?node ?title ?publisher ?issued ?url WHERE {
  {values}
  OPTIONAL { ?node dcterms:title ?title }
  OPTIONAL { ?node dcterms:publisher ?by OPTIONAL { ?by rdfs:label ?byLabel FILTER(LANG(?byLabel) = "en") } }
  BIND(COALESCE(?byLabel, ?by) AS ?publisher)
  OPTIONAL { ?node dcterms:issued ?issued }
  OPTIONAL { ?node schema:url ?url }
}"""


def records(source: Source, documents: Iterable[str]) -> dict[str, dict[str, str]]:
    """document IRI → its title (English if it has one), publisher, issued and url ('' if none)."""
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for node, *values in source.about(RECORDS, documents):
        for name, term in zip(("title", "publisher", "issued", "url"), values):
            if term is not None:
                found[node.value][name].append(term)
    for values in found.values():  # a publisher without an English label: its id
        values["publisher"] = [ox.Literal(short_id(v.value)) if isinstance(v, ox.NamedNode) else v
                               for v in values["publisher"]]
    return {node: {"title": _text(values["title"]) or _one(values["title"]) or "",
                   "publisher": _one(values["publisher"]) or "", "issued": _one(values["issued"]) or "",
                   "url": _one(values["url"]) or ""} for node, values in found.items()}


def _statements(source: Source, nodes: list[str], objects: bool = False) -> dict[str, dict]:
    """The statements whose subject is one of ``nodes`` (or, with ``objects``, whose subject or
    object is): statement IRI → its fact and its quote."""
    found: dict[str, dict] = {}
    selectors: dict[str, str] = {}
    rows = list(source.about(STATEMENTS, nodes, "subject"))
    if objects:
        rows += source.about(STATEMENTS, nodes, "object")
    for statement, node, prop, value, anchor, selector, exact, document, rank, kind, paraphrase in rows:
        key = statement.value
        record = found.setdefault(key, {"node": node.value, "property": prop.value, "value": value.value,
                                        "object_is_iri": isinstance(value, ox.NamedNode), "anchor": None,
                                        "exact": "", "document": None, "rank": None, "kind": None,
                                        "paraphrase": None})
        for name, term in (("anchor", anchor), ("document", document), ("rank", rank), ("kind", kind),
                           ("paraphrase", paraphrase)):
            if term is not None and (record[name] is None or term.value < record[name]):
                record[name] = term.value
        if exact is not None and selector is not None and selector.value >= selectors.get(key, ""):
            selectors[key] = selector.value  # as before: the quote of the last selector that has one
            record["exact"] = exact.value
    about = records(source, {r["document"] for r in found.values() if r["document"]})
    for record in found.values():
        document = record["document"]
        known = about.get(document, {}) if document else {}
        cited = record["kind"] == str(SKG.CitedEvidence) or (not record["exact"] and record["paraphrase"])
        record["quote"] = {
            "kind": "cited" if cited else "quoted" if record["exact"] else "",
            "exact": record["exact"], "paraphrase": record["paraphrase"] or "",
            "document": short_id(document) if document else "",
            "title": (known.get("title") or short_id(document)) if document else "",
            "publisher": known.get("publisher", ""), "issued": known.get("issued", ""), "url": known.get("url", ""),
            "rank": _local_name(record["rank"]) if record["rank"] else ""}
    return found


def _edge_quotes(statements: dict[str, dict]) -> dict[tuple[str, str, str], list[dict]]:
    """(subject, property, object) → the quotes behind that fact, each with its document, sorted."""
    grouped: dict[tuple, dict] = defaultdict(dict)
    for statement in sorted(statements):
        record = statements[statement]
        quote = record["quote"]
        words = quote["exact"] or quote["paraphrase"]
        grouped[(record["node"], record["property"], record["value"])][(quote["kind"], words, quote["document"])] = quote
    return {fact: [unique[key] for key in sorted(unique)] for fact, unique in grouped.items()}


def _add_provenance(network: nx.MultiDiGraph, statements: dict[str, dict], labels: dict[str, str]) -> None:
    """Statement and quote nodes, linked to the fact's subject and object, the quote and the document."""
    for statement in sorted(statements):
        record = statements[statement]
        sid = short_id(statement)
        quote = record["quote"]
        network.add_node(sid, iri=statement, category="statement", color=BY_NAME["statement"].color,
                         klass="Statement", ja="", abbreviation="", alt=[],
                         label=f"{property_label(labels, record['property'])} "
                               f"({quote['rank'].removesuffix('Rank').lower()})",
                         quotes=[quote])
        targets = ((record["node"], "subject"), (record["value"] if record["object_is_iri"] else None, "object"),
                   (record["document"], "derived from"))
        for target, role in targets:
            if target is not None and short_id(target) in network:
                network.add_edge(sid, short_id(target), key=role, label=role, property="", quotes=[])
        anchor = record["anchor"]
        if anchor is None:
            continue
        qid = short_id(anchor)
        if qid not in network:
            network.add_node(qid, iri=anchor, category="quote", color=BY_NAME["quote"].color,
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
        lines.append(evidence_text(quote))
    lines.append(f"id: {node_id}")
    return "\n".join(lines)


def evidence_text(quote: dict) -> str:
    """Where a fact comes from, saying which kind of evidence it is: the quote and the text's title,
    or "cited: publisher, title, date", the record's address and the paraphrase."""
    rank = f" [{quote['rank']}]" if quote.get("rank") and quote["rank"] != "NormalRank" else ""
    if quote.get("kind") == "cited":
        cited = ", ".join(part for part in (quote.get("publisher"), f"“{quote.get('title')}”" if quote.get("title") else "",
                                            quote.get("issued")) if part)
        lines = [f"cited: {cited}{rank}"]
        lines += [quote["url"]] if quote.get("url") else []
        lines += [_shorten(quote["paraphrase"], 400)] if quote.get("paraphrase") else []
        return "\n".join(lines)
    return f"“{_shorten(quote.get('exact', ''), 400)}”\n— {quote.get('title', '')}{rank}"


def edge_tooltip(network: nx.MultiDiGraph, source: str, target: str, data: dict, limit: int = 3) -> str:
    """Plain text shown on hover over an edge: the fact, then its supporting quotes and documents."""
    lines = [f"{network.nodes[source].get('label', source)} — {data['label']} → "
             f"{network.nodes[target].get('label', target)}"]
    quotes = data.get("quotes", [])
    for quote in quotes[:limit]:
        lines.append(evidence_text(quote))
    if len(quotes) > limit:
        lines.append(f"(and {len(quotes) - limit} more sources)")
    if not quotes and data.get("property"):
        lines.append("(from the entity registry)")
    return "\n".join(lines)
