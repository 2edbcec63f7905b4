"""The ontology as the loader sees it: classes, their ancestors, and each property's signature."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import SpacekgError
from .namespaces import SKG, make_graph
from .oxigraph import canonical_triples

DATE_TYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})
# The ontology's datatype of dates (defined there as any literal, to stay in OWL 2 DL): a value of
# a property with this range is written in one of DATE_TYPES.
CALENDAR_DATE = SKG.CalendarDate


def read_turtle(path: Path, what: str, shown: str | None = None) -> Graph:
    """Parse one of the project's own Turtle files; a missing or broken file is a clear error.

    ``what`` names the file in messages ("the ontology"); ``shown`` is the path as messages give it.
    """
    shown = shown or str(path)
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise SpacekgError(f"{shown}: {what} file is missing") from None
    except Exception as error:  # rdflib raises several parser exception types
        raise SpacekgError(f"{shown}: {what} is not valid Turtle: {error}") from None
    return graph


def load_ontology(path: Path) -> Graph:
    """Parse ontology/spacekg.ttl; blank nodes get stable labels so that exports are byte-identical."""
    graph = make_graph()
    for triple in canonical_triples(read_turtle(path, "the ontology")):
        graph.add(triple)
    return graph


@dataclass(frozen=True)
class PropertyInfo:
    """What a property accepts: its domain and range classes (empty means anything)."""

    name: str
    iri: URIRef
    is_object: bool
    domain: frozenset[URIRef]
    range: frozenset[URIRef]
    functional: bool


@dataclass
class Schema:
    """Classes with their ancestors, properties by local name, and named individuals."""

    ancestors: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    individuals: dict[str, tuple[URIRef, URIRef]] = field(default_factory=dict)  # name -> (iri, class)
    _is_a: dict = field(default_factory=dict, repr=False)  # answers of is_a, remembered

    @classmethod
    def from_graph(cls, graph: Graph) -> "Schema":
        schema = cls()
        classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        for klass in classes:
            schema.ancestors[klass] = frozenset(graph.transitive_objects(klass, RDFS.subClassOf))
        for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
            for prop in graph.subjects(RDF.type, kind):
                if not str(prop).startswith(str(SKG._NS)):
                    continue
                name = str(prop)[len(SKG._NS):]
                schema.properties[name] = PropertyInfo(
                    name, prop, is_object,
                    _inherited(graph, prop, RDFS.domain), _inherited(graph, prop, RDFS.range),
                    (prop, RDF.type, OWL.FunctionalProperty) in graph)
        for individual in graph.subjects(RDF.type, OWL.NamedIndividual):
            for klass in graph.objects(individual, RDF.type):
                if klass != OWL.NamedIndividual and klass in classes:
                    schema.individuals[str(individual)[len(SKG._NS):].lower()] = (individual, klass)
        return schema

    def class_named(self, name: str) -> URIRef | None:
        iri = URIRef(str(SKG._NS) + name)
        return iri if iri in self.ancestors else None

    def is_a(self, klass: URIRef, wanted: frozenset[URIRef]) -> bool:
        """True when ``klass`` is one of ``wanted`` or a subclass of one (an empty set admits all)."""
        if not wanted:
            return True
        key = (klass, wanted)
        answer = self._is_a.get(key)
        if answer is None:
            answer = self._is_a[key] = bool(self.ancestors.get(klass, frozenset({klass})) & wanted)
        return answer

    def class_names(self) -> list[str]:
        return sorted(str(c)[len(SKG._NS):] for c in self.ancestors if str(c).startswith(str(SKG._NS)))


def _inherited(graph: Graph, prop: URIRef, which: URIRef) -> frozenset[URIRef]:
    """The domain or range of a property, looking up its super-properties where it has none."""
    for ancestor in graph.transitive_objects(prop, RDFS.subPropertyOf):
        values = set()
        for value in graph.objects(ancestor, which):
            if isinstance(value, BNode):
                members = graph.value(value, OWL.unionOf)
                values.update(Collection(graph, members) if members else [])
            else:
                values.add(value)
        if CALENDAR_DATE in values:
            values = (values - {CALENDAR_DATE}) | DATE_TYPES
        if values:
            return frozenset(values)
    return frozenset()
