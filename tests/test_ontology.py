"""ontology/spacekg.ttl declares exactly the terms of SKG, each documented, under a complete header."""

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from spacekg.namespaces import ONTOLOGY_IRI, SKG
from spacekg.paths import Layout

DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(Layout().ontology, format="turtle")


def is_skg(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(SKG._NS))


def english(graph: Graph, subject, predicate) -> list[Literal]:
    return [o for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language == "en"]


def test_declares_exactly_the_terms_of_SKG(graph):
    declared = {s for s in graph.subjects(RDF.type, None) if is_skg(s)}
    expected = {SKG._NS[name] for name in SKG.__annotations__}
    assert sorted(declared - expected) == [], "declared in the ontology but not in SKG"
    assert sorted(expected - declared) == [], "in SKG but not declared in the ontology"


@pytest.mark.parametrize("name", sorted(SKG.__annotations__))
def test_term_is_documented(graph, name):
    term = SKG._NS[name]
    assert len(english(graph, term, RDFS.label)) == 1
    assert len(english(graph, term, SKOS.definition)) == 1
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in graph


def test_every_declared_class_and_property_is_documented_or_external(graph):
    """skg classes and properties carry a label and definition; external ones are bare declarations."""
    declared = {s for kind in DECLARATION_TYPES for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    for term in sorted(declared):
        if is_skg(term):
            assert english(graph, term, RDFS.label) and english(graph, term, SKOS.definition), term
        else:
            assert len(list(graph.predicate_objects(term))) == 1, f"external term {term} says more than its type"


def test_ontology_header(graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    for predicate in (
        OWL.versionIRI,
        OWL.versionInfo,
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        DCTERMS.modified,
    ):
        assert graph.value(ONTOLOGY_IRI, predicate) is not None, predicate
    assert not list(graph.objects(ONTOLOGY_IRI, OWL.imports))
