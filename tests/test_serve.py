"""`spacekg serve`: a read-only SPARQL 1.1 Protocol endpoint, started in a subprocess on loopback."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

import pytest

from rdflib.namespace import RDF

from spacekg.namespaces import KG, SKG

from .conftest import free_port, wait_until_answers

COUNT_MEETINGS = f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a <{SKG.DialogueMeeting}> }}"
MEETINGS = f"SELECT ?m WHERE {{ ?m a <{SKG.DialogueMeeting}> }} ORDER BY ?m"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def endpoint(built, layout):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "spacekg.cli", "--root", str(layout.root), "serve",
                               "--port", str(port), "--timeout", "5"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/", server, attempts=100, delay=0.2, name="spacekg serve")
        yield url
    finally:
        server.terminate()
        server.wait(30)


def fetch(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_get_json_answers_from_the_built_graph(endpoint, built):
    status, headers, body = fetch(f"{endpoint}?{urllib.parse.urlencode({'query': MEETINGS})}",
                                  headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and headers["content-type"].startswith("application/sparql-results+json")
    rows = [b["m"]["value"] for b in json.loads(body)["results"]["bindings"]]
    meetings = sorted({str(s) for s, _, _ in built.dataset.triples((None, RDF.type, SKG.DialogueMeeting))})
    assert rows == meetings and str(KG["cds-1"]) in rows


def test_post_sparql_query_body_csv(endpoint, built):
    status, headers, body = fetch(endpoint, data=COUNT_MEETINGS.encode(), method="POST",
                                  headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(body.decode())))
    meetings = {s for s, _, _ in built.dataset.triples((None, RDF.type, SKG.DialogueMeeting))}
    assert table == [["n"], [str(len(meetings))]]


def test_post_form_xml(endpoint):
    data = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    status, headers, body = fetch(endpoint, data=data, method="POST",
                                  headers={"Content-Type": "application/x-www-form-urlencoded",
                                           "Accept": "application/sparql-results+xml"})
    assert status == 200 and "xml" in headers["content-type"]
    assert ElementTree.fromstring(body).find(f"{RESULTS_NS}boolean").text == "true"


def test_cors_header_for_browser_clients(endpoint):
    status, headers, _ = fetch(f"{endpoint}?query=ASK%7B%7D", headers={"Origin": "http://localhost:8000"})
    assert status == 200 and headers.get("access-control-allow-origin") == "*"


@pytest.mark.parametrize("how", ["update-body", "update-form"])
def test_updates_are_refused_and_nothing_changes(endpoint, how):
    update = f"INSERT DATA {{ <{KG['cds-1']}> <{SKG.ordinal}> 99 }}"
    if how == "update-body":
        status, _, body = fetch(endpoint, data=update.encode(), method="POST",
                                headers={"Content-Type": "application/sparql-update"})
    else:
        status, _, body = fetch(endpoint, data=urllib.parse.urlencode({"update": update}).encode(), method="POST",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    ask = f"ASK {{ <{KG['cds-1']}> <{SKG.ordinal}> 99 }}"
    _, _, answer = fetch(f"{endpoint}?{urllib.parse.urlencode({'query': ask})}")
    assert json.loads(answer)["boolean"] is False


def test_malformed_query_is_a_400_with_a_message(endpoint):
    status, _, body = fetch(f"{endpoint}?{urllib.parse.urlencode({'query': 'SELECT WHERE {'})}")
    assert status == 400 and b"malformed query" in body


def test_a_query_over_the_time_limit_gets_503(endpoint):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 6,000³ rows
    started = time.monotonic()
    status, _, body = fetch(f"{endpoint}?{urllib.parse.urlencode({'query': slow})}")
    assert status == 503 and b"longer than 5 s" in body
    assert time.monotonic() - started < 30


def test_sparqlwrapper_client(endpoint, built):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(COUNT_MEETINGS)
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    meetings = {s for s, _, _ in built.dataset.triples((None, RDF.type, SKG.DialogueMeeting))}
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == len(meetings)
