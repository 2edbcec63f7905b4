"""The W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint, run against `spacekg serve`.

The cases are those of the W3C test suite's protocol manifest (rdf-tests, sparql/sparql11/protocol/
manifest.ttl); each test here names the case it runs (``:query_post_form`` …) and its title. The
endpoint serves a store made by the test with the manifest's data: three graphs, each holding one
triple that says the graph's own document is a foaf:Document. A request's ``/sparql/`` path is the
endpoint's ``/sparql`` (the manifest asks runners to put the endpoint's own path there).

The seven update cases (update_dataset_default_graph, update_dataset_default_graphs,
update_dataset_named_graphs, update_dataset_full, update_post_form, update_post_direct,
update_base_uri) expect an update to be carried out; a read-only endpoint refuses every update
(403), which the last test checks. The bad_update_* cases expect a 4xx and get 403 for the same
reason, before any check of the update itself.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import httpx
import pyoxigraph as ox
import pytest

from spacekg.web.answer import query_shape

from .conftest import serving

KASEI = "http://kasei.us/2009/09/sparql/data/"
DATA = {name: KASEI + f"{name}.rdf" for name in ("data0", "data1", "data2", "data3")}  # data0 is never loaded
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    root = tmp_path_factory.mktemp("protocol")
    _make_store(root / "output" / "store" / "oxigraph")
    with serving(root, "--workers", "2") as site:
        yield f"{site}/sparql"


def _make_store(path) -> None:
    """The manifest's data1.nt, data2.nt, data3.nt, each in the graph named after its document."""
    path.parent.mkdir(parents=True)
    store = ox.Store(str(path))
    for name in ("data1", "data2", "data3"):
        document = ox.NamedNode(DATA[name])
        store.add(ox.Quad(document, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF_DOCUMENT), document))
    store.flush()


def send(endpoint, method="GET", params=(), headers=None, body=None):
    return httpx.request(method, endpoint, params=list(params), headers=headers or {}, content=body, timeout=30)


