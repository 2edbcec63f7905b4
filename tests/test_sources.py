"""The curated data itself: texts, registry and annotations agree with each other and the ontology.

Every check holds for whatever the sources hold: adding a document, an entity or a meeting never
breaks one (tests/test_added_document.py proves it on a copy of the project).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from spacekg.exports.rdf import FILES
from spacekg.ingest import REGISTRY_GRAPH, document_graph
from spacekg.namespaces import KG, SKG
from spacekg.ontology import DATE_TYPES, Schema, load_ontology
from spacekg.sources.quotes import normalize

from .conftest import copy_project


def test_every_text_has_one_annotation_file(built, layout):
    texts = sorted(p.name for p in layout.texts.glob("*.txt"))
    annotated = sorted(Path(d.text_file).name for d in built.corpus.documents if d.text_file)
    assert texts and texts == annotated


def test_texts_are_the_verbatim_seed_documents(layout):
    seeds = layout.root.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed folder is not beside this checkout")
    texts = {p.read_bytes() for p in layout.texts.glob("*.txt")}
    assert [p.name for p in seeds.glob("*.txt") if p.read_bytes() not in texts] == []


def test_every_document_has_metadata(built, layout):
    """Title, kind and date of issue; every event a document reports on is an event. A verbatim text
    names the events it reports on (a cited record may be about an instrument alone)."""
    schema = Schema.from_graph(load_ontology(layout.ontology))
    for document in built.corpus.documents:
        assert document.title and document.klass and document.issued is not None, document.id
        assert document.about or document.cited, f"{document.id} names no event it reports on"
        for event in document.about:
            klass = built.corpus.entities[str(event).rsplit("/", 1)[-1]].klass
            assert schema.is_a(klass, frozenset({SKG.Event})), (document.id, event)


def test_every_quote_is_in_its_text_at_its_offsets(built, layout):
    texts = {d.id: (layout.root / d.text_file).read_text(encoding="utf-8") for d in built.corpus.documents
             if not d.cited}
    quoted = [statement for statement in built.corpus.statements if not statement.cited]
    assert quoted
    for statement in quoted:
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


def test_every_registry_entry_is_used(built):
    """Each registered entity is the value of some fact or the subject of some statement: the
    registry holds no entry that nothing refers to."""
    graph = built.dataset
    subjects = set(graph.objects(None, RDF.subject))
    unused = [entity.id for entity in built.corpus.entities.values()
              if entity.iri not in subjects and not any(p != RDF.subject for p in graph.predicates(None, entity.iri))]
    assert unused == []


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
    assert checked


def test_statement_nodes_carry_their_provenance(built):
    graph = built.dataset
    statements = set(graph.subjects(RDF.type, SKG.Statement))
    assert len(statements) == sum(len(s.facts) for s in built.corpus.statements)
    for node in statements:
        assert graph.value(node, SKG.rank) in (SKG.PreferredRank, SKG.NormalRank, SKG.DeprecatedRank)
        assert graph.value(node, RDF.subject) and graph.value(node, RDF.predicate)


def test_ranks_decide_the_direct_facts(built):
    """Every claim stays a statement; the direct facts on a subject and property are the values of
    its best claims: preferred before normal, and on a single-valued property quoted before cited
    at the same rank; a deprecated claim never makes a fact."""
    graph = built.dataset
    single_valued = set(graph.subjects(RDF.type, OWL.FunctionalProperty))
    rank_order = {SKG.PreferredRank: 2, SKG.NormalRank: 1}
    claims = defaultdict(lambda: defaultdict(set))
    for node in graph.subjects(RDF.type, SKG.Statement):
        subject, prop = graph.value(node, RDF.subject), graph.value(node, RDF.predicate)
        rank = graph.value(node, SKG.rank)
        if rank == SKG.DeprecatedRank:
            claims[(subject, prop)]  # kept as a statement, makes no fact
            continue
        quoted = graph.value(node, SKG.evidenceKind) == SKG.QuotedEvidence
        standing = (rank_order[rank], int(quoted and prop in single_valued))
        claims[(subject, prop)][standing].add(graph.value(node, RDF.object))
    assert claims
    documents = [graph.graph(document_graph(d.id)) for d in built.corpus.documents]
    for (subject, prop), by_standing in claims.items():
        expected = by_standing[max(by_standing)] if by_standing else set()
        direct = {o for g in documents for o in g.objects(subject, prop)}
        assert direct == expected, (subject, prop, dict(by_standing))


def test_every_cited_statement_has_a_paraphrase_and_its_record_an_address(built):
    """A cited statement says in our words what its record says; the record is known by its URL and
    the day it was consulted. (Holds trivially while no record is cited.)"""
    for document in built.corpus.documents:
        if document.cited:
            assert document.url and document.accessed is not None and document.authority is not None, document.id
    for statement in built.corpus.statements:
        if statement.cited:
            assert statement.paraphrase and statement.paraphrase.strip(), statement.where
        else:
            assert statement.paraphrase is None, statement.where


DATE_FORMS = {XSD.gYear: r"\d{4}", XSD.gYearMonth: r"\d{4}-\d{2}", XSD.date: r"\d{4}-\d{2}-\d{2}"}


def test_dates_keep_the_precision_of_the_text(built, layout):
    """Each date of an annotation is in the graph exactly as written: a year stays a year
    (xsd:gYear), a month a month (xsd:gYearMonth), a day a day (xsd:date)."""
    schema = Schema.from_graph(load_ontology(layout.ontology))
    dated = {name for name, prop in schema.properties.items() if prop.range and prop.range <= DATE_TYPES}
    written = {}
    for path in sorted(layout.annotations.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # every scalar a string
        for statement in data.get("statements") or []:
            for name in dated & set(statement):
                written[(data["document"]["id"], statement["id"], name)] = statement[name]
    assert written
    found = {}
    for statement in built.corpus.statements:
        for fact in statement.facts:
            name = str(fact.prop).rsplit("#", 1)[-1]
            if name in dated:
                found[(statement.document, statement.id, name)] = fact.value
    assert found.keys() == written.keys()
    for key, value in found.items():
        assert str(value) == written[key] and re.fullmatch(DATE_FORMS[value.datatype], str(value)), (key, value)


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
    """Large corpora are read and written, and checked, by worker processes; the files are the same
    bytes as when one process does everything (forced here on the real corpus by lowering the
    thresholds)."""
    from spacekg import build as building
    from spacekg import stream
    from spacekg.checks import answers

    def graph_files(layout):
        files = sorted(layout.output.glob("spacekg*.*")) + [layout.output / "checks.json"]
        return {p.name: p.read_bytes() for p in files}

    one = copy_project(tmp_path / "one")
    building.build(one, say=lambda _: None)
    monkeypatch.setattr(stream, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(stream, "RENEW_WORKERS", 7)  # the workers of each pass renewed several times
    monkeypatch.setattr(answers, "PARALLEL_FROM", 0)
    many = copy_project(tmp_path / "many")
    building.build(many, say=lambda _: None)
    assert set(graph_files(one)) == set(FILES) | {"checks.json"}
    assert graph_files(one) == graph_files(many)
