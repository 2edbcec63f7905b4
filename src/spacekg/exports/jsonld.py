"""JSON-LD export: the named graphs compacted with a context, so that the file reads as JSON.

The context (:func:`context`) declares the project's prefixes, takes the spacekg ontology as
``@vocab`` (classes and properties read as bare names: ``"type": "DialogueMeeting"``,
``"heldIn": "kg:tokyo"``), and defines a term for each property with how its values are written:
entities as compact IRIs, labels and notes as language maps (``"label": {"en": …, "ja": …}``),
counts and offsets with their datatype. Terms of the ontology come from the ontology itself, so a
new property gets its term without a change here.

rdflib's JSON-LD serializer compacts each named graph with the context; the graphs are written
one after the other under a single ``@context``, so memory holds one graph at a time, and in a
fixed order (nodes by ``@id``), so the same graph gives the same bytes. Expanding the file with
pyld gives back the same quads (tested). Compaction makes a few thousand triples a second, so
above COMPACTED_UP_TO triples the build writes pyoxigraph's expanded JSON-LD instead (full IRIs,
no context: the same quads, written in seconds).
"""

from __future__ import annotations

import io
import json
import textwrap
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..namespaces import PREFIXES, SKG
from ..ontology import CALENDAR_DATE
from .files import reader, writer
from .prefixes import EXPORT_PREFIXES

# Up to this many asserted triples, the JSON-LD export is compacted with the context (a build
# checks with SHACL and OWL up to the same size). Compacting a 16× corpus (85,000 triples) took
# 5 s of CPU time; pyoxigraph writes 530,000 triples of expanded JSON-LD in about 3 s.
COMPACTED_UP_TO = 100_000
ID = "@id"
LANGUAGE_MAP = "@language"

# Terms for the properties of other vocabularies that the graph uses: (prefixed IRI, what values
# are: ID for IRIs, LANGUAGE_MAP for language-tagged text, a datatype, or None for no coercion).
EXTERNAL_TERMS: dict[str, tuple[str, str | None]] = {
    "label": ("rdfs:label", LANGUAGE_MAP),
    "comment": ("rdfs:comment", LANGUAGE_MAP),
    "altLabel": ("skos:altLabel", LANGUAGE_MAP),
    "definition": ("skos:definition", LANGUAGE_MAP),
    "editorialNote": ("skos:editorialNote", LANGUAGE_MAP),
    "broader": ("skos:broader", ID),
    "inScheme": ("skos:inScheme", ID),
    "title": ("dcterms:title", LANGUAGE_MAP),
    "description": ("dcterms:description", LANGUAGE_MAP),
    "identifier": ("dcterms:identifier", None),
    "issued": ("dcterms:issued", None),
    "language": ("dcterms:language", "xsd:language"),
    "creator": ("dcterms:creator", ID),
    "publisher": ("dcterms:publisher", ID),
    "wasDerivedFrom": ("prov:wasDerivedFrom", ID),
    "hasTarget": ("oa:hasTarget", ID),
    "hasSource": ("oa:hasSource", ID),
    "hasSelector": ("oa:hasSelector", ID),
    "exact": ("oa:exact", None),
    "prefix": ("oa:prefix", None),
    "suffix": ("oa:suffix", None),
    "start": ("oa:start", "xsd:nonNegativeInteger"),
    "end": ("oa:end", "xsd:nonNegativeInteger"),
    "subject": ("rdf:subject", ID),
    "predicate": ("rdf:predicate", ID),
    "object": ("rdf:object", None),
    # the ontology's own terms: a value may be a class expression (a blank node, written in place)
    "subClassOf": ("rdfs:subClassOf", None),
    "subPropertyOf": ("rdfs:subPropertyOf", None),
    "domain": ("rdfs:domain", None),
    "range": ("rdfs:range", None),
    "isDefinedBy": ("rdfs:isDefinedBy", ID),
    "seeAlso": ("rdfs:seeAlso", ID),
}


