"""`spacekg serve`: the read-only SPARQL 1.1 endpoint, started as a command on a free loopback port.

The expected answers come from the built store itself, read directly with pyoxigraph (graph by
graph) or through `spacekg query`'s own functions, never from numbers written here.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from spacekg.ingest import INFERRED_GRAPH
from spacekg.namespaces import KG, PREFIXES, SD, SKG
from spacekg.web.formats import GRAPHS, RESULTS

from .conftest import free_port, serving

COUNT_MEETINGS = f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a <{SKG.DialogueMeeting}> }}"
MEETINGS = f"SELECT ?m WHERE {{ ?m a <{SKG.DialogueMeeting}> }} ORDER BY ?m"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_DISTINCT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # (6,000 triples)³
RDF_TYPE = ox.NamedNode(str(RDF.type))
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
MAX_BODY = 100_000
TIMEOUT = 5


@pytest.fixture(scope="module")
def endpoint(built, layout):
    with serving(layout.root, "--timeout", str(TIMEOUT), "--max-body", str(MAX_BODY), "--workers", "3") as site:
        yield f"{site}/sparql"


@pytest.fixture(scope="module")
def store(built, layout):
    """The built store, read directly: where the expected answers come from."""
    return ox.Store.read_only(str(layout.output / "store" / "oxigraph"))


def ask(url, query, accept="application/sparql-results+json", **params):
    return httpx.get(url, params={"query": query, **params}, headers={"Accept": accept}, timeout=60)


def number(response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def graph_size(store, graph) -> int:
    return len(triples_of(store, graph))


def triples_of(store, graph) -> set:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}


def prologue() -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(PREFIXES.items()))


# --- Queries and their answers -------------------------------------------------------------------

def test_get_json_answers_from_the_built_graph(endpoint, built):
    response = ask(endpoint, MEETINGS)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/sparql-results+json")
    rows = [b["m"]["value"] for b in response.json()["results"]["bindings"]]
    meetings = sorted({str(s) for s, _, _ in built.dataset.triples((None, RDF.type, SKG.DialogueMeeting))})
    assert rows == meetings and str(KG["cds-1"]) in rows


def test_post_sparql_query_body_csv(endpoint, built):
    response = httpx.post(endpoint, content=COUNT_MEETINGS.encode(),
                          headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    meetings = {s for s, _, _ in built.dataset.triples((None, RDF.type, SKG.DialogueMeeting))}
    assert list(csv.reader(io.StringIO(response.text))) == [["n"], [str(len(meetings))]]


def test_post_form_xml(endpoint):
    response = httpx.post(endpoint, data={"query": "ASK { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+xml"})
    assert response.status_code == 200 and "xml" in response.headers["content-type"]
    assert ElementTree.fromstring(response.content).find(f"{RESULTS_NS}boolean").text == "true"


def test_select_answers_the_same_rows_in_every_results_format(endpoint):
    query = f"SELECT ?m ?date WHERE {{ ?m a <{SKG.DialogueMeeting}> ; <{SKG.startDate}> ?date }} ORDER BY ?m ?date"
    tables = {}
    for fmt in RESULTS.formats:
        response = ask(endpoint, query, accept=fmt.media.split(";")[0])
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == fmt.media.split(";")[0]
        tables[fmt.media] = _rows(fmt.media, response)
    first, *others = tables.values()
    assert first and all(table == first for table in others), tables


def _rows(media: str, response) -> list[tuple[str, str]]:
    if "json" in media:
        return [(b["m"]["value"], b["date"]["value"]) for b in response.json()["results"]["bindings"]]
    if "xml" in media:
        rows = []
        for result in ElementTree.fromstring(response.content).iter(f"{RESULTS_NS}result"):
            cells = {b.get("name"): "".join(b.itertext()).strip() for b in result.iter(f"{RESULTS_NS}binding")}
            rows.append((cells["m"], cells["date"]))
        return rows
    if "csv" in media:
        return [tuple(row) for row in list(csv.reader(io.StringIO(response.text)))[1:]]
    # TSV cells are RDF terms: <iri> and "lexical"^^<datatype>
    lines = response.text.splitlines()[1:]
    return [tuple(cell.strip("<>").split('"')[1] if cell.startswith('"') else cell.strip("<>")
                  for cell in line.split("\t")) for line in lines]


@pytest.mark.parametrize("query", [
    f"CONSTRUCT {{ ?m a <{SKG.DialogueMeeting}> ; ?p ?o }} WHERE {{ ?m a <{SKG.DialogueMeeting}> ; ?p ?o }}",
    f"DESCRIBE <{KG['cds-1']}>",
])
def test_construct_and_describe_in_every_rdf_format(endpoint, store, query):
    expected = Graph().parse(data=store.query(query, use_default_graph_as_union=True)
                             .serialize(format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    assert len(expected) > 0
    for fmt, rdflib_format in zip(GRAPHS.formats, ("turtle", "nt", "xml", "json-ld")):
        response = ask(endpoint, query, accept=fmt.media.split(";")[0])
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == fmt.media.split(";")[0]
        assert isomorphic(Graph().parse(data=response.text, format=rdflib_format), expected), fmt.media


def test_a_large_answer_streams_whole(endpoint, store):
    """An answer larger than one piece of a worker's output comes through complete."""
    response = ask(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    assert response.status_code == 200 and len(response.content) > 64 * 1024
    triples = {(q.subject, q.predicate, q.object) for q in store}
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))) == len(triples)


