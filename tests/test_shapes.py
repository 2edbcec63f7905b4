"""ontology/shapes.ttl: every shape has a target that reaches real data, the built graph conforms,
and each shape rejects its deliberately broken data file (tests/broken_shapes/SHAPE.ttl)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from spacekg.checks.shacl import load_shapes, twins
from spacekg.exports.rdf import union_graph
from spacekg.namespaces import SH, SHAPE

BROKEN = Path(__file__).parent / "broken_shapes"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@pytest.fixture(scope="module")
def shapes(layout) -> Graph:
    return load_shapes(layout.shapes)


def named_shapes(shapes: Graph) -> list[URIRef]:
    return sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))


def used_within_another_shape(shapes: Graph, shape) -> bool:
    return any(p != RDF.type for _, p, _ in shapes.triples((None, None, shape))) or any(
        shape in shapes.items(lst) for lst in shapes.objects(None, SH["or"]))


def test_shacl_namespace(shapes):
    assert str(SH) == "http://www.w3.org/ns/shacl#"
    assert named_shapes(shapes)


def test_every_shape_has_a_target_or_is_used_by_one(shapes):
    for shape in named_shapes(shapes):
        has_target = any((shape, t, None) in shapes for t in TARGETS)
        assert has_target or used_within_another_shape(shapes, shape), f"{shape} validates nothing"
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert not isinstance(shape, BNode) or used_within_another_shape(shapes, shape)


def test_every_targeted_shape_reaches_the_real_graph(shapes, built):
    data = union_graph(built.dataset)
    for shape in named_shapes(shapes):
        focus = set()
        for klass in shapes.objects(shape, SH.targetClass):
            for sub in data.transitive_subjects(RDFS.subClassOf, klass):
                focus |= set(data.subjects(RDF.type, sub))
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            focus |= set(data.subjects(prop, None))
        if any((shape, t, None) in shapes for t in TARGETS):
            assert focus, f"{shape} has a target that matches nothing in the built graph"


def test_the_built_graph_conforms(shapes, built):
    conforms, _, text = validate(union_graph(built.dataset), shacl_graph=shapes, inference="none")
    assert conforms, text


def top_level(shapes: Graph, shape):
    """The named shape that a result's source shape belongs to."""
    seen = {shape}
    while not isinstance(shape, URIRef) or (shape, RDF.type, SH.NodeShape) not in shapes:
        parents = [s for s, p, _ in shapes.triples((None, None, shape)) if p != RDF.type]
        parents += [s for lst in list(shapes.subjects(RDF.first, shape)) for s in _list_owners(shapes, lst)]
        parents = [p for p in parents if p not in seen]
        if not parents:
            return shape
        shape = parents[0]
        seen.add(shape)
    return shape


def _list_owners(shapes: Graph, node):
    while (None, RDF.rest, node) in shapes:
        node = shapes.value(predicate=RDF.rest, object=node)
    return list(shapes.subjects(None, node))


@pytest.mark.parametrize("case", sorted(p.stem for p in BROKEN.glob("*.ttl")))
def test_broken_data_fails_its_shape(shapes, layout, case):
    data = Graph().parse(BROKEN / f"{case}.ttl", format="turtle")
    data += Graph().parse(layout.ontology, format="turtle")
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none")
    assert not conforms, f"{case}.ttl passed: the shape matches nothing"
    failed = {top_level(shapes, s) for s in report.objects(None, SH.sourceShape)}
    assert SHAPE[case] in failed, text


def test_one_broken_file_per_shape(shapes):
    targeted = {s for s in named_shapes(shapes) if any((s, t, None) in shapes for t in TARGETS)}
    assert {SHAPE[p.stem] for p in BROKEN.glob("*.ttl")} == targeted


# -- the SPARQL twins that builds run on the store ---------------------------------------------------

TWINS = Path(__file__).resolve().parents[1] / "ontology" / "shapes"


def test_every_targeted_shape_has_its_sparql_twin(shapes):
    targeted = {s for s in named_shapes(shapes) if any((s, t, None) in shapes for t in TARGETS)}
    assert {SHAPE[name] for name in twins(TWINS)} == targeted


def in_store(graph: Graph, name: str = "urn:x-test:graph"):
    """An rdflib graph in an in-memory Oxigraph store (as one named graph: the twins read the union)."""
    import pyoxigraph as ox

    from spacekg.oxigraph import to_oxigraph

    store = ox.Store()
    name = ox.NamedNode(name)
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in graph)
    return store


def pyshacl_findings(shapes: Graph, data: Graph) -> set:
    """pySHACL's results on the nodes the shapes target (it also reports, for a value that fails a
    nested shape such as shape:Date, a result on the value itself: a detail of the same violation)."""
    _, report, _ = validate(data, shacl_graph=shapes, inference="none")
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultMessage)))
            for r in report.subjects(RDF.type, SH.ValidationResult) if isinstance(report.value(r, SH.focusNode), URIRef)}