def context(ontology: Graph) -> dict:
    """The JSON-LD context of the export: prefixes, the ontology as @vocab, typed terms."""
    result: dict = {prefix: namespace for prefix, namespace in EXPORT_PREFIXES.items()}
    for prefix in ("stmt", "quote"):  # JSON-LD compact IRIs may hold '/': every namespace is a prefix
        result[prefix] = str(PREFIXES[prefix])
    result["@vocab"] = str(SKG._NS)
    result["type"] = {ID: "rdf:type", "@type": "@vocab"}  # classes of the ontology by name
    for term, (iri, values) in EXTERNAL_TERMS.items():
        result[term] = _definition(iri, values)
    for name, values in sorted(_ontology_terms(ontology).items()):
        result[name] = _definition(f"skg:{name}", values)
    return result


def _definition(iri: str, values: str | None) -> dict:
    if values == LANGUAGE_MAP:
        return {ID: iri, "@container": "@language"}
    if values == ID:
        return {ID: iri, "@type": ID}
    return {ID: iri, "@type": values} if values else {ID: iri}


def _ontology_terms(ontology: Graph) -> dict[str, str | None]:
    """Local name → how values are written, for each property the ontology defines."""
    namespace = str(SKG._NS)
    terms = {}
    for kind, values in ((OWL.ObjectProperty, ID), (OWL.DatatypeProperty, None), (OWL.AnnotationProperty, LANGUAGE_MAP)):
        for prop in ontology.subjects(RDF.type, kind):
            if not isinstance(prop, URIRef) or not str(prop).startswith(namespace):
                continue
            ranges = set(ontology.objects(prop, RDFS.range))
            if kind == OWL.DatatypeProperty:
                values = _datatype(ranges)
            terms[str(prop)[len(namespace):]] = values
    return terms


def _datatype(ranges: set) -> str | None:
    """The datatype a property's values are coerced to: its one XML Schema range, if it has one."""
    if len(ranges) != 1 or CALENDAR_DATE in ranges:
        return None  # dates come as xsd:date, xsd:gYearMonth or xsd:gYear: each value keeps its type
    (datatype,) = ranges
    if datatype == RDF.langString:
        return LANGUAGE_MAP
    return f"xsd:{str(datatype)[len(str(XSD)):]}" if str(datatype).startswith(str(XSD)) else None


def write_jsonld(nquads: Path, target: Path, context: dict) -> None:
    """Write the quads of ``nquads`` as compacted JSON-LD to ``target``, one named graph at a time.

    Quads of a graph must come together (as the build writes them). Within a graph, nodes are
    written in the order of their ``@id`` and each node's values in the order of their terms.
    """
    from rdflib.plugins.shared.jsonld.context import Context

    shrink = Context(context).shrink_iri
    with reader(nquads) as source, io.TextIOWrapper(writer(target), encoding="utf-8", newline="\n") as out:
        quads = ox.parse(source, ox.RdfFormat.N_QUADS, lenient=True)  # our own output
        out.write('{\n  "@context": ' + _indented(context, 2) + ',\n  "@graph": [')
        separator = "\n"
        for name, graph in groupby(quads, key=lambda quad: quad.graph_name):
            compacted = {"@id": shrink(name.value), "@graph": _nodes(graph, context)}
            out.write(separator + "    " + _indented(compacted, 4))
            separator = ",\n"
        out.write("\n  ]\n}\n")


def _nodes(quads, context: dict) -> list[dict]:
    """The node objects of one graph's quads, compacted with ``context`` by rdflib."""
    from oxrdflib._converter import from_ox
    from rdflib.plugins.serializers.jsonld import from_rdf

    graph = Graph(bind_namespaces="none")
    for quad in sorted(quads, key=_by_subject):  # rdflib keeps a node's values in insertion order
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    compacted = from_rdf(graph, context_data=context, auto_compact=True)
    del compacted["@context"]
    nodes = compacted.pop("@graph", None) or [compacted]
    return sorted(nodes, key=lambda node: node["@id"])


def _by_subject(quad: ox.Quad) -> tuple[str, str, str]:
    return (str(quad.subject), str(quad.predicate), str(quad.object))


def _indented(value, by: int) -> str:
    """``value`` as indented JSON whose lines after the first are shifted by ``by`` spaces."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    first, _, rest = text.partition("\n")
    return first + ("\n" + textwrap.indent(rest, " " * by) if rest else "")