def test_sparqlwrapper_client(endpoint, built):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(COUNT_MEETINGS)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    meetings = {s for s, _, _ in built.dataset.triples((None, RDF.type, SKG.DialogueMeeting))}
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(meetings)


# --- The dataset: FROM, FROM NAMED, default-graph-uri, named-graph-uri ----------------------------

def test_the_default_graph_is_the_union_of_the_named_graphs(endpoint, store):
    """It holds every triple of every named graph. (Oxigraph 0.5 matches a triple that two graphs
    hold once per graph, oxigraph/oxigraph#1919: hence DISTINCT.)"""
    triples = {(q.subject, q.predicate, q.object) for q in store}
    assert number(ask(endpoint, COUNT_DISTINCT)) == len(triples)


def test_from_counts_one_graph_alone(endpoint, store):
    graphs = sorted(store.named_graphs(), key=str)
    assert len(graphs) > 2
    for graph in graphs:
        query = f"SELECT (COUNT(*) AS ?n) FROM {graph} WHERE {{ ?s ?p ?o }}"
        assert number(ask(endpoint, query)) == graph_size(store, graph), graph


def test_default_graph_uri_counts_one_graph_and_outranks_from(endpoint, store):
    first, second = sorted(store.named_graphs(), key=str)[:2]
    assert number(ask(endpoint, COUNT_ALL, **{"default-graph-uri": first.value})) == graph_size(store, first)
    both = httpx.get(endpoint, params=[("query", COUNT_DISTINCT), ("default-graph-uri", first.value),
                                       ("default-graph-uri", second.value)])
    assert number(both) == len(triples_of(store, first) | triples_of(store, second))
    query = f"SELECT (COUNT(*) AS ?n) FROM {first} WHERE {{ ?s ?p ?o }}"
    assert number(ask(endpoint, query, **{"default-graph-uri": second.value})) == graph_size(store, second)


def test_named_graph_uri_limits_the_named_graphs(endpoint, store):
    graph = sorted(store.named_graphs(), key=str)[-1]
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = ask(endpoint, query, **{"named-graph-uri": graph.value})
    rows = [(b["g"]["value"], int(b["n"]["value"])) for b in response.json()["results"]["bindings"]]
    assert rows == [(graph.value, graph_size(store, graph))]
    assert number(ask(endpoint, COUNT_ALL, **{"named-graph-uri": graph.value})) == 0  # no default graph given


def test_from_named_alone_leaves_the_default_graph_empty(endpoint, store):
    graph = sorted(store.named_graphs(), key=str)[0]
    assert number(ask(endpoint, f"SELECT (COUNT(*) AS ?n) FROM NAMED {graph} WHERE {{ ?s ?p ?o }}")) == 0
    query = f"SELECT (COUNT(*) AS ?n) FROM NAMED {graph} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert number(ask(endpoint, query)) == graph_size(store, graph)


def test_a_dataset_parameter_that_is_not_an_iri_is_a_400(endpoint):
    response = ask(endpoint, COUNT_ALL, **{"default-graph-uri": "not an iri"})
    assert response.status_code == 400 and "default-graph-uri" in response.text


# --- The protocol's refusals ---------------------------------------------------------------------

@pytest.mark.parametrize("query, accept", [(COUNT_ALL, "text/turtle"), ("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")])
def test_no_acceptable_format_is_a_406_listing_the_formats(endpoint, query, accept):
    response = ask(endpoint, query, accept=accept)
    offer = GRAPHS if query.startswith("CONSTRUCT") else RESULTS
    assert response.status_code == 406
    assert all(media in response.text for media in offer.media_types())


