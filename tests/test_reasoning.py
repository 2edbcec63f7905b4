"""OWL reasoning: entailments land in graph:inferred, deterministically; an inconsistency is
explained by entities and source lines; a missing Java runtime skips reasoning with a warning."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from spacekg.checks import reasoning
from spacekg.checks.reasoning import explain, reason, reasoning_input
from spacekg.checks.where import Origins
from spacekg.cli import main
from spacekg.errors import SourceError
from spacekg.exports.owl import OWL_FILE
from spacekg.exports.rdf import union_graph
from spacekg.namespaces import DOC, KG, SKG
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


@pytest.fixture(scope="module")
def owl_file(built, layout):
    return layout.output / OWL_FILE


def test_the_rules_infer_what_hermit_infers(built, inferred, owl_file):
    """The build's SPARQL rules and HermiT, given the ontology and the data, infer the same triples."""
    hermit = reason(union_graph(built.dataset), Origins.of(built.corpus), owl_file).inferred
    assert sorted(hermit) == sorted(inferred) and len(inferred) > 100


def in_one_graph(graph: Graph) -> list[ox.Quad]:
    """The triples of ``graph`` as quads of one named graph, for a store."""
    from spacekg.oxigraph import to_oxigraph

    return [ox.Quad(*(to_oxigraph(t) for t in triple), ox.NamedNode("urn:x-test:g")) for triple in graph]


def rule_clashes(graph: Graph):
    from spacekg.checks.rules import Rules
    from spacekg.ontology import load_ontology

    store = ox.Store()
    store.extend(in_one_graph(graph))
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


@pytest.mark.parametrize("distinct_nodes", [None, -1], ids=["candidates-distinct", "candidates-as-they-come"])
def test_the_rules_find_an_entity_in_disjoint_classes(built, distinct_nodes, monkeypatch):
    """Each node in two disjoint classes, once, and not a node whose IRI extends its IRI (the
    members of each class are merged as sorted lines), whichever form the queries take."""
    from spacekg.checks import rules

    if distinct_nodes is not None:
        monkeypatch.setattr(rules, "DISTINCT_NODES", distinct_nodes)
    data = union_graph(built.dataset)
    data.add((KG.jaxa, SKG.heldIn, KG.tokyo))  # heldIn's domain is Event, disjoint with Organization
    data.add((KG["jaxa-x"], RDF.type, SKG.Agency))
    data.add((KG["cds-1"], RDF.type, SKG.Agency))  # a meeting, and an agency as well
    assert sorted((c.node, c.first, c.second) for c in rule_clashes(data) if c.prop is None) == [
        (KG["cds-1"], SKG.Event, SKG.Organization), (KG.jaxa, SKG.Event, SKG.Organization)]


def store_on_disk(graph: Graph, location) -> ox.Store:
    store = ox.Store(str(location))
    store.bulk_extend(in_one_graph(graph))
    store.flush()
    del store
    return ox.Store.read_only(str(location))


def test_the_rules_answer_alike_in_worker_processes(built, inferred, tmp_path, monkeypatch):
    """Answered by worker processes that open the store on disk, the rules find what they find in
    one process; with a clash, they give no entailments and leave no folder behind."""
    from spacekg.checks import answers
    from spacekg.checks.entailed import Entailed
    from spacekg.checks.rules import Rules
    from spacekg.ontology import load_ontology

    monkeypatch.setattr(answers, "workers", lambda: 2)
    rules = Rules.of(load_ontology(built_ontology()))
    data = union_graph(built.dataset)
    clashes, entailed = rules.check(store_on_disk(data, tmp_path / "plain"), tmp_path / "plain")
    assert clashes == [] and sorted(entailed) == sorted(inferred)

    data.add((KG.jaxa, SKG.heldIn, KG.tokyo))
    parts, made = tmp_path / "parts", []

    def new_folder(parent=None):
        parts.mkdir()
        made.append(parts)
        return parts

    monkeypatch.setattr(Entailed, "new_folder", staticmethod(new_folder))
    clashes, entailed = rules.check(store_on_disk(data, tmp_path / "clash"), tmp_path / "clash")
    assert [c.node for c in clashes] == [KG.jaxa] and len(entailed) == 0
    assert made and not parts.exists()


def test_the_forms_of_a_large_graph_give_the_same_entailments(built, inferred, tmp_path, monkeypatch):
    """In the forms they take on a large graph (every candidate tested as it comes, answers sorted
    a few lines at a time, in runs merged afterwards), the rules give the same entailments, and no
    run is left beside them."""
    from spacekg.checks import answers, rules as rules_module
    from spacekg.checks.entailed import TRIPLES_FILE, Entailed
    from spacekg.checks.rules import Rules
    from spacekg.ontology import load_ontology

    monkeypatch.setattr(answers, "RUN_LINES", 3)
    monkeypatch.setattr(rules_module, "DISTINCT_NODES", -1)  # never
    forms = []
    chosen = answers.chosen
    monkeypatch.setattr(answers, "chosen", lambda store, query: forms.append(text := chosen(store, query)) or text)
    merges, folders = [], []
    merge_sorted, new_folder = answers.merge_sorted, Entailed.new_folder
    monkeypatch.setattr(answers, "merge_sorted", lambda parts, target: merges.append(target) or merge_sorted(parts, target))
    monkeypatch.setattr(Entailed, "new_folder", staticmethod(lambda parent=None: folders.append(new_folder(parent)) or folders[-1]))
    rules = Rules.of(load_ontology(built_ontology()))
    clashes, entailed = rules.check(store_on_disk(union_graph(built.dataset), tmp_path / "store"))
    assert clashes == [] and sorted(entailed) == sorted(inferred)
    assert len([target for target in merges if target.name != TRIPLES_FILE]) > 1  # answers were sorted in runs
    assert forms and not any("DISTINCT" in text for text in forms)  # every candidate tested as it comes
    assert [path.name for path in folders[0].iterdir()] == [TRIPLES_FILE]


