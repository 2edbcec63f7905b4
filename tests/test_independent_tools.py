"""Each export checked with a tool that spacekg does not use itself.

- raptor's `rapper` parses the Turtle, N-Triples, TriG (both files) and the ontology's RDF/XML into
  the same statements as the build;
- Virtuoso (Debian's virtuoso-opensource) bulk-loads the TriG and the Turtle with its own loader
  (ld_dir, rdf_loader_run): the same graph IRIs, the same number of triples in each; and takes
  `spacekg push` (digest authentication);
- Oxigraph's server (the `oxigraph` command) loads spacekg.trig, .nq and .jsonld as they are and,
  with its default graph the union of the named graphs, answers the library queries as
  `spacekg query` does; it takes `spacekg push` too;
- pyld expands the JSON-LD into the same quads as the TriG;
- owlready2 loads spacekg.owl as it is and runs HermiT on it; the OWL API (the library Protégé is
  built on, shipped with owlready2 for Pellet) finds it in the OWL 2 DL profile;
- five library queries give the same rows, counted with repetitions, on spacekg, the Oxigraph
  server and Virtuoso.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from spacekg.exports.jsonld import COMPACTED_UP_TO
from spacekg.exports.owl import OWL_FILE
from spacekg.exports.rdf import INFERRED_FILE
from spacekg.ingest import INFERRED_GRAPH
from spacekg.namespaces import GRAPH, SKG
from spacekg.push import PushError, push
from spacekg.query import library, run, with_values

from .stores import (ADMIN, ISQL, OXIGRAPH, VIRTUOSO, normalized, oxigraph_load, oxigraph_server, sparql_rows,
                     virtuoso_server, with_prefixes)

# The queries asked of every store here: the meetings, who took part (co-chairs are participants
# only by inference), what each meeting took up, the agreements, and what supports each fact.
FIVE_QUERIES = ("meetings", "participants", "topics", "agreements", "provenance")
PARAMS = {"ordinal": "7", "topic": "SSA"}  # values for parameterized library queries
LOADED_FILES = ("spacekg.trig", "spacekg.nq", "spacekg.jsonld")  # files users load as they are
# The OWL 2 datatype map (OWL 2 Structural Specification, section 4) and rdfs:Literal.
OWL2_DATATYPES = {str(RDFS.Literal), str(RDF.PlainLiteral), str(RDF.XMLLiteral), str(OWL.real), str(OWL.rational)} | {
    str(XSD[name]) for name in (
        "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
        "double", "float", "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
        "boolean", "hexBinary", "base64Binary", "anyURI", "dateTime", "dateTimeStamp")}


def canonical(quads) -> set[ox.Quad]:
    """Quads with blank nodes named canonically (RDFC-1.0), for comparing files that name them apart."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def in_default_graph(triples) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object) for t in triples]


@pytest.fixture(scope="module")
def asserted_quads(built, layout) -> set[ox.Quad]:
    """What the build's store holds: every asserted quad, with its exact datatype (read back from
    the store, not from a file)."""
    from spacekg.store import open_dataset

    return canonical(open_dataset(layout, "oxigraph").store.exact_quads())


@pytest.fixture(scope="module")
def graph_sizes(asserted_quads) -> Counter:
    return Counter(quad.graph_name.value for quad in asserted_quads)


@pytest.fixture(scope="module")
def inferred_quads(built) -> set[ox.Quad]:
    from spacekg.oxigraph import to_oxigraph

    graph = to_oxigraph(INFERRED_GRAPH)
    return {ox.Quad(*(to_oxigraph(t) for t in triple), graph) for triple in built.inferred}


# -- rapper: Turtle, N-Triples, TriG, RDF/XML --------------------------------------------------------


