"""Every export parses back, with rdflib and with pyoxigraph, to the graph that was built; an
independent parser (raptor's rapper) reads the Turtle; owlready2 loads the ontology's RDF/XML.
tests/test_independent_tools.py checks the files with tools spacekg does not use."""

from __future__ import annotations

import re
import shutil
import subprocess

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, XSD

from spacekg.exports.owl import OWL_FILE
from spacekg.exports.prefixes import needs_escape
from spacekg.exports.rdf import INFERRED_FILE, union_graph
from spacekg.ingest import INFERRED_GRAPH
from spacekg.namespaces import KG, SKG


def rdf11(graph: Graph) -> Graph:
    """The graph with simple literals written as xsd:string, which RDF 1.1 makes the same term."""
    result = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language is None and o.datatype is None:
            o = Literal(str(o), datatype=XSD.string)
        result.add((s, p, o))
    return result


def same(first: Graph, second: Graph) -> bool:
    return isomorphic(rdf11(first), rdf11(second))


def named_graphs(dataset: Dataset) -> dict:
    """Graph name → graph, for the non-empty named graphs of a dataset."""
    graphs = {}
    for graph in dataset.graphs():
        if len(graph) and graph.identifier != dataset.default_graph.identifier:
            graphs[graph.identifier] = graph
    return graphs


def same_dataset(parsed: Dataset, built) -> None:
    """The parsed named graphs are those of the build's store (graph:inferred is in a file of its own)."""
    expected, actual = named_graphs(built.dataset), named_graphs(parsed)
    assert sorted(actual) == sorted(expected)
    for name, graph in expected.items():
        assert same(actual[name], graph), name


def oxigraph_roundtrip(path, format: ox.RdfFormat) -> Dataset:
    """Parse with pyoxigraph, write N-Quads with pyoxigraph, read those with rdflib."""
    nquads = ox.serialize(ox.parse(path=str(path), format=format), format=ox.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=nquads.decode("utf-8"), format="nquads")
    return dataset


def oxigraph_triples(path, format: ox.RdfFormat) -> Graph:
    """Parse with pyoxigraph, write N-Triples with pyoxigraph, read those with rdflib."""
    ntriples = ox.serialize((q.triple for q in ox.parse(path=str(path), format=format)),
                            format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=ntriples.decode("utf-8"), format="nt")


@pytest.fixture(scope="module")
def asserted(built) -> Graph:
    return union_graph(built.dataset)


def test_inferred_graph_is_in_a_file_of_its_own(built, asserted, layout):
    assert len(built.inferred) > 100
    assert not any(triple in asserted for triple in built.inferred)
    inferred = Dataset()
    inferred.parse(layout.output / INFERRED_FILE, format="trig")
    assert set(named_graphs(inferred)) == {INFERRED_GRAPH}
    assert set(inferred.graph(INFERRED_GRAPH)) == set(built.inferred)
    assert INFERRED_GRAPH not in {graph.identifier for graph in built.dataset.graphs()}
    for name, format in [("spacekg.trig", ox.RdfFormat.TRIG), ("spacekg.nq", ox.RdfFormat.N_QUADS),
                         ("spacekg.jsonld", ox.RdfFormat.JSON_LD)]:
        names = {quad.graph_name for quad in ox.parse(path=str(layout.output / name), format=format)}
        assert ox.NamedNode(str(INFERRED_GRAPH)) not in names, name


@pytest.mark.parametrize("name, format", [("spacekg.ttl", "turtle"), ("spacekg.nt", "nt")])
def test_triples_parse_back_with_rdflib(layout, asserted, name, format):
    assert same(Graph().parse(layout.output / name, format=format), asserted)


@pytest.mark.parametrize("name, format", [("spacekg.ttl", ox.RdfFormat.TURTLE),
                                          ("spacekg.nt", ox.RdfFormat.N_TRIPLES)])
def test_triples_parse_back_with_pyoxigraph(layout, asserted, name, format):
    assert same(oxigraph_triples(layout.output / name, format), asserted)


def test_trig_parses_back_graph_by_graph(layout, built):
    parsed = Dataset()
    parsed.parse(layout.output / "spacekg.trig", format="trig")
    same_dataset(parsed, built)


@pytest.mark.parametrize("name, format", [("spacekg.trig", ox.RdfFormat.TRIG), ("spacekg.nq", ox.RdfFormat.N_QUADS)])
def test_graph_files_parse_back_with_pyoxigraph(layout, built, name, format):
    same_dataset(oxigraph_roundtrip(layout.output / name, format), built)


def test_nquads_parse_back_with_rdflib(layout, built):
    parsed = Dataset()
    parsed.parse(layout.output / "spacekg.nq", format="nquads")
    same_dataset(parsed, built)


def test_jsonld_parses_back_with_rdflib(layout, built):
    parsed = Dataset()
    parsed.parse(layout.output / "spacekg.jsonld", format="json-ld")
    same_dataset(parsed, built)


def test_jsonld_parses_back_with_pyoxigraph(layout, built):
    same_dataset(oxigraph_roundtrip(layout.output / "spacekg.jsonld", ox.RdfFormat.JSON_LD), built)


def test_rapper_reads_the_turtle(layout, asserted):
    assert shutil.which("rapper"), "rapper (Debian raptor2-utils) is missing: run `make system-deps`"
    run = subprocess.run(["rapper", "-i", "turtle", "-c", str(layout.output / "spacekg.ttl")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    count = re.search(r"returned (\d+) triples", run.stderr)
    assert count and int(count.group(1)) == len(asserted)


def test_the_owl_file_is_the_ontology(layout, built):
    assert same(Graph().parse(layout.output / OWL_FILE, format="xml"), Graph().parse(layout.ontology, format="turtle"))


def test_owlready2_loads_the_ontology(layout, built):
    import owlready2

    ontology = Graph().parse(layout.ontology, format="turtle")
    world = owlready2.World()
    world.get_ontology((layout.output / OWL_FILE).as_uri()).load()
    loaded = {c.iri for c in world.classes() if c.iri.startswith(str(SKG._NS))}
    declared = {str(c) for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(SKG._NS))}
    world.close()
    assert loaded == declared and len(declared) > 40


def test_no_iri_of_the_graph_is_written_with_an_escape(built, layout):
    """Every IRI the Turtle-family files abbreviate has a local name that needs no backslash."""
    iris = set()
    for quad in ox.parse(path=str(layout.output / "spacekg.nq"), format=ox.RdfFormat.N_QUADS):
        iris |= {term.value for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
                 if isinstance(term, ox.NamedNode)}
    assert len(iris) > 1000
    assert sorted(iri for iri in iris if needs_escape(iri)) == []
    assert needs_escape(str(KG["a/b"])) and needs_escape(str(KG["ends-with."])) and not needs_escape(str(KG["cds-1"]))
    for name in ("spacekg.trig", "spacekg.ttl", INFERRED_FILE):
        text = (layout.output / name).read_text(encoding="utf-8")
        assert not re.search(r"(?m)^[^\"]*\b[A-Za-z]+:[^\s\"<>]*\\", text), f"{name}: a prefixed name with an escape"