def test_the_rules_find_nothing_in_the_built_graph(built):
    assert rule_clashes(union_graph(built.dataset)) == []


def test_reasoning_input_holds_the_facts_about_entities_and_documents_without_dates(built):
    asserted = union_graph(built.dataset)
    kept = reasoning_input(asserted)
    assert not list(kept.triples((None, SKG.startDate, None)))
    assert not list(kept.subjects(RDF.type, SKG.Statement))
    assert not list(kept.triples((None, RDF.type, OWL.Class)))  # the ontology comes from its file
    assert {s for s in kept.subjects() if not str(s).startswith((str(KG), str(DOC)))} == set()
    assert (KG["cds-1"], SKG.coChairedBy, KG.ostp) in kept


def test_hermit_reads_the_ontology_file_as_it_is(built, owl_file, tmp_path):
    """An axiom added to the RDF/XML file (and nowhere else) decides the outcome: JAXA is an
    agency, so declaring agencies disjoint with organizations makes the data inconsistent."""
    text = owl_file.read_text(encoding="utf-8")
    axiom = (f'<owl:Class rdf:about="{SKG.Agency}"><owl:disjointWith rdf:resource="{SKG.Organization}"/>'
             "</owl:Class>\n</rdf:RDF>")
    changed = tmp_path / OWL_FILE
    changed.write_text(text.replace("</rdf:RDF>", axiom), encoding="utf-8")
    with pytest.raises(SourceError):
        reason(union_graph(built.dataset), Origins.of(built.corpus), changed)


def test_inconsistency_is_explained_with_source_lines(built, owl_file):
    data = union_graph(built.dataset)
    data.add((KG["cds-1"], SKG.eventStatus, SKG.Planned))
    origins = Origins.of(built.corpus)
    origins.facts[(KG["cds-1"], SKG.eventStatus, SKG.Planned)] = Where("sources/annotations/x.yaml", 7)
    with pytest.raises(SourceError) as caught:
        reason(data, origins, owl_file)
    text = str(caught.value)
    assert "sources/annotations/x.yaml:7: kg:cds-1 has two values for skg:eventStatus" in text
    assert "skg:Held" in text and "skg:Planned" in text and "Exception" not in text


def test_disjoint_classes_are_explained(built):
    data = union_graph(built.dataset)
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
    assert list(ox.parse(path=str(scratch.output / "spacekg-inferred.trig"), format=ox.RdfFormat.TRIG))


def test_entailments_are_kept_on_disk_sorted_without_repeats(built):
    from spacekg.checks.entailed import TRIPLES_FILE

    lines = (built.inferred.folder / TRIPLES_FILE).read_bytes().splitlines()
    assert lines and lines == sorted(set(lines)) and len(lines) == len(built.inferred)
    assert list(built.inferred) == list(built.inferred)  # read again from the file, alike


def test_merged_answers_drop_repeats_and_the_folder_goes_with_them():
    import gc

    from spacekg.checks.entailed import Entailed

    folder = Entailed.new_folder()
    first, second = folder / "0.nt", folder / "1.nt"
    first.write_bytes(b"<urn:a> <urn:p> <urn:b> .\n<urn:c> <urn:p> <urn:d> .\n")
    second.write_bytes(b"<urn:a> <urn:p> <urn:b> .\n<urn:b> <urn:p> <urn:c> .\n")
    merged = Entailed.merged(folder, [first, second])
    assert len(merged) == 3 and not first.exists() and not second.exists()
    assert [str(t.subject) for t in merged.triples()] == ["<urn:a>", "<urn:b>", "<urn:c>"]
    del merged
    gc.collect()
    assert not folder.exists()


def test_ontology_check_stopped_midway_leaves_no_temporary_files(layout, tmp_path, monkeypatch):
    """A build that fails stops HermiT where it is: the reasoner's temporary files (owlready2
    writes the ontology to one for HermiT) go with the check's own folder."""
    import tempfile
    import time

    from spacekg.build import read_ontology
    from spacekg.checks.stages import OntologyCheck

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ontology, _ = read_ontology(layout)
    check = OntologyCheck.start(layout, ontology, cached=False)
    reasoner_files = []
    deadline = time.monotonic() + 120
    while not reasoner_files and check._process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        reasoner_files = [path for path in scratch.rglob("tmp*") if path.is_file()]
    check.stop()
    assert reasoner_files, "the reasoner ended before it wrote its temporary file"
    assert not list(scratch.iterdir()), f"left behind: {sorted(scratch.rglob('*'))}"