def media(response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def boolean(response) -> bool:
    """An ASK answer in SPARQL results JSON or XML."""
    assert media(response) in BOOLEAN_TYPES, media(response)
    if media(response).endswith("json"):
        return json.loads(response.content)["boolean"]
    element = ElementTree.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return element.text.strip() == "true"


def succeeds(response) -> None:
    """mf:expectedStatus hts:StatusCode2xx, hts:StatusCode3xx"""
    assert 200 <= response.status_code < 400, (response.status_code, response.text)


def refused(response) -> None:
    """mf:expectedStatus hts:StatusCode4xx"""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


# --- Queries that must succeed ------------------------------------------------------------------

def test_query_post_form(endpoint):
    """:query_post_form — query via URL-encoded POST"""
    response = send(endpoint, "POST", [("default-graph-uri", DATA["data0"])], FORM, b"query=ASK%20%7B%7D")
    succeeds(response)
    assert boolean(response) is True


def test_query_dataset_default_graphs_get(endpoint):
    """:query_dataset_default_graphs_get — GET query with protocol-specified default graph"""
    query = f"ASK {{ <{DATA['data1']}> a ?type . <{DATA['data2']}> a ?type . }}"
    response = send(endpoint, "GET", [("query", query), ("default-graph-uri", DATA["data1"]),
                                      ("default-graph-uri", DATA["data2"])])
    succeeds(response)
    assert boolean(response) is True


def test_query_dataset_default_graphs_post(endpoint):
    """:query_dataset_default_graphs_post — POST query with protocol-specified default graphs"""
    query = f"ASK {{ <{DATA['data1']}> a ?type . <{DATA['data2']}> a ?type . }}"
    response = send(endpoint, "POST", [("default-graph-uri", DATA["data1"]), ("default-graph-uri", DATA["data2"])],
                    DIRECT, query.encode())
    succeeds(response)
    assert boolean(response) is True


NAMED_QUERY = (f"ASK {{ GRAPH ?g1 {{ <{DATA['data1']}> a ?type }} "
               f"GRAPH ?g2 {{ <{DATA['data2']}> a ?type }} }}")


def test_query_dataset_named_graphs_post(endpoint):
    """:query_dataset_named_graphs_post — POST query with protocol-specified named graphs"""
    response = send(endpoint, "POST", [("named-graph-uri", DATA["data1"]), ("named-graph-uri", DATA["data2"])],
                    DIRECT, NAMED_QUERY.encode())
    succeeds(response)
    assert boolean(response) is True


def test_query_dataset_named_graphs_get(endpoint):
    """:query_dataset_named_graphs_get — GET query with protocol-specified named graphs"""
    response = send(endpoint, "GET", [("query", NAMED_QUERY), ("named-graph-uri", DATA["data1"]),
                                      ("named-graph-uri", DATA["data2"])])
    succeeds(response)
    assert boolean(response) is True


def test_query_dataset_full(endpoint):
    """:query_dataset_full — query with protocol-specified dataset (both named and default graphs)"""
    query = (f"ASK {{\n  <{DATA['data3']}> a ?type\n  GRAPH ?g1 {{ <{DATA['data1']}> a ?type }}\n"
             f"  GRAPH ?g2 {{ <{DATA['data2']}> a ?type }}\n}}")
    response = send(endpoint, "POST", [("default-graph-uri", DATA["data3"]), ("named-graph-uri", DATA["data1"]),
                                       ("named-graph-uri", DATA["data2"])], DIRECT, query.encode())
    succeeds(response)
    assert boolean(response) is True


def test_query_multiple_dataset(endpoint):
    """:query_multiple_dataset — query specifying dataset in both query string and protocol; test
    for use of protocol-specified dataset"""
    query = (f"ASK FROM <{DATA['data3']}> {{ GRAPH ?g1 {{ <{DATA['data1']}> a ?type }} "
             f"GRAPH ?g2 {{ <{DATA['data2']}> a ?type }} }}")
    response = send(endpoint, "POST", [("named-graph-uri", DATA["data1"]), ("named-graph-uri", DATA["data2"])],
                    DIRECT, query.encode())
    succeeds(response)
    assert boolean(response) is True


def test_query_get(endpoint):
    """:query_get — query via GET"""
    response = send(endpoint, "GET", [("query", "ASK {}"), ("default-graph-uri", DATA["data0"])])
    succeeds(response)
    assert boolean(response) is True


def test_query_content_type_select(endpoint):
    """:query_content_type_select — query appropriate content type (expect one of: XML, JSON, CSV, TSV)"""
    response = send(endpoint, "POST", [("default-graph-uri", DATA["data0"])], DIRECT, b"SELECT (1 AS ?value) {}")
    succeeds(response)
    assert media(response) in TABULAR_TYPES


def test_query_content_type_ask(endpoint):
    """:query_content_type_ask — query appropriate content type (expect one of: XML, JSON)"""
    response = send(endpoint, "POST", [("default-graph-uri", DATA["data0"])], DIRECT, b"ASK {}")
    succeeds(response)
    assert media(response) in BOOLEAN_TYPES


@pytest.mark.parametrize("case, query", [("query_content_type_describe", "DESCRIBE <http://example.org/>"),
                                         ("query_content_type_construct", "CONSTRUCT { <s> <p> 1 } WHERE {}")])
def test_query_content_type_rdf(endpoint, case, query):
    """:query_content_type_describe and :query_content_type_construct — query appropriate content
    type (expect one of: RDF/XML, Turtle, N-Triples, RDFa)"""
    response = send(endpoint, "POST", [("default-graph-uri", DATA["data0"])], DIRECT, query.encode())
    succeeds(response)
    assert media(response) in RDF_TYPES


def test_query_post_direct(endpoint):
    """:query_post_direct — query via POST directly"""
    response = send(endpoint, "POST", [], DIRECT, b"ASK {}")
    succeeds(response)
    assert boolean(response) is True


# --- Requests that must be refused (4xx) ---------------------------------------------------------

def test_bad_query_method(endpoint):
    """:bad_query_method — invoke query operation with a method other than GET or POST"""
    refused(send(endpoint, "PUT", [("query", "ASK {}"), ("default-graph-uri", DATA["data0"])], FORM))


def test_bad_multiple_queries(endpoint):
    """:bad_multiple_queries — invoke query operation with more than one query string"""
    refused(send(endpoint, "GET", [("query", "ASK {}"), ("query", "SELECT * {}")]))


def test_bad_query_wrong_media_type(endpoint):
    """:bad_query_wrong_media_type — invoke query operation with a POST with media type that's not
    url-encoded or application/sparql-query"""
    refused(send(endpoint, "POST", [], {"Content-Type": "text/plain"}, b"ASK {}"))


def test_bad_query_missing_form_type(endpoint):
    """:bad_query_missing_form_type — invoke query operation with url-encoded body, but without
    application/x-www-form-urlencoded media type"""
    refused(send(endpoint, "POST", [], {}, b"query=ASK%20%7B%7D"))


def test_bad_query_missing_direct_type(endpoint):
    """:bad_query_missing_direct_type — invoke query operation with SPARQL body, but without
    application/sparql-query media type"""
    refused(send(endpoint, "POST", [], {}, b"ASK {}"))


def test_bad_query_non_utf8(endpoint):
    """:bad_query_non_utf8 — invoke query operation with direct POST, but with a non-UTF8 encoding (UTF-16)"""
    refused(send(endpoint, "POST", [], {"Content-Type": "application/sparql-query; charset=UTF-16"},
                 "ASK {}".encode("utf-16")))


def test_bad_query_syntax(endpoint):
    """:bad_query_syntax — invoke query operation with invalid query syntax (4XX result)"""
    refused(send(endpoint, "GET", [("query", "ASK {")]))


@pytest.mark.parametrize("case, method, params, headers, body", [
    ("bad_update_get", "GET", [("update", "CLEAR ALL")], {}, None),
    ("bad_multiple_updates", "POST", [], FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    ("bad_update_wrong_media_type", "POST", [], {"Content-Type": "text/plain"}, b"CLEAR NAMED"),
    ("bad_update_missing_form_type", "POST", [], {}, b"update=CLEAR%20NAMED"),
    ("bad_update_non_utf8", "POST", [], {"Content-Type": "application/sparql-update; charset=UTF-16"},
     "CLEAR NAMED".encode("utf-16")),
    ("bad_update_syntax", "POST", [], FORM, b"update=CLEAR%20XYZ"),
    ("bad_update_dataset_conflict", "POST", [("using-named-graph-uri", "http://example/people")], UPDATE,
     b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
     b"DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
     b"WHERE { ?person foaf:givenName 'Bill' }"),
])
def test_bad_update(endpoint, case, method, params, headers, body):
    """:bad_update_get, :bad_multiple_updates, :bad_update_wrong_media_type,
    :bad_update_missing_form_type, :bad_update_non_utf8, :bad_update_syntax,
    :bad_update_dataset_conflict — invalid update requests get a 4xx"""
    refused(send(endpoint, method, params, headers, body))


# --- The update cases, which do not apply ----------------------------------------------------------

@pytest.mark.parametrize("case, params, headers, body", [
    ("update_dataset_default_graph", [("using-graph-uri", DATA["data1"])], UPDATE, b"CLEAR ALL"),
    ("update_dataset_named_graphs", [("using-named-graph-uri", DATA["data1"])], UPDATE, b"DROP ALL"),
    ("update_post_form", [], FORM, b"update=CLEAR%20ALL"),
    ("update_post_direct", [], UPDATE, b"CLEAR ALL"),
])
def test_updates_do_not_apply_to_a_read_only_endpoint(endpoint, case, params, headers, body):
    """The update cases (:update_dataset_*, :update_post_form, :update_post_direct,
    :update_base_uri) need an endpoint that carries updates out: this one refuses them, and the
    data stays as it was."""
    response = send(endpoint, "POST", params, headers, body)
    assert response.status_code == 403 and "read-only" in response.text
    still = send(endpoint, "GET", [("query", f"ASK {{ GRAPH <{DATA['data1']}> {{ ?s ?p ?o }} }}")])
    assert boolean(still) is True


# --- How the dataset of a query is read -------------------------------------------------------

@pytest.mark.parametrize("text, dataset, service", [
    ("SELECT * WHERE { ?s ?p ?o }", False, False),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", True, False),
    ("ASK FROM NAMED <http://example.org/g> { }", True, False),
    ("DESCRIBE <http://example.org/x> FROM <http://example.org/g>", True, False),
    ("# taken from elsewhere\nSELECT * WHERE { ?s <http://example.org/from> ?o }", False, False),
    ("SELECT * WHERE { OPTIONAL { SERVICE SILENT ?where { ?s ?p ?o } } }", False, True),
])
def test_query_shape_reads_dataset_clauses_and_service(text, dataset, service):
    shape = query_shape(text)
    assert (shape.dataset, shape.service, shape.unreadable) == (dataset, service, None)
