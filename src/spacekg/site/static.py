"""output/site/: the pages of `spacekg serve` as files that work from file://, with no server and no
network, in one folder that can be copied anywhere.

The build writes, with the same page code as the server (pages.py): the start page and the lists,
a page per entity and per source document (the source reader, with its verbatim text), a page per
claim and per quote, per named graph, the ontology's documentation, the interactive graph, the
query editor (YASGUI, with Oxigraph's WebAssembly build and the graph itself embedded in scripts,
so that queries run in the browser), each described node's Turtle, and the Turtle and TriG
downloads. A graph with more than CLAIM_PAGE_LIMIT claims gets no page per claim and per quote
(the entity pages and the readers show them), and one with more than ENTITY_PAGE_LIMIT entities
gets pages for the entities nearest to the meetings of the Comprehensive Dialogue on Space; the
start page says what is left out, and links never point at a page that is not there.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from ..ingest import INFERRED_GRAPH
from ..namespaces import BASE, COMPREHENSIVE_DIALOGUE, DOC, KG, PREFIXES
from ..paths import Layout
from ..views.source import open_source
from . import assets, describe, home, pages
from .lookup import Lookup
from .urls import EDITOR, HOME, NOT_FOUND, page_file, path_of

SITE_FOLDER = "site"
CLAIM_PAGE_LIMIT = 20_000
ENTITY_PAGE_LIMIT = 5_000
BATCH = 500  # entities per batch of queries
DOWNLOADS = (("spacekg.ttl", "Turtle (the asserted facts)"), ("spacekg.trig", "TriG (named graphs, inferred included)"))
COPIED_VIEWS = ("ontology.html", "graph.html")


def write_site(result, layout: Layout, folder: Path, say: Callable[[str], None]) -> None:
    """Build stage: write output/site/ into the staging folder (after the views, whose pages it copies)."""
    say(f"writing the site {layout.relative(layout.output / SITE_FOLDER)}/ (pages, source reader, query editor)")
    target = folder / SITE_FOLDER
    target.mkdir()
    lookup = Lookup(open_source(result.dataset))
    texts = {document.id: layout.root / document.text_file for document in result.corpus.documents
             if getattr(document, "text_file", None)}
    write(lookup, layout, target, texts, folder)
    result.files.append(target)


def write(lookup: Lookup, layout: Layout, target: Path, texts: dict[str, Path], built: Path) -> None:
    """Every file of the site into ``target``; ``texts``: document id → its verbatim text;
    ``built``: the folder with the build's other outputs (RDF files, ontology page, graph page)."""
    site = pages.SiteContext(lookup, layout, served=False)
    entities = _entities(lookup)
    claims = _nodes(lookup, "SELECT ?node WHERE { ?node a skg:Statement }")
    quotes = _nodes(lookup, "SELECT ?node WHERE { ?node a oa:SpecificResource }")
    documents = _nodes(lookup, "SELECT DISTINCT ?node WHERE { ?node a ?class . ?class rdfs:subClassOf* skg:SourceDocument }")
    graphs = sorted(g.value for g in lookup.source.store.named_graphs() if isinstance(g, ox.NamedNode))
    chosen = entities if len(entities) <= ENTITY_PAGE_LIMIT else _nearest(lookup, entities, ENTITY_PAGE_LIMIT)
    with_claims = len(claims) <= CLAIM_PAGE_LIMIT
    site.available = {path_of(iri) for iri in [*chosen, *documents, *graphs, str(BASE + "ontology")]}
    if with_claims:
        site.available |= {path_of(iri) for iri in [*claims, *quotes]}
    else:
        site.left_out.append(f"This site has no page for each of the {len(claims):,} claims and {len(quotes):,} quotes: "
                             "the entity pages and the source readers show them.")
    if len(chosen) < len(entities):
        site.left_out.append(f"It has pages for {len(chosen):,} of the {len(entities):,} entities, those nearest to the "
                             "meetings of the Comprehensive Dialogue on Space; `spacekg serve` shows every one.")
    ontology = built / "ontology.html"
    if ontology.is_file():
        site.ontology_anchors = pages.ontology_anchors(ontology.read_text(encoding="utf-8"))

    _copy_assets(target, built)
    for name, _ in DOWNLOADS:
        if (built / name).is_file():
            shutil.copyfile(built / name, target / name)
    for name in COPIED_VIEWS:
        if (built / name).is_file():
            shutil.copyfile(built / name, target / name)
    _write_bytes(target / describe_file("ontology"), describe.serialize(describe.description(lookup.source, BASE + "ontology"), "ttl"))
    for identifier, path in sorted(texts.items()):
        if path.is_file():
            _write_bytes(target / "texts" / f"{identifier}.txt", path.read_bytes())

    records = home.sources(lookup)
    downloads = [(name, kind, file_size(target / name)) for name, kind in DOWNLOADS if (target / name).is_file()]
    _write_text(target / HOME, pages.home_page(site, records, downloads))
    for section in home.SECTIONS:
        _write_text(target / section.file, pages.list_page(site, section))
    for batch in _batches(chosen):
        for iri, html in pages.entity_html(site, batch).items():
            _write_page(target, iri, html, lookup)
    for iri in documents:
        identifier = iri[len(str(DOC)):]
        text = texts.get(identifier)
        html = pages.document_html(site, iri, text.read_text(encoding="utf-8") if text and text.is_file() else None)
        _write_page(target, iri, html, lookup)
    for iri in graphs:
        html = pages.graph_html(site, iri)
        if html is not None:
            _write_page(target, iri, html, lookup)
    if with_claims:
        for batch in _batches(claims, 2000):
            for iri, html in pages.statement_pages(site, batch).items():
                _write_page(target, iri, html, lookup)
        for iri, html in pages.quote_pages(site, quotes).items():
            _write_page(target, iri, html, lookup)
    _write_text(target / NOT_FOUND, pages.not_found_html(site, NOT_FOUND, "this page", []))
    _write_editor(site, target, built)