def rapper(path: Path, syntax: str) -> list[ox.Quad]:
    """The statements of a file as raptor's rapper reads them (written out by rapper as N-Quads)."""
    assert shutil.which("rapper"), "rapper (Debian raptor2-utils) is missing: run `make system-deps`"
    run_ = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "nquads", str(path)], capture_output=True, timeout=300)
    assert run_.returncode == 0, run_.stderr.decode()
    return list(ox.parse(run_.stdout, format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("name, syntax", [("spacekg.ttl", "turtle"), ("spacekg.nt", "ntriples")])
def test_rapper_reads_the_asserted_triples(layout, asserted_quads, name, syntax):
    expected = canonical(in_default_graph({q.triple for q in asserted_quads}))
    assert canonical(rapper(layout.output / name, syntax)) == expected


def test_rapper_reads_the_trig_graph_by_graph(layout, asserted_quads):
    assert canonical(rapper(layout.output / "spacekg.trig", "trig")) == asserted_quads


def test_rapper_reads_the_inferred_trig(layout, inferred_quads):
    assert len(inferred_quads) > 100
    assert set(rapper(layout.output / INFERRED_FILE, "trig")) == inferred_quads


def test_rapper_reads_the_owl_file_as_the_ontology(layout, built):
    ontology = ox.parse(path=str(layout.ontology), format=ox.RdfFormat.TURTLE)
    assert canonical(rapper(layout.output / OWL_FILE, "rdfxml")) == canonical(in_default_graph(ontology))


# -- Virtuoso: bulk loads of the TriG and the Turtle, push --------------------------------------------


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, built):
    if VIRTUOSO is None or ISQL is None:
        pytest.fail("virtuoso-opensource is not installed: run `make system-deps`")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def virtuoso_graph_sizes(server) -> Counter:
    _, rows = sparql_rows(server.sparql, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return Counter({g[1]: int(n[1]) for g, n in rows})


@pytest.fixture(scope="module")
def virtuoso_with_trig(virtuoso, layout):
    """The module's Virtuoso after its bulk loader read spacekg.trig; the graphs that came with it."""
    before = virtuoso_graph_sizes(virtuoso)
    virtuoso.bulk_load(layout.output / "spacekg.trig", str(GRAPH["outside-any-graph"]))
    after = virtuoso_graph_sizes(virtuoso)
    return virtuoso, Counter({g: n for g, n in after.items() if before.get(g) != n})


def test_virtuoso_loads_the_trig_with_its_graph_iris_and_triples(virtuoso_with_trig, graph_sizes):
    _, loaded = virtuoso_with_trig
    assert not [g for g in loaded if "\\" in g], "graph IRIs with a backslash: an escape was not undone"
    assert loaded == graph_sizes


def test_virtuoso_loads_the_turtle(virtuoso, layout, asserted_quads):
    graph = str(GRAPH["turtle-load-test"])
    virtuoso.bulk_load(layout.output / "spacekg.ttl", graph)
    assert virtuoso_graph_sizes(virtuoso)[graph] == len({q.triple for q in asserted_quads})
    _, iris = sparql_rows(virtuoso.sparql, f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} FILTER(CONTAINS(STR(?s), '\\\\')) }}")
    assert not iris, f"IRIs with a backslash: {list(iris)[:3]}"


