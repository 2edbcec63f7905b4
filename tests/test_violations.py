"""queries/*-violation.rq return no rows on the real graph, and each finds its deliberate breakage;
quote offsets slice the source text to the quoted words."""

from __future__ import annotations

import pytest

from spacekg.build import in_memory
from spacekg.ontology import load_ontology
from rdflib import Literal
from rdflib.namespace import OWL, PROV, RDF, XSD

from spacekg.checks.violations import run_violation_query, violation_queries
from spacekg.checks.where import Origins
from spacekg.namespaces import DOC, GRAPH, KG, SKG, STMT
from spacekg.paths import ROOT
from spacekg.sources.quotes import normalize

QUERIES = {p.name: p for p in violation_queries(ROOT / "queries")}
TEST_GRAPH = GRAPH["test"]


def claim(node, subject, prop, value, rank=SKG.NormalRank, document=DOC["cds1-joint-statement-2013"]):
    return [(node, RDF.type, SKG.Statement), (node, RDF.subject, subject), (node, RDF.predicate, prop),
            (node, RDF.object, value), (node, SKG.rank, rank), (node, PROV.wasDerivedFrom, document)]


def date(text):
    return Literal(text, datatype=XSD.date)


BREAKAGES = {
    "meeting-ends-before-it-starts-violation.rq": [(KG.x, SKG.startDate, date("2020-05-02")),
                                                   (KG.x, SKG.endDate, Literal("2020-04", datatype=XSD.gYearMonth))],
    "organization-is-its-own-ancestor-violation.rq": [(KG.x, SKG.subOrganizationOf, KG.y),
                                                      (KG.y, SKG.subOrganizationOf, KG.x)],
    "place-is-inside-itself-violation.rq": [(KG.x, SKG.locatedIn, KG.x)],
    "conflicting-preferred-claims-violation.rq": (
        claim(STMT["t/a/x"], KG.x, SKG.heldIn, KG.tokyo, SKG.PreferredRank)
        + claim(STMT["t/b/x"], KG.x, SKG.heldIn, KG.washington, SKG.PreferredRank)
        + [(SKG.heldIn, RDF.type, OWL.FunctionalProperty)]),
    "planned-before-announcement-violation.rq": (
        claim(STMT["t/a/x"], KG.x, SKG.startDate, Literal("2012", datatype=XSD.gYear))
        + claim(STMT["t/b/x"], KG.x, SKG.eventStatus, SKG.Planned)),
    "held-after-report-violation.rq": (
        claim(STMT["t/a/x"], KG.x, SKG.startDate, date("2014-01-01"))
        + claim(STMT["t/b/x"], KG.x, SKG.eventStatus, SKG.Held)),
    "duplicate-ordinal-violation.rq": [(KG.x, SKG.inSeries, KG.s), (KG.y, SKG.inSeries, KG.s),
                                       (KG.x, SKG.ordinal, Literal(3)), (KG.y, SKG.ordinal, Literal(3))],
    "next-meeting-out-of-order-violation.rq": [(KG.x, SKG.nextMeeting, KG.y), (KG.x, SKG.ordinal, Literal(4)),
                                               (KG.y, SKG.ordinal, Literal(2))],
    "untraced-fact-violation.rq": [],  # added to a document graph below
    "realized-plan-violation.rq": [(KG.x, SKG.realizedAs, KG.y), (KG.x, SKG.inSeries, KG.s),
                                   (KG.y, SKG.inSeries, KG.s), (KG.y, SKG.eventStatus, SKG.Held),
                                   (KG.x, SKG.ordinal, Literal(3)), (KG.y, SKG.ordinal, Literal(4))],
}


def test_every_violation_query_has_a_breakage():
    assert set(QUERIES) == set(BREAKAGES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_violation_in_the_real_graph(built, name):
    assert run_violation_query(built.dataset, QUERIES[name], Origins.of(built.corpus), "x") == []


@pytest.fixture(scope="module")
def writable(built, layout):
    """The built graph again, in a store the tests may add to (the built store is read-only)."""
    return in_memory(load_ontology(layout.ontology), built.corpus)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_violation_query_finds_its_breakage(built, writable, name):
    dataset = writable
    if name == "untraced-fact-violation.rq":
        graph = dataset.graph(GRAPH["doc/cds1-joint-statement-2013"])
        triples = [(KG.x, SKG.heldIn, KG.tokyo)]
    else:
        graph = dataset.graph(TEST_GRAPH)
        triples = BREAKAGES[name]
    for triple in triples:
        graph.add(triple)
    try:
        problems = run_violation_query(dataset, QUERIES[name], Origins.of(built.corpus), "x")
    finally:
        for triple in triples:
            graph.remove(triple)
    assert problems and all(p.message for p in problems)
    assert any(p.message.startswith(("kg:x", "stmt:t/")) for p in problems), problems


def test_quote_offsets_slice_the_text_to_the_quote(built, layout):
    quoted = [statement for statement in built.corpus.statements if not statement.cited]
    assert quoted
    texts = {d.id: (layout.root / d.text_file).read_text(encoding="utf-8") for d in built.corpus.documents
             if not d.cited}
    for statement in quoted:
        quote = statement.quote
        assert texts[statement.document][quote.start:quote.end] == quote.exact, statement.where
        assert normalize(quote.exact) == normalize(quote.text), statement.where


def test_quote_offsets_in_the_graph(built, layout):
    texts = {str(d.iri): (layout.root / d.text_file).read_text(encoding="utf-8") for d in built.corpus.documents
             if not d.cited}
    rows = built.dataset.query("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?source ?exact ?start ?end WHERE {
          ?anchor oa:hasSource ?source ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end . }""")
    count = 0
    for source, exact, start, end in rows:
        assert texts[str(source)][int(start):int(end)] == str(exact)
        count += 1
    assert count == len([statement for statement in built.corpus.statements if not statement.cited])