def describe_file(path: str, extension: str = "ttl") -> str:
    return page_file(path, extension)


def _write_page(target: Path, iri: str, html: str, lookup: Lookup) -> None:
    """A node's page and its description in Turtle."""
    path = path_of(iri)
    _write_text(target / page_file(path), html)
    _write_bytes(target / page_file(path, "ttl"), describe.serialize(describe.description(lookup.source, iri), "ttl"))


def _write_editor(site: pages.SiteContext, target: Path, built: Path) -> None:
    missing = assets.missing()
    if missing:
        print(f"warning: {assets.MissingLibraries(missing)}", file=sys.stderr)
        _write_text(target / EDITOR, pages.render(site, "nolibraries.html.j2", EDITOR, problem=str(assets.MissingLibraries(missing))))
        return
    _write_text(target / "assets" / "oxigraph-wasm.js", assets.wasm_script())
    _write_text(target / "assets" / "graph-data.js", assets.graph_script(_asserted_trig(built / "spacekg.nq")))
    _write_text(target / EDITOR, pages.editor_html(site, EDITOR, assets.oxigraph_module()))


def _copy_assets(target: Path, built: Path) -> None:
    for path in sorted(assets.OWN.iterdir()):
        if path.is_file():
            _write_bytes(target / "assets" / path.name, path.read_bytes())
    if not assets.missing():
        for name in assets.YASGUI_FILES:
            _write_bytes(target / "assets" / "yasgui" / name, (assets.YASGUI / name).read_bytes())


def _asserted_trig(nquads: Path) -> str:
    """The asserted named graphs (graph:inferred left out: the store does not hold it either) as TriG."""
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    quads = (q for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS) if q.graph_name != inferred)
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes).decode("utf-8")


def _entities(lookup: Lookup) -> list[str]:
    rows = lookup.source.select(f"SELECT DISTINCT ?node WHERE {{ ?node a ?class FILTER(STRSTARTS(STR(?node), \"{KG}\")) }}")
    return sorted(row[0].value for row in rows)


def _nodes(lookup: Lookup, query: str) -> list[str]:
    return sorted({row[0].value for row in lookup.source.select(query) if isinstance(row[0], ox.NamedNode)})


def _nearest(lookup: Lookup, entities: list[str], limit: int) -> list[str]:
    """Up to ``limit`` entities, ring by ring from the meetings of the Comprehensive Dialogue on Space
    (a node's neighbours are the entities it shares a triple with), the rest by IRI."""
    members = set(entities)
    chosen: list[str] = []
    ring = sorted({row[0].value for row in lookup.source.select(
        f"SELECT ?m WHERE {{ ?m skg:inSeries <{COMPREHENSIVE_DIALOGUE}> }}")} | {str(COMPREHENSIVE_DIALOGUE)})
    seen = set(ring)
    while ring and len(chosen) < limit:
        chosen += [node for node in ring if node in members][:limit - len(chosen)]
        neighbours = set()
        for node, other in lookup.source.about("SELECT ?node ?other WHERE { {values} "
                                               "{ ?node ?p ?other } UNION { ?other ?p ?node } FILTER(isIRI(?other)) }", ring):
            neighbours.add(other.value)
        ring = sorted(neighbours - seen)
        seen |= neighbours
    if len(chosen) < limit:
        rest = [node for node in entities if node not in set(chosen)]
        chosen += rest[:limit - len(chosen)]
    return sorted(chosen)


def _batches(items: list[str], size: int = BATCH) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def file_size(path: Path) -> str:
    """A file's size as a download link shows it."""
    size = path.stat().st_size
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
