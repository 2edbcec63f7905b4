"""`spacekg build --compress`: the exports gzip-compressed, and everything that reads them.

The compressed files must hold exactly the bytes of the plain build's files, and the readers of
the exports (queries with the inferred graph or in rdflib's store, the site, `serve`, `push
--bulk`) must find them.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys

import httpx
import pyoxigraph as ox
import pytest

from spacekg import query as q
from spacekg.exports.files import GZIP
from spacekg.exports.owl import OWL_FILE
from spacekg.exports.rdf import FILES
from spacekg.paths import current_build

from .conftest import copy_project, serving

COMPRESSED = [name for name in FILES if name != OWL_FILE]


def compressed_build(root, seed: str) -> None:
    subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(root), "build", "--quiet", "--compress"],
                   check=True, capture_output=True, env=dict(os.environ, PYTHONHASHSEED=seed))


@pytest.fixture(scope="module")
def compressed(tmp_path_factory, built):
    """A copy of the project built with --compress (its Layout)."""
    project = copy_project(tmp_path_factory.mktemp("compressed"))
    compressed_build(project.root, "1")
    return project


def test_each_export_is_the_plain_one_compressed(compressed, layout):
    folder, plain = current_build(compressed), current_build(layout)
    for name in COMPRESSED:
        assert not (folder / name).exists(), name
        data = (folder / (name + GZIP)).read_bytes()
        assert data[4:8] == b"\0\0\0\0", f"{name}{GZIP}: a time in the gzip header makes builds differ"
        assert gzip.decompress(data) == (plain / name).read_bytes(), name
    assert (folder / OWL_FILE).read_bytes() == (plain / OWL_FILE).read_bytes()
    assert {path.name for path in compressed.output.iterdir() if path.name.startswith("spacekg")} == \
        {*(name + GZIP for name in COMPRESSED), OWL_FILE}


def test_a_second_compressed_build_writes_the_same_bytes(compressed, tmp_path):
    again = copy_project(tmp_path)
    compressed_build(again.root, "2")
    for name in COMPRESSED:
        assert (current_build(again) / (name + GZIP)).read_bytes() == \
            (current_build(compressed) / (name + GZIP)).read_bytes(), name


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_queries_with_the_inferred_graph_read_the_compressed_files(compressed, layout, store):
    """With --inferred (and in rdflib's store) a query reads spacekg.trig and the inferred TriG."""
    expected, found = q.open_graph(layout, inferred=True, store=store), q.open_graph(compressed, inferred=True,
                                                                                   store=store)
    assert len(found) == len(expected) > 0
    for query in [query for query in q.library(compressed) if not query.params][:4]:
        assert q.run(found, query.text).terms == q.run(expected, query.text).terms, query.name


def test_the_start_pages_and_the_site_offer_the_compressed_files(compressed):
    folder = current_build(compressed)
    index, home = (folder / "index.html").read_text(encoding="utf-8"), \
        (folder / "site" / "index.html").read_text(encoding="utf-8")
    for name in ("spacekg.ttl", "spacekg.trig"):
        assert f'href="{name}{GZIP}"' in index and f'href="{name}{GZIP}"' in home, name
        assert f'href="{name}"' not in index and f'href="{name}"' not in home, name
        assert (folder / "site" / (name + GZIP)).read_bytes() == (folder / (name + GZIP)).read_bytes()


def test_serve_answers_the_compressed_files_as_they_are(compressed):
    with serving(compressed.root) as site:
        response = httpx.get(f"{site}/spacekg.nq{GZIP}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/gzip"
        assert response.content == (compressed.output / f"spacekg.nq{GZIP}").read_bytes()
        assert httpx.get(f"{site}/spacekg.nq").status_code == 404


def test_a_bulk_load_reads_the_compressed_nquads(compressed, layout, tmp_path):
    from spacekg.push import bulk_load

    loaded = bulk_load(compressed, "oxigraph", location=str(tmp_path / "server"))
    expected = set(ox.parse(path=str(layout.output / "spacekg.nq"), format=ox.RdfFormat.N_QUADS))
    assert loaded.quads == len(expected) == len(ox.Store.read_only(str(tmp_path / "server")))


def test_virtuosos_bulk_loader_reads_the_compressed_nquads(compressed, layout, tmp_path):
    """Virtuoso's ld_dir takes the .gz file as it is: every graph with its number of quads."""
    from collections import Counter

    from spacekg.namespaces import GRAPH

    from .stores import ISQL, VIRTUOSO, sparql_rows, virtuoso_server

    if VIRTUOSO is None or ISQL is None:
        pytest.fail("virtuoso-opensource is not installed: run `make system-deps`")
    expected = Counter(quad.graph_name.value
                       for quad in ox.parse(path=str(layout.output / "spacekg.nq"), format=ox.RdfFormat.N_QUADS))
    with virtuoso_server(tmp_path) as virtuoso:
        virtuoso.bulk_load(compressed.output / f"spacekg.nq{GZIP}", str(GRAPH["outside-any-graph"]))
        _, rows = sparql_rows(virtuoso.sparql, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                               f"FILTER(STRSTARTS(STR(?g), '{GRAPH}')) }} GROUP BY ?g")
    assert {g[1]: int(n[1]) for g, n in rows} == expected
