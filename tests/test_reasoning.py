"""OWL reasoning: entailments land in graph:inferred, deterministically; an inconsistency is
explained by entities and source lines; a missing Java runtime skips reasoning with a warning."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from spacekg.checks import reasoning
from spacekg.checks.reasoning import explain, reason, reasoning_input
from spacekg.checks.where import Origins
from spacekg.cli import main
from spacekg.errors import SourceError
from spacekg.exports.rdf import union_graph
from spacekg.namespaces import KG, SKG
from spacekg.sources.model import Where


@pytest.fixture(scope="module")
def inferred(built) -> Graph:
    graph = Graph()
    for triple in built.inferred:
        graph.add(triple)
    return graph


def test_co_chairs_took_part_and_inverse_holds(built, inferred):
    union = union_graph(built.dataset) + inferred
    chaired = list(union.subject_objects(SKG.coChairedBy))
    assert chaired
    for meeting, chair in chaired:
        assert (meeting, SKG.participant, chair) in union
        assert (chair, SKG.coChaired, meeting) in inferred


def test_super_classes_are_materialized(built, inferred):
    asserted = union_graph(built.dataset)
    for klass, ancestor in ((SKG.DialogueMeeting, SKG.Event), (SKG.Agency, SKG.Organization)):
        members = set(asserted.subjects(RDF.type, klass))
        assert members and all((m, RDF.type, ancestor) in inferred for m in members), klass


def test_inferred_graph_holds_nothing_asserted(built, inferred):
    asserted = union_graph(built.dataset)
    assert len(inferred) > 100
    assert not [t for t in inferred if t in asserted]


def test_inferred_graph_is_deterministic(built, inferred):
    again = reason(union_graph(built.dataset), Origins.of(built.corpus)).inferred
    assert sorted(again) == sorted(inferred)


def test_reasoning_input_leaves_out_dates_and_statement_nodes(built):
    kept = reasoning_input(union_graph(built.dataset))
    assert not list(kept.triples((None, SKG.startDate, None)))
    assert not list(kept.subjects(RDF.type, SKG.Statement))


def test_inconsistency_is_explained_with_source_lines(built):
    data = union_graph(built.dataset)
    data.add((KG["cds-1"], SKG.eventStatus, SKG.Planned))
    origins = Origins.of(built.corpus)
    origins.facts[(KG["cds-1"], SKG.eventStatus, SKG.Planned)] = Where("sources/annotations/x.yaml", 7)
    with pytest.raises(SourceError) as caught:
        reason(data, origins)
    text = str(caught.value)
    assert "sources/annotations/x.yaml:7: kg:cds-1 has two values for skg:eventStatus" in text
    assert "skg:Held" in text and "skg:Planned" in text and "Exception" not in text


def test_disjoint_classes_are_explained(built):
    data = reasoning_input(union_graph(built.dataset))
    data.add((KG.jaxa, SKG.heldIn, KG.tokyo))  # heldIn's domain is Event, disjoint with Organization
    problems = explain(data, Origins.of(built.corpus))
    assert any("kg:jaxa cannot be both" in p.message and "skg:Event" in p.message
               and "skg:Organization" in p.message for p in problems), problems


def test_broken_java_is_detected(monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "false")  # found on PATH, but fails to run
    assert reasoning.java_problem().startswith("the Java runtime")


def test_reasoner_failure_is_summarized_without_stack_trace():
    error = RuntimeError("Java error message is:\njava.lang.OutOfMemoryError: Java heap space\n"
                         "\tat org.semanticweb.HermiT.Reasoner.<init>(Reasoner.java:86)")
    assert reasoning._first_line(error) == "java.lang.OutOfMemoryError: Java heap space"


def test_missing_java_skips_with_a_warning(scratch, monkeypatch, capsys):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-runtime")
    assert reasoning.java_problem().startswith("no Java runtime")
    assert main(["--root", str(scratch.root), "build", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: OWL reasoning skipped: no Java runtime" in err and "Traceback" not in err
    assert "graph:inferred" not in (scratch.output / "spacekg.trig").read_text(encoding="utf-8")