def twin_findings(shapes: Graph, data: Graph) -> set:
    from spacekg.checks.shacl import twin_violations

    return {(str(focus), message) for focus, _, _, message in twin_violations(in_store(data), shapes, TWINS)}


@pytest.mark.parametrize("case", sorted(p.stem for p in BROKEN.glob("*.ttl")))
def test_the_twins_find_what_pyshacl_finds(shapes, layout, case):
    data = Graph().parse(BROKEN / f"{case}.ttl", format="turtle")
    data += Graph().parse(layout.ontology, format="turtle")
    expected = pyshacl_findings(shapes, data)
    assert expected and twin_findings(shapes, data) == expected


def test_the_twins_find_nothing_in_the_built_graph(shapes, built):
    assert twin_findings(shapes, union_graph(built.dataset)) == set() == pyshacl_findings(shapes, union_graph(built.dataset))


PARTS = sorted(path.name for paths in twins(TWINS).values() if len(paths) > 1 for path in paths)


@pytest.mark.parametrize("part", PARTS)
def test_every_part_of_a_twin_finds_its_share_of_the_broken_data(layout, part):
    """A twin in parts (NAME.PART.rq): each part finds a violation in broken_shapes/NAME.ttl, so
    that none is dead and the broken file tries them all."""
    from spacekg.checks.answers import select_all

    name = part.split(".")[0]
    data = Graph().parse(BROKEN / f"{name}.ttl", format="turtle")
    data += Graph().parse(layout.ontology, format="turtle")
    [(_, rows)] = select_all(in_store(data), [(TWINS / part).read_text(encoding="utf-8")])
    assert rows, f"{part} finds nothing in broken_shapes/{name}.ttl"


def test_a_twin_that_does_not_parse_is_named(shapes, tmp_path):
    import pyoxigraph as ox

    from spacekg.checks.shacl import twin_violations
    from spacekg.errors import SpacekgError

    (tmp_path / "Ordinal.rq").write_text("SELECT ?focus WHERE { ?focus ", encoding="utf-8")
    with pytest.raises(SpacekgError, match="Ordinal.rq: the shape's SPARQL cannot run"):
        twin_violations(ox.Store(), shapes, tmp_path)


# -- twins read a slice of the document graphs at a time ---------------------------------------------

SLICED = sorted(path.name for paths in twins(TWINS).values() for path in paths
                if "VALUES ?slice { UNDEF }" in path.read_text(encoding="utf-8"))


def test_some_twins_are_sliced():
    assert SLICED, "no twin reads the graphs a slice at a time"


def test_what_a_sliced_twin_reads_of_a_statement_lies_in_one_graph(built):
    """The sliced twins look for a statement's triples, its quote selectors and its cited records
    in one graph: in the built graph each of them is written to the graph of its document."""
    read = """PREFIX skg: <https://w3id.org/spacekg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?g ?node WHERE {
          { GRAPH ?g { ?node skg:evidenceKind ?kind } } UNION
          { GRAPH ?g { ?statement skg:evidenceKind ?kind ; oa:hasTarget ?node } } UNION
          { GRAPH ?g { ?statement skg:evidenceKind ?kind ; oa:hasTarget/oa:hasSelector ?node } } UNION
          { GRAPH ?g { ?statement skg:evidenceKind skg:CitedEvidence ; prov:wasDerivedFrom ?node } }
          %s
        }"""
    nodes = list(built.dataset.query(read % ""))
    elsewhere = list(built.dataset.query(read % "GRAPH ?elsewhere { ?node ?p ?o } FILTER(?elsewhere != ?g)"))
    assert len({g for g, _ in nodes}) > 1 and len(nodes) > 1000
    assert elsewhere == []


@pytest.mark.parametrize("place", ["first", "middle", "last"])
def test_a_sliced_twin_reads_every_slice(shapes, layout, monkeypatch, place):
    """With one graph a slice and three slices a job, the broken data in one graph among nine are
    found wherever that graph falls: first of all, in the middle of a job, last of all."""
    import pyoxigraph as ox

    from spacekg.checks import answers
    from spacekg.checks.shacl import twin_violations

    monkeypatch.setattr(answers, "GRAPHS_A_SLICE", 1)
    monkeypatch.setattr(answers, "SLICES_A_JOB", 3)
    names = {"first": "urn:x-test:0", "middle": "urn:x-test:4b", "last": "urn:x-test:z"}
    for name in sorted({path.split(".")[0] for path in SLICED}):
        data = Graph().parse(BROKEN / f"{name}.ttl", format="turtle")
        data += Graph().parse(layout.ontology, format="turtle")
        store = in_store(data, names[place])
        for number in range(1, 9):
            store.add(ox.Quad(ox.NamedNode("urn:x-test:s"), ox.NamedNode("urn:x-test:p"), ox.Literal(number),
                              ox.NamedNode(f"urn:x-test:{number}")))
        found = {(str(focus), message) for focus, _, _, message in twin_violations(store, shapes, TWINS)}
        assert found == pyshacl_findings(shapes, data), name
