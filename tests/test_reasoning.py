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
    chairs = set(union.objects(KG["cds-1"], SKG.coChairedBy))
    assert chairs
    for chair in chairs:
        assert (KG["cds-1"], SKG.participant, chair) in union
        assert (chair, SKG.coChaired, KG["cds-1"]) in inferred


def test_super_classes_are_materialized(inferred):
    assert (KG["cds-1"], RDF.type, SKG.Event) in inferred
    assert (KG.jaxa, RDF.type, SKG.Organization) in inferred


def test_inferred_graph_holds_nothing_asserted(built, inferred):
    asserted = union_graph(built.dataset)
    assert len(inferred) > 100
    assert not [t for t in inferred if t in asserted]


def test_the_rules_infer_what_hermit_infers(built, inferred):
    """The build's SPARQL rules and HermiT, given the ontology and the data, infer the same triples."""
    hermit = reason(union_graph(built.dataset), Origins.of(built.corpus)).inferred
    assert sorted(hermit) == sorted(inferred) and len(inferred) > 100


def rule_clashes(graph: Graph):
    import pyoxigraph as ox

    from spacekg.checks.rules import Rules
    from spacekg.ontology import load_ontology
    from spacekg.oxigraph import to_oxigraph

    store = ox.Store()
    store.extend(ox.Quad(*(to_oxigraph(t) for t in triple), ox.NamedNode("urn:x-test:g")) for triple in graph)
    return Rules.of(load_ontology(built_ontology())).clashes(store)


def built_ontology():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "ontology" / "spacekg.ttl"


def test_the_rules_find_two_values_of_a_functional_property(built):
    data = union_graph(built.dataset)
    data.add((KG["cds-1"], SKG.eventStatus, SKG.Planned))
    clashes = rule_clashes(data)
    assert [(c.node, c.prop, {c.first, c.second}) for c in clashes] == [
        (KG["cds-1"], SKG.eventStatus, {SKG.Held, SKG.Planned})]


def test_the_rules_find_an_entity_in_disjoint_classes(built):
    data = union_graph(built.dataset)
    data.add((KG.jaxa, SKG.heldIn, KG.tokyo))  # heldIn's domain is Event, disjoint with Organization
    assert [(c.node, {c.first, c.second}) for c in rule_clashes(data) if c.prop is None] == [
        (KG.jaxa, {SKG.Event, SKG.Organization})]


def test_the_rules_find_nothing_in_the_built_graph(built):
    assert rule_clashes(union_graph(built.dataset)) == []


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


def test_missing_java_skips_the_ontology_check_with_a_warning(scratch, monkeypatch, capsys):
    """HermiT needs Java (it runs in a child process, which sees PATH): without it the ontology's
    check is skipped with a warning, and the rules on the data still run."""
    monkeypatch.setenv("PATH", "/nonexistent")
    assert main(["--root", str(scratch.root), "build", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "warning: OWL consistency of the ontology not checked: no Java runtime" in err and "Traceback" not in err
    assert "graph:inferred" in (scratch.output / "spacekg.trig").read_text(encoding="utf-8")