def test_head_is_answered_like_get(endpoint):
    params = {"query": COUNT_MEETINGS}
    got, head = httpx.get(endpoint, params=params), httpx.head(endpoint, params=params)
    assert head.status_code == got.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length", "vary"):
        assert head.headers[name] == got.headers[name]


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_post_of_another_media_type_is_a_415_with_a_sentence(endpoint, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = httpx.post(endpoint, content=b"ASK {}", headers=headers)
    assert response.status_code == 415 and "application/sparql-query" in response.text


def test_a_body_over_the_limit_is_a_413(endpoint):
    padding = "#" + "x" * (MAX_BODY - 100) + "\n"
    fits = httpx.post(endpoint, content=(padding + "ASK {}").encode(), headers={"Content-Type": "application/sparql-query"})
    assert fits.status_code == 200
    over = httpx.post(endpoint, content=(padding + "x" * 200 + "\nASK {}").encode(),
                      headers={"Content-Type": "application/sparql-query"})
    assert over.status_code == 413 and f"{MAX_BODY:,}" in over.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_a_405(endpoint, method):
    assert httpx.request(method, endpoint, params={"query": "ASK {}"}).status_code == 405


@pytest.mark.parametrize("how", ["update-body", "update-form", "update-get"])
def test_updates_are_refused_and_nothing_changes(endpoint, how):
    update = f"INSERT DATA {{ <{KG['cds-1']}> <{SKG.ordinal}> 99 }}"
    if how == "update-body":
        response = httpx.post(endpoint, content=update.encode(), headers={"Content-Type": "application/sparql-update"})
    elif how == "update-form":
        response = httpx.post(endpoint, data={"update": update})
    else:
        response = httpx.get(endpoint, params={"update": update})
    assert response.status_code == 403 and "read-only" in response.text
    assert ask(endpoint, f"ASK {{ <{KG['cds-1']}> <{SKG.ordinal}> 99 }}").json()["boolean"] is False


def test_malformed_query_is_a_400_with_a_message(endpoint):
    response = ask(endpoint, "SELECT WHERE {")
    assert response.status_code == 400 and "malformed query" in response.text


def test_federated_queries_are_refused(endpoint):
    response = ask(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert response.status_code == 400 and "SERVICE" in response.text


def test_cors_header_for_browser_clients(endpoint):
    response = httpx.get(endpoint, params={"query": "ASK {}"}, headers={"Origin": "http://localhost:8000"})
    assert response.status_code == 200 and response.headers.get("access-control-allow-origin") == "*"


# --- The time limit ------------------------------------------------------------------------------

def test_a_runaway_query_gets_503_while_the_others_are_answered(endpoint, built):
    runaway: dict = {}

    def run_away():
        runaway["response"] = ask(endpoint, RUNAWAY)
        runaway["done"] = True

    thread = threading.Thread(target=run_away)
    thread.start()
    answered_meanwhile = 0
    while thread.is_alive() and answered_meanwhile < 20:
        assert number(ask(endpoint, COUNT_MEETINGS)) > 0
        answered_meanwhile += int("done" not in runaway)
    thread.join()
    assert runaway["response"].status_code == 503 and f"longer than {TIMEOUT} s" in runaway["response"].text
    assert answered_meanwhile > 0  # other clients were answered while it ran
    for _ in range(8):  # more queries than workers: the stopped worker was replaced
        assert number(ask(endpoint, COUNT_MEETINGS)) > 0


# --- Service description and the inferred view ---------------------------------------------------

def test_service_description(endpoint, store):
    response = httpx.get(endpoint)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=response.text, format="turtle")
    (service,) = description.subjects(RDF.type, SD.Service)
    assert {str(o) for o in description.objects(service, SD.endpoint)} == {endpoint}
    assert set(description.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert {str(o) for o in description.objects(service, SD.resultFormat)} == \
        {str(fmt.iri) for fmt in RESULTS.formats + GRAPHS.formats}
    assert SD.UnionDefaultGraph in set(description.objects(service, SD.feature))
    (dataset,) = description.objects(service, SD.defaultDataset)
    (default,) = description.objects(dataset, SD.defaultGraph)
    assert "union" in " ".join(map(str, description.objects(default, None))).lower()
    named = {str(description.value(node, SD.name)) for node in description.objects(dataset, SD.namedGraph)}
    assert named == {graph.value for graph in store.named_graphs()} - {str(INFERRED_GRAPH)}
    said = " ".join(map(str, description.objects(service, None)))
    assert "graph:inferred" in said and endpoint + "/inferred" in said


@pytest.mark.parametrize("accept, rdflib_format", [("application/ld+json", "json-ld"),
                                                   ("application/n-triples", "nt"),
                                                   ("application/rdf+xml", "xml")])
def test_service_description_in_other_rdf_formats(endpoint, accept, rdflib_format):
    turtle = Graph().parse(data=httpx.get(endpoint).text, format="turtle")
    other = httpx.get(endpoint, headers={"Accept": accept})
    assert other.status_code == 200 and other.headers["content-type"].startswith(accept)
    assert isomorphic(Graph().parse(data=other.text, format=rdflib_format), turtle)


def test_a_browser_is_sent_to_the_query_page(endpoint):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = httpx.get(endpoint, headers={"Accept": accept})
    assert response.status_code == 303 and response.headers["location"] == "/query"
    assert httpx.get(endpoint, headers={"Accept": "image/png"}).status_code == 406


def test_the_inferred_graph_is_served_by_the_inferred_endpoint_alone(endpoint, layout):
    from spacekg import query as q

    inferred = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    expected = len(q.open_graph(layout, inferred=True).graph(INFERRED_GRAPH))
    assert expected > 0
    assert number(ask(endpoint + "/inferred", inferred)) == expected
    assert number(ask(endpoint, inferred)) == 0
    description = Graph().parse(data=httpx.get(endpoint + "/inferred").text, format="turtle")
    assert INFERRED_GRAPH in set(description.objects(None, SD.name))


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_library_queries_answer_as_spacekg_query_does(endpoint, layout, inferred):
    """Each library query without parameters: the same rows over HTTP as `spacekg query [--inferred]`."""
    from spacekg import query as q

    graph = q.open_graph(layout, inferred=inferred)
    url = endpoint + ("/inferred" if inferred else "")
    library = [query for query in q.library(layout) if not query.params]
    assert library
    for query in library:
        response = ask(url, prologue() + query.text)
        assert response.status_code == 200, (query.name, response.text)
        answer = response.json()
        rows = sorted(tuple(b[name]["value"] if name in b else "" for name in answer["head"]["vars"])
                      for b in answer["results"]["bindings"])
        expected = q.run(graph, query.text)
        assert rows == sorted(tuple("" if term is None else str(term) for term in row) for row in expected.terms), \
            query.name


# --- A new build -------------------------------------------------------------------------------

def test_a_new_build_is_served_without_a_restart(tmp_path, layout):
    """Queries sent while a build runs answer from the previous graph or the new one, never fail;
    once the build is done the endpoint answers from it."""
    from spacekg.build import build

    from .conftest import copy_project

    scratch = copy_project(tmp_path)
    build(scratch, say=lambda _: None)
    ontology_graph = "<https://w3id.org/spacekg/graph/ontology>"
    count = f"SELECT (COUNT(*) AS ?n) FROM {ontology_graph} WHERE {{ ?s ?p ?o }}"
    with serving(scratch.root, "--workers", "2") as site:
        url = f"{site}/sparql"
        before = number(ask(url, count))
        start = httpx.get(f"{site}/", timeout=60).text
        assert httpx.get(f"{site}/", timeout=60).text == start  # the start page, made once for the build
        with scratch.ontology.open("a", encoding="utf-8") as ontology:
            ontology.write("\n<https://w3id.org/spacekg/ontology> rdfs:seeAlso <https://w3id.org/spacekg/> .\n")
        answers, stop = [], threading.Event()

        def keep_asking():
            while not stop.is_set():
                response = ask(url, count)
                answers.append(int(response.json()["results"]["bindings"][0]["n"]["value"])
                               if response.status_code == 200 else f"HTTP {response.status_code}: {response.text}")

        asking = threading.Thread(target=keep_asking)
        asking.start()
        try:
            build(scratch, say=lambda _: None)
            after = number(ask(url, count))
            start_after = httpx.get(f"{site}/", timeout=60).text
        finally:
            stop.set()
            asking.join()
    assert after == before + 1
    assert start_after != start  # made again for the new build (its triples are one more)
    assert answers and set(answers) <= {before, after}
    shutil.rmtree(scratch.output, ignore_errors=True)


# --- The command ---------------------------------------------------------------------------------

@pytest.mark.parametrize("options, message", [([], "spacekg build"), (["--workers", "0"], "--workers must be positive")])
def test_serve_refuses_to_start_with_a_message(tmp_path, options, message):
    done = subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(tmp_path), "serve", "--port",
                           str(free_port()), *options], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_without_entailments_the_inferred_view_is_the_store_itself(tmp_path):
    """A build whose reasoner inferred nothing (large graphs) makes no in-memory copy per worker."""
    from spacekg.exports.rdf import INFERRED_FILE
    from spacekg.paths import Layout
    from spacekg.web.answer import Views

    database = tmp_path / "output" / "store" / "oxigraph"
    database.parent.mkdir(parents=True)
    writing = ox.Store(str(database))
    writing.add(ox.Quad(ox.NamedNode(KG["jaxa"]), RDF_TYPE, ox.NamedNode(SKG.Agency), ox.NamedNode(INFERRED_GRAPH)))
    writing.flush()
    del writing
    (tmp_path / "output" / INFERRED_FILE).write_text("")  # what a build without entailments writes: no quad
    views = Views(Layout(tmp_path))
    assert views.inferred() is views.asserted()
