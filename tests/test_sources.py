"""The curated data itself: texts, registry and annotations agree with each other and the ontology."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from spacekg.exports.rdf import FILES
from spacekg.ingest import REGISTRY_GRAPH, document_graph
from spacekg.namespaces import KG, SKG
from spacekg.ontology import Schema, load_ontology
from spacekg.sources.quotes import normalize

from .conftest import copy_project


def test_every_text_has_one_annotation_file(built, layout):
    texts = sorted(p.name for p in layout.texts.glob("*.txt"))
    annotated = sorted(Path(d.text_file).name for d in built.corpus.documents)
    assert texts == annotated
    assert len(texts) == 5


def test_texts_are_the_verbatim_seed_documents(layout):
    seeds = layout.root.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed folder is not beside this checkout")
    seed_texts = sorted(p.read_bytes() for p in seeds.glob("*.txt"))
    assert seed_texts == sorted(p.read_bytes() for p in layout.texts.glob("*.txt"))


def test_every_document_has_metadata(built):
    for document in built.corpus.documents:
        assert document.title and document.klass and document.issued is not None, document.id
        assert document.about, f"{document.id} names no event it reports on"


def test_every_quote_is_in_its_text_at_its_offsets(built, layout):
    texts = {d.id: (layout.root / d.text_file).read_text(encoding="utf-8") for d in built.corpus.documents}
    for statement in built.corpus.statements:
        text = texts[statement.document]
        quote = statement.quote
        assert text[quote.start:quote.end] == quote.exact
        assert normalize(quote.exact) == normalize(quote.text), statement.where
        assert normalize(text).count(normalize(quote.text)) == 1, f"{statement.where}: quote is not unique"


def test_every_statement_asserts_facts_about_a_registered_entity(built):
    for statement in built.corpus.statements:
        assert statement.facts, statement.where
        assert str(statement.subject).startswith(str(KG))


def test_every_entity_used_in_the_graph_is_registered(built):
    graph = built.dataset
    registry = built.dataset.graph(REGISTRY_GRAPH)
    for document in built.corpus.documents:
        for s, p, o in graph.graph(document_graph(document.id)):
            for term in (s, o):
                if isinstance(term, URIRef) and str(term).startswith(str(KG)):
                    assert (term, RDFS.label, None) in registry, f"{term} is used but has no registry entry"


def test_every_direct_fact_fits_the_ontology(built, layout):
    """Checked against the ontology file directly: each skg property's domain and range."""
    ontology = load_ontology(layout.ontology)
    schema = Schema.from_graph(ontology)
    graph = built.dataset
    types = {}
    for s, o in graph.subject_objects(RDF.type):
        types.setdefault(s, set()).add(o)
    checked = 0
    for prop in schema.properties.values():
        for s, o in graph.subject_objects(prop.iri):
            if str(s).startswith(str(KG)):
                assert any(schema.is_a(t, prop.domain) for t in types[s]), f"{s} {prop.name}: outside the domain"
                if prop.is_object:
                    assert any(schema.is_a(t, prop.range) for t in types[o]), f"{s} {prop.name} {o}: outside the range"
                else:
                    assert isinstance(o, Literal) and o.datatype in prop.range, f"{s} {prop.name} {o!r}"
                checked += 1
    assert checked > 300


def test_statement_nodes_carry_their_provenance(built):
    graph = built.dataset
    statements = set(graph.subjects(RDF.type, SKG.Statement))
    assert len(statements) == sum(len(s.facts) for s in built.corpus.statements)
    for node in statements:
        assert graph.value(node, SKG.rank) in (SKG.PreferredRank, SKG.NormalRank, SKG.DeprecatedRank)
        assert graph.value(node, RDF.subject) and graph.value(node, RDF.predicate)


def test_the_ninth_meeting_keeps_both_dates_and_prefers_one(built):
    graph = built.dataset
    claims = {}
    for node in graph.subjects(RDF.subject, KG["cds-9"]):
        if graph.value(node, RDF.predicate) == SKG.startDate:
            claims[str(graph.value(node, RDF.object))] = graph.value(node, SKG.rank)
    assert claims == {"2024-08-26": SKG.PreferredRank, "2024-09-26": SKG.NormalRank}
    assert set(graph.objects(KG["cds-9"], SKG.startDate)) == {Literal("2024-08-26", datatype=XSD.date)}


def test_dates_keep_the_precision_of_the_text(built):
    graph = built.dataset
    assert graph.value(KG["lunar-declaration-of-intent"], SKG.agreementDate) == Literal("2020-07", datatype=XSD.gYearMonth)
    assert graph.value(KG["cds-8-plan"], SKG.startDate) == Literal("2021", datatype=XSD.gYear)
    assert graph.value(KG["cds-1"], SKG.startDate) == Literal("2013-03-11", datatype=XSD.date)


def test_the_ontology_has_no_terms_outside_its_namespace_list(layout):
    ontology = load_ontology(layout.ontology)
    assert (None, RDF.type, OWL.Ontology) in ontology


def test_two_builds_are_byte_identical(tmp_path):
    """Two builds in separate processes with different hash seeds write the same bytes.

    The embedded store's database files (output/store/) are a cache, not an export, and are left out.
    """
    from spacekg.paths import current_build

    outputs = []
    for seed in ("1", "2"):
        project = copy_project(tmp_path / f"project-{seed}")
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(project.root), "build", "--quiet"],
                       check=True, env=env, capture_output=True)
        build = current_build(project)
        outputs.append({p.relative_to(build): p.read_bytes() for p in sorted(build.rglob("*"))
                        if p.is_file() and "store" not in p.relative_to(build).parts})
    assert outputs[0].keys() == outputs[1].keys()
    assert {"spacekg.ttl", "spacekg.trig", "spacekg.nq", "spacekg.nt", "spacekg.jsonld", "graph.html", "index.html"} <= {
        p.name for p in outputs[0]}
    assert [name for name in outputs[0] if outputs[0][name] != outputs[1][name]] == []


def test_worker_processes_write_the_same_files(tmp_path, monkeypatch):
    """Large corpora are read and written by worker processes; the files are the same bytes as
    when one process does everything (forced here on the real corpus by lowering the thresholds)."""
    from spacekg import build as building
    from spacekg import stream

    def graph_files(layout):
        return {p.name: p.read_bytes() for p in sorted(layout.output.glob("spacekg*.*"))}

    one = copy_project(tmp_path / "one")
    building.build(one, say=lambda _: None)
    monkeypatch.setattr(stream, "PARALLEL_BYTES", 0)
    many = copy_project(tmp_path / "many")
    building.build(many, say=lambda _: None)
    assert set(graph_files(one)) == set(FILES)
    assert graph_files(one) == graph_files(many)
