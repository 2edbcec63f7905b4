"""The RML mapping of the scale benchmark (benchmarks/rml, Morph-KGC's side) stays in step with the
project: its IRIs are the project's, and the records it reads carry every statement and fact.

Morph-KGC itself is not run here (it cannot share spacekg's environment); the benchmark compares
its triples with spacekg.nt: ``python benchmarks/morph_kgc.py ROOT --keep DIR --compare``.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Namespace, URIRef

from spacekg.namespaces import DOC, KG, QUOTE, SKG, STMT
from spacekg.ontology import Schema, load_ontology
from spacekg.sources.load import load_corpus

from .conftest import ROOT, benchmark_script

RML = Namespace("http://w3id.org/rml/")
MAPPING = ROOT / "benchmarks" / "rml" / "spacekg.rml.ttl"


@pytest.fixture(scope="module")
def benchmark():
    return benchmark_script("morph_kgc")


@pytest.fixture(scope="module")
def corpus(layout):
    return load_corpus(layout, Schema.from_graph(load_ontology(layout.ontology)))


def test_the_mapping_mints_the_ingesters_iris():
    templates = set(map(str, Graph().parse(MAPPING).objects(None, RML.template)))
    assert templates == {f"{KG}{{id}}", f"{DOC}{{id}}", f"{DOC}{{document}}",
                         f"{QUOTE}{{document}}/{{statement}}", f"{QUOTE}{{document}}/{{statement}}#quote",
                         f"{QUOTE}{{document}}/{{statement}}#position", f"{STMT}{{document}}/{{statement}}/{{slug}}"}


def test_every_ontology_term_of_the_mapping_exists():
    mapping = Graph().parse(MAPPING)
    named = {str(term) for triple in mapping for term in triple if isinstance(term, URIRef)}
    in_queries = set(re.findall(r"https://w3id\.org/spacekg/ontology#\w+", MAPPING.read_text(encoding="utf-8")))
    terms = {iri.split("#")[1] for iri in named | in_queries if iri.startswith(str(SKG._NS))}
    assert {"Statement", "rank", "TopicScheme", "PreferredRank", "NormalRank"} <= terms
    assert [t for t in terms if not hasattr(SKG, t)] == []


def test_the_records_carry_every_statement_and_fact(benchmark, corpus):
    records = benchmark.records(corpus)
    assert len(records["statements.json"]) == len([s for s in corpus.statements if not s.cited])
    cited = [r for r in records["claims.json"] if r["evidence"] == str(SKG.CitedEvidence)]
    assert all(r.get("paraphrase") and "anchor" not in r for r in cited)
    assert all(r.get("anchor") and "paraphrase" not in r for r in records["claims.json"] if r not in cited)
    assert len(records["claims.json"]) == sum(len(s.facts) for s in corpus.statements)
    assert len(records["entities.json"]) == len(corpus.entities)
    assert len(records["documents.json"]) == len(corpus.documents)
    # every claim is there with its rank, conflicting claims too (each with its own)
    claims = {(r["document"], r["statement"], r["slug"], r["rank"]) for r in records["claims.json"]}
    assert claims == {(s.document, s.id, f.slug, str(s.rank)) for s in corpus.statements for f in s.facts}
    assert {r["rank"] for r in records["claims.json"]} > {str(SKG.NormalRank)}
    # a quote that ends its text keeps its empty suffix (Morph-KGC is told not to take "" for null)
    assert any(r["suffix"] == "" for r in records["statements.json"])


def test_the_records_hold_text_under_keys_morph_kgc_leaves_alone(benchmark, corpus):
    records = benchmark.records(corpus)
    keys = {key for rows in records.values() for row in rows for key in row}
    assert not keys & {"subject", "predicate", "object", "graph", "triple"}
    values = [v for rows in records.values() for row in rows for v in row.values()]
    assert all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in values)