def test_push_replaces_a_graph_in_virtuoso(built, layout, virtuoso):
    graph = str(GRAPH["push-test"])
    for _ in range(2):  # the second push replaces, not adds
        sent = push(layout, virtuoso.crud, graph, *ADMIN)
        assert sent.status in (200, 201, 204)
    _, rows = sparql_rows(virtuoso.sparql, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", [graph])
    expected = Counter(tuple(normalized(term) for term in triple)
                       for triple in Graph().parse(layout.output / "spacekg.nt", format="nt"))
    assert sum(rows.values()) == sent.triples
    assert rows == expected


def test_push_with_a_wrong_password_fails_clearly(built, layout, virtuoso):
    with pytest.raises(PushError, match="HTTP 401|authentication failed"):
        push(layout, virtuoso.crud, None, "dba", "not-the-password")


# -- Oxigraph's server: plain loads answer as `spacekg query` ---------------------------------------


@pytest.fixture(scope="module")
def oxigraph_databases(tmp_path_factory, built, layout) -> dict[str, Path]:
    """One Oxigraph database per file users load as it is, filled by `oxigraph load`."""
    assert OXIGRAPH, "the `oxigraph` command is missing: install the test dependencies (make install-test)"
    folder = tmp_path_factory.mktemp("oxigraph")
    databases = {}
    for name in LOADED_FILES:
        databases[name] = folder / name
        oxigraph_load(databases[name], layout.output / name)
    return databases


def spacekg_rows(layout, name: str) -> Counter:
    """The rows `spacekg query NAME` gives (the library on the build's store), with repetitions."""
    from spacekg.store import open_dataset

    query = next(q for q in library(layout) if q.name == name)
    result = run(open_dataset(layout), query.text, {p: PARAMS[p] for p in query.params})
    return Counter(tuple(normalized(term) for term in row) for row in result.terms)


def portable(layout, name: str) -> str:
    """A library query as another store is asked it: prefixes declared, parameters bound by VALUES."""
    query = next(q for q in library(layout) if q.name == name)
    return with_values(with_prefixes(query.text), {p: PARAMS[p] for p in query.params})


@pytest.mark.parametrize("file", LOADED_FILES)
def test_a_plain_load_into_oxigraph_server_answers_as_spacekg_query(file, layout, oxigraph_databases):
    with oxigraph_server(oxigraph_databases[file], union=True) as base:
        names = [q.name for q in library(layout)] if file == "spacekg.trig" else FIVE_QUERIES
        for name in names:
            expected = spacekg_rows(layout, name)
            _, rows = sparql_rows(f"{base}/query", portable(layout, name))
            assert rows == expected, (f"{file}, {name}: only Oxigraph server {list((rows - expected).keys())[:3]}, "
                                      f"only spacekg {list((expected - rows).keys())[:3]}")


def test_push_to_an_oxigraph_server(built, layout, tmp_path):
    graph = str(GRAPH["push-test"])
    with oxigraph_server(tmp_path / "pushed", read_only=False, union=False) as base:
        for user in (None, "anyone"):  # a store that asks for no authentication takes both
            sent = push(layout, f"{base}/store", graph, user, "secret" if user else None)
            assert sent.status in (200, 201, 204)
        _, count = sparql_rows(f"{base}/query", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert count == Counter({(("number", Decimal(sent.triples)),): 1})


# -- the same five library queries on spacekg, Oxigraph's server and Virtuoso -------------------------


def rows_from_virtuoso(server, text: str, graphs: list[str], attempts: int = 5) -> Counter:
    """Virtuoso's rows for a query, asked again while the answer is empty (each time as another
    text, so that Virtuoso compiles it anew, and a second later): Virtuoso 7 has, rarely and not
    reproducibly, answered participants with no rows in a full test run (3 and 4 December 2026,
    three times, once for two askings in a row; 40 and 58 rounds against a server loaded the same
    way gave every row). The answer that is not empty must still be the whole one."""
    import time

    for attempt in range(attempts):
        if attempt:
            time.sleep(1)
        _, rows = sparql_rows(server.sparql, text + "\n# asked again" * attempt, graphs)
        if rows:
            break
    return rows


@pytest.mark.parametrize("name", FIVE_QUERIES)
def test_five_library_queries_answer_the_same_everywhere(name, layout, oxigraph_databases, virtuoso_with_trig):
    expected = spacekg_rows(layout, name)
    assert expected, f"{name}: no rows from spacekg"
    with oxigraph_server(oxigraph_databases["spacekg.trig"], union=True) as base:
        _, oxigraph_rows = sparql_rows(f"{base}/query", portable(layout, name))
    server, graphs = virtuoso_with_trig
    virtuoso_rows = rows_from_virtuoso(server, portable(layout, name), sorted(graphs))
    for store, rows in (("Oxigraph server", oxigraph_rows), ("Virtuoso", virtuoso_rows)):
        assert sum(rows.values()) == sum(expected.values()), f"{name}: {store} gives another number of rows"
        assert rows == expected, f"{name}: {store} differs: {list((rows - expected).keys())[:3]}"


# -- pyld: the JSON-LD expands to the TriG's quads ---------------------------------------------------


@pytest.fixture(scope="module")
def jsonld_document(built, layout) -> dict:
    return json.loads((layout.output / "spacekg.jsonld").read_text(encoding="utf-8"))


def test_pyld_expands_the_jsonld_to_the_trig(layout, jsonld_document, asserted_quads):
    from pyld import jsonld

    nquads = jsonld.to_rdf(jsonld_document, {"format": "application/n-quads"})
    assert canonical(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)) == asserted_quads


def test_the_jsonld_reads_as_json(jsonld_document, layout, built):
    """Its context names the vocabulary, and plain JSON access finds what the TriG says."""
    if built.triples > COMPACTED_UP_TO:  # a large build writes expanded JSON-LD (see exports/jsonld.py)
        assert isinstance(jsonld_document, list) and all("@graph" in graph for graph in jsonld_document)
        return
    context = jsonld_document["@context"]
    assert context["@vocab"] == str(SKG._NS) and context["kg"] == "https://w3id.org/spacekg/id/"

    def full(compact: str) -> str:
        prefix, local = compact.split(":", 1)
        return context[prefix] + local

    graphs = {full(graph["@id"]): {node["@id"]: node for node in graph["@graph"]}
              for graph in jsonld_document["@graph"]}
    checked = 0
    for quad in ox.parse(path=str(layout.output / "spacekg.trig"), format=ox.RdfFormat.TRIG):
        subject, value = quad.subject.value, quad.object
        nodes = graphs[quad.graph_name.value]
        if quad.predicate.value == str(RDFS.label) and subject.startswith(context["kg"]):
            node = nodes["kg:" + subject[len(context["kg"]):]]
            labels = node["label"][value.language]
            assert value.value in (labels if isinstance(labels, list) else [labels])
            checked += 1
        elif quad.predicate.value == str(SKG.heldIn):
            node = nodes["kg:" + subject[len(context["kg"]):]]
            assert node["heldIn"] == "kg:" + value.value[len(context["kg"]):]
            checked += 1
    assert checked > 100


# -- owlready2, HermiT and the OWL API: the ontology's RDF/XML ---------------------------------------


def test_owlready2_loads_the_owl_file_and_hermit_reasons_on_it(layout, built):
    import owlready2

    declared = Graph().parse(layout.ontology, format="turtle")
    world = owlready2.World()
    try:
        ontology = world.get_ontology((layout.output / OWL_FILE).as_uri()).load()
        assert ontology.base_iri == str(SKG._NS)
        classes = {c.iri for c in world.classes() if c.iri.startswith(str(SKG._NS))}
        properties = {p.iri for p in world.properties() if p.iri.startswith(str(SKG._NS))}
        with ontology:
            owlready2.sync_reasoner_hermit(world, debug=0)  # raises if it cannot reason on the file
        unsatisfiable = list(world.inconsistent_classes())
    finally:
        world.close()
    assert classes == {str(c) for c in declared.subjects(RDF.type, OWL.Class) if str(c).startswith(str(SKG._NS))}
    expected = {str(p) for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for p in declared.subjects(RDF.type, kind) if str(p).startswith(str(SKG._NS))}
    assert properties == expected
    assert unsatisfiable == []


def test_every_datatype_of_the_owl_file_is_in_owl2_dl(layout, built):
    """Datatypes named as ranges or by literals are in the OWL 2 datatype map, or defined in the
    file (a datatype definition: rdfs:Datatype with owl:equivalentClass)."""
    ontology = Graph().parse(layout.output / OWL_FILE, format="xml")
    defined = {str(d) for d in ontology.subjects(RDF.type, RDFS.Datatype)
               if (d, OWL.equivalentClass, None) in ontology}
    named = {str(o.datatype) for o in ontology.objects() if getattr(o, "datatype", None)}
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        named |= {str(r) for r in ontology.objects(prop, RDFS.range)}
    assert named and named <= OWL2_DATATYPES | defined, named - OWL2_DATATYPES - defined
    for datatype in defined:
        assert str(ontology.value(URIRef(datatype), OWL.equivalentClass)) in OWL2_DATATYPES


def test_the_owl_api_finds_the_owl_file_in_the_owl2_dl_profile(layout, built):
    import owlready2

    java = shutil.which(owlready2.JAVA_EXE)
    assert java, "Java is missing: run `make system-deps`"
    jars = sorted((Path(owlready2.__file__).parent / "pellet").glob("owlapi-distribution-*.jar"))
    assert jars, "owlready2 no longer ships the OWL API next to Pellet"
    checker = Path(__file__).parent / "owlapi" / "DlProfile.java"
    run_ = subprocess.run([java, "-cp", str(jars[0]), str(checker), str(layout.output / OWL_FILE)],
                          capture_output=True, text=True, timeout=300)
    assert run_.returncode == 0, run_.stdout + run_.stderr
    assert "format RDFXMLOntologyFormat" in run_.stdout
    assert run_.stdout.splitlines()[-1] == "in OWL 2 DL", run_.stdout
