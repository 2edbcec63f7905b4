"""The built Oxigraph store: opened without parsing, exact datatypes, replaced only by a good build."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import BNode, Literal
from rdflib.namespace import RDF, XSD

from spacekg.ingest import INFERRED_GRAPH
from spacekg.namespaces import KG, OA, SKG
from spacekg.paths import Layout
from spacekg.store import open_dataset


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_size, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def comparable(dataset) -> set:
    """Quads without blank nodes (a parser relabels them); "x"^^xsd:string written as "x"."""
    def plain(term):
        return Literal(str(term)) if isinstance(term, Literal) and term.datatype == XSD.string else term
    return {(s, p, plain(o), getattr(g, "identifier", g)) for s, p, o, g in dataset.quads((None, None, None, None))
            if not any(isinstance(t, BNode) for t in (s, o))}


def test_oxigraph_and_memory_hold_the_same_quads_with_exact_datatypes(built, layout):
    on_disk = open_dataset(layout, "oxigraph")
    in_memory = open_dataset(layout, "memory")
    assert type(on_disk.store).__name__ == "ExactOxigraphStore" and on_disk.store.read_only
    assert comparable(on_disk) == comparable(in_memory) and len(comparable(on_disk)) > 5000
    ordinals = set(on_disk.objects(None, SKG.ordinal))
    assert ordinals and {o.datatype for o in ordinals} == {XSD.positiveInteger}
    starts = {o.datatype for o in on_disk.objects(None, OA.start)}
    assert starts == {XSD.nonNegativeInteger}


def test_the_built_store_is_read_only(built, layout):
    from spacekg.oxigraph import ReadOnlyError

    dataset = open_dataset(layout)
    with pytest.raises(ReadOnlyError):
        dataset.add((KG["cds-1"], RDF.type, SKG.Statement, KG["x"]))


def test_a_failed_build_leaves_the_previous_build_current(built, layout, tmp_path):
    """A build that fails after writing its store leaves output/current, its files and its store
    as they were, and no half-made folder behind."""
    from spacekg.paths import current_build, new_build

    project = Layout(tmp_path)
    with new_build(project) as folder:
        (folder / "spacekg.nt").write_text("first\n", encoding="utf-8")
        (folder / "store").mkdir()
    first = current_build(project)
    before = snapshot(project.output)
    with pytest.raises(RuntimeError):
        with new_build(project) as folder:
            (folder / "spacekg.nt").write_text("second\n", encoding="utf-8")
            raise RuntimeError("a later stage fails")
    assert current_build(project) == first and snapshot(project.output) == before
    assert [p.name for p in (project.output / "builds").iterdir()] == [first.name]
    with new_build(project) as folder:
        (folder / "spacekg.nt").write_text("third\n", encoding="utf-8")
    assert (project.output / "spacekg.nt").read_text(encoding="utf-8") == "third\n"
    assert not (project.output / "store").exists()  # the new build has none: its link is gone
    assert sorted(p.name for p in (project.output / "builds").iterdir()) == sorted(
        [first.name, current_build(project).name])  # the previous build is kept for its readers
    third = current_build(project)
    with new_build(project) as folder:
        (folder / "spacekg.nt").write_text("fourth\n", encoding="utf-8")
    kept = sorted(p.name for p in (project.output / "builds").iterdir() if not p.name.startswith("."))
    assert kept == sorted([third.name, current_build(project).name])  # the first is discarded at once
    deadline = time.monotonic() + 30
    while any(p.name.startswith(".") for p in (project.output / "builds").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # and deleted in the background
    assert not [p.name for p in (project.output / "builds").iterdir() if p.name.startswith(".")]


def test_a_build_replaces_an_output_folder_of_the_older_layout(tmp_path):
    from spacekg.paths import new_build

    project = Layout(tmp_path)
    (project.output / "store").mkdir(parents=True)
    (project.output / "store" / "old").write_text("x", encoding="utf-8")
    (project.output / "spacekg.ttl").write_text("old", encoding="utf-8")
    with new_build(project) as folder:
        (folder / "store").mkdir()
        (folder / "spacekg.ttl").write_text("new", encoding="utf-8")
    assert (project.output / "store").is_symlink() and not (project.output / "store" / "old").exists()
    assert (project.output / "spacekg.ttl").read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_the_inferred_graph_is_seen_only_when_asked_for(built, layout, store):
    """The asserted graphs by default; with inferred=True also graph:inferred (read from the TriG)."""
    asserted = open_dataset(layout, store)
    assert INFERRED_GRAPH not in {g.identifier for g in asserted.graphs()}
    # a co-chair takes part: some co-chair that no source lists among the participants
    entailed = next((meeting, SKG.participant, chair) for meeting, chair in asserted.subject_objects(SKG.coChairedBy)
                    if (meeting, SKG.participant, chair) not in asserted)
    everything = open_dataset(layout, store, inferred=True)
    assert entailed in everything.graph(INFERRED_GRAPH)
    assert comparable(everything) - comparable(asserted) == {
        (s, p, o, INFERRED_GRAPH) for s, p, o in everything.graph(INFERRED_GRAPH)}


def test_the_read_only_store_refuses_to_drop_a_graph(built, layout):
    from spacekg.oxigraph import ReadOnlyError

    with pytest.raises(ReadOnlyError):
        open_dataset(layout).remove_graph(KG["anything"])


def test_the_store_writer_hands_over_a_closed_compacted_database(tmp_path, monkeypatch):
    """After many small bulk loads, finish() leaves no handle open for writing (a writer that
    stays open compacts in the background, under the feet of the processes that read the
    database) and every quad is there, in the store it returns and in the database reopened."""
    import pyoxigraph as ox

    from spacekg.store import StoreWriter

    monkeypatch.setattr(StoreWriter, "BATCH", 50)
    writer = StoreWriter(tmp_path)
    lines = [f"<https://example.org/s{i}> <https://example.org/p> \"{i}\" <https://example.org/g{i % 7}> .\n"
             for i in range(2_000)]
    for start in range(0, len(lines), 20):
        writer.add("".join(lines[start:start + 20]).encode(), 20)
    store = writer.finish()
    assert len(store) == len(lines)
    with pytest.raises(Exception):
        store.add(ox.Quad(ox.NamedNode("https://example.org/x"), ox.NamedNode("https://example.org/p"), ox.Literal("x")))
    reopened = ox.Store(str(writer.location))  # fails while another handle holds the lock
    assert len(reopened) == len(lines)


def test_a_failed_load_is_reported_and_the_loader_is_gone(tmp_path):
    """A batch the store cannot load fails the build with the loader's own message, at the next
    piece or at the end, and leaves no loading process behind."""
    from spacekg.errors import SpacekgError
    from spacekg.store import StoreWriter

    writer = StoreWriter(tmp_path)
    writer.add(b"<https://example.org/s> <https://example.org/p> .\n", 1)
    with pytest.raises(SpacekgError, match=r"could not write the Oxigraph store: .+") as raised:
        writer.finish()
    assert "Traceback" not in str(raised.value)
    assert writer._loader.returncode == 1
    writer.abandon()


def test_an_abandoned_writer_stops_its_loader(tmp_path):
    from spacekg.store import StoreWriter

    writer = StoreWriter(tmp_path)
    writer.add(b"<https://example.org/s> <https://example.org/p> \"o\" .\n", 1)
    writer.abandon()
    assert writer._loader.returncode is not None and not writer._thread.is_alive()
