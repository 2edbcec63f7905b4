"""output/site/: the pages of `spacekg serve` as files that work from file://, with no server and no
network, in one folder that can be copied anywhere.

The build writes, with the same page code as the server (pages.py): the start page and the lists,
a page per entity and per source document (the source reader, with its verbatim text), a page per
claim and per quote, per named graph, the ontology's documentation, the interactive graph, the
query editor (YASGUI, with Oxigraph's WebAssembly build and the graph itself embedded in scripts,
so that queries run in the browser), each described node's Turtle, and the Turtle and TriG
downloads.

A large graph gets a site of bounded size, so that the build stays fast (a page of a much-named
entity or document costs tens of milliseconds to read and render): with more than PAGE_LIMIT node
pages in all, the site has LARGE_GRAPH_PAGES node pages: up to a quarter for the documents that
the most claims rest on, the rest for the meetings of the Comprehensive Dialogue on Space (the
start page lists them) and then the entities that the most claims name, and none per claim,
quote or named graph (the entity pages and the readers show those); the lists name LIST_LIMIT entities each; the editor holds the graph only up to
EDITOR_QUAD_LIMIT quads, and the downloads are copied only up to DOWNLOAD_LIMIT bytes. The
start page says what is left out, and no link points at a page that is not there; `spacekg serve`
has every page.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from ..exports.files import exported, reader
from ..ingest import INFERRED_GRAPH
from ..namespaces import BASE, DOC, KG, PREFIXES
from ..paths import Layout
from ..views.source import open_source
from . import assets, describe, home, pages
from .lookup import Lookup
from .urls import EDITOR, HOME, NOT_FOUND, page_file, path_of

SITE_FOLDER = "site"
PAGE_LIMIT = 5_000  # node pages (entities, documents, claims, quotes, graphs) of a site with every page;
                    # the corpus has about 1,400
LARGE_GRAPH_PAGES = 100  # node pages of the site of a larger graph
LIST_LIMIT = 500  # entities named on each list page
EDITOR_QUAD_LIMIT = 1_000_000  # about 60 MB of TriG for the browser to load
DOWNLOAD_LIMIT = 20_000_000  # bytes of a download copied into the site
BATCH = 500  # entities per batch of queries
DOWNLOADS = (("spacekg.ttl", "Turtle (the asserted facts)"), ("spacekg.trig", "TriG (named graphs, inferred included)"))
COPIED_VIEWS = ("ontology.html", "graph.html")
SERVED_HOME = ".served-start.html"  # the start page as `spacekg serve` answers it (hidden: not linked
                                    # from output/), made with the site


def write_site(result, layout: Layout, folder: Path, say: Callable[[str], None],
               ready: Callable[[], None] = lambda: None) -> None:
    """Build stage: write output/site/ into the staging folder. The site copies the build's RDF
    files and graph page, and reads the ontology page's anchors: ontology.html must be there, and
    ``ready()`` returns once the others are (they may be written meanwhile by another process)."""
    say(f"writing the site {layout.relative(layout.output / SITE_FOLDER)}/ (pages, source reader, query editor)")
    target = folder / SITE_FOLDER
    target.mkdir()
    lookup = Lookup(open_source(result.dataset))
    texts = {identifier: layout.root / text_file for identifier, text_file in result.texts.items()}
    site = write(lookup, layout, target, texts, folder, ready)
    # the served start page, from the counts and lists the site's own has just made: on a large
    # graph they take seconds, which the first visitor after a build would otherwise wait
    served = pages.SiteContext(lookup, layout, served=True, ontology_anchors=site.ontology_anchors)
    _write_text(folder / SERVED_HOME, served_home(served, folder))
    result.files.append(target)


def write(lookup: Lookup, layout: Layout, target: Path, texts: dict[str, Path], built: Path,
          ready: Callable[[], None] = lambda: None) -> pages.SiteContext:
    """Every file of the site into ``target``; ``texts``: document id → its verbatim text;
    ``built``: the folder with the build's other outputs (RDF files, ontology page, graph page),
    complete once ``ready()`` returns. Returns what the site's pages shared."""
    site = pages.SiteContext(lookup, layout, served=False, list_limit=LIST_LIMIT)
    claims, quotes = home.counted(lookup, home.CLAIMS_COUNT), home.counted(lookup, home.QUOTES_COUNT)
    graphs = sum(1 for g in lookup.source.store.named_graphs() if isinstance(g, ox.NamedNode))
    nodes = claims + quotes + graphs + sum(_count(lookup, pattern, PAGE_LIMIT + 1) for pattern in (ENTITIES, DOCUMENTS))
    if nodes > PAGE_LIMIT:
        series = home.meetings(lookup)
        meetings = [m.meeting.iri for m in series] + [plan.iri for m in series for plan in m.plans]
        named, resting = _most_named(lookup, LARGE_GRAPH_PAGES + len(meetings))
        readers = resting[:LARGE_GRAPH_PAGES - LARGE_GRAPH_PAGES * 3 // 4]
        ranked = list(dict.fromkeys(meetings + named))
        chosen = set(readers) | set(ranked[:LARGE_GRAPH_PAGES - len(readers)])
        entities, documents = _iris(lookup, ENTITIES, chosen), _iris(lookup, DOCUMENTS, chosen)
        site.left_out.append(f"This copy of the site has pages for {len(entities):,} entities (the meetings of the "
                             f"Comprehensive Dialogue on Space and those that the most claims name) and the "
                             f"{len(documents):,} source documents that the most claims rest on, and none "
                             "for each of the "
                             f"{claims:,} claims, {quotes:,} quotes and {graphs:,} named graphs (the "
                             "entity pages and the source readers show them); `spacekg serve` has a page for every one.")
        claims, quotes, graphs = [], [], []
    else:
        entities, documents = _iris(lookup, ENTITIES), _iris(lookup, DOCUMENTS)
        graphs = sorted(g.value for g in lookup.source.store.named_graphs() if isinstance(g, ox.NamedNode))
        claims, quotes = _iris(lookup, CLAIMS), _iris(lookup, QUOTES)
    site.available = {path_of(iri) for iri in [*entities, *documents, *claims, *quotes, *graphs, BASE + "ontology"]}
    site.ontology_anchors = pages.anchors_of(built / "ontology.html")

    _copy_assets(target)
    _write_bytes(target / page_file("ontology", "ttl"),
                 describe.serialize(describe.description(lookup.source, BASE + "ontology"), "ttl"))
    for identifier, path in sorted(texts.items()):
        if path.is_file() and path_of(str(DOC[identifier])) in site.available:
            _write_bytes(target / "texts" / f"{identifier}.txt", path.read_bytes())

    _write_editor(site, target, built)
    for batch in _batches(entities):
        _write_pages(target, pages.entity_html(site, batch), lookup)
    for batch in _batches(documents):
        _write_pages(target, {iri: pages.document_html(site, iri, _text(texts.get(iri[len(str(DOC)):])))
                              for iri in batch}, lookup)
    for batch in _batches(graphs):
        found = {iri: pages.graph_html(site, iri) for iri in batch}
        _write_pages(target, {iri: html for iri, html in found.items() if html is not None}, lookup)
    for batch in _batches(claims, 2000):
        _write_pages(target, pages.statement_pages(site, batch), lookup)
    for batch in _batches(quotes, 2000):
        _write_pages(target, pages.quote_pages(site, batch), lookup)
    for section in home.SECTIONS:
        _write_text(target / section.file, pages.list_page(site, section))

    ready()
    for path in (exported(built, name) for name, _ in DOWNLOADS):
        if path.is_file() and path.stat().st_size <= DOWNLOAD_LIMIT:
            shutil.copyfile(path, target / path.name)
        elif path.is_file():
            site.left_out.append(f"{path.name} ({file_size(path)}) is not copied here: it is in output/.")
    for name in COPIED_VIEWS:
        if (built / name).is_file():
            shutil.copyfile(built / name, target / name)
    downloads = _downloads(target)
    _write_text(target / HOME, pages.home_page(site, home.sources(lookup), downloads))
    _write_text(target / NOT_FOUND, pages.not_found_html(site, NOT_FOUND, "this page", []))
    return site


def served_home(site: pages.SiteContext, built: Path) -> str:
    """The start page as `spacekg serve` answers it (``site`` is served) over the build in
    ``built``: every download of the build, with its size."""
    return pages.home_page(site, home.sources(site.lookup), _downloads(built))


def _downloads(folder: Path) -> list[tuple[str, str, str]]:
    """The downloads in ``folder`` (compressed or not): file name, kind and size."""
    found = [(exported(folder, name), kind) for name, kind in DOWNLOADS]
    return [(path.name, kind, file_size(path)) for path, kind in found if path.is_file()]


def _text(path: Path | None) -> str | None:
    """A document's verbatim text (None for a cited record, or a text that is not there)."""
    return path.read_text(encoding="utf-8") if path is not None and path.is_file() else None


def _write_pages(target: Path, html: dict[str, str], lookup: Lookup) -> None:
    """Nodes' pages (IRI → HTML) and their descriptions in Turtle (asked for all of them at once)."""
    descriptions = describe.descriptions(lookup.source, html)
    for iri, page in html.items():
        path = path_of(iri)
        _write_text(target / page_file(path), page)
        _write_bytes(target / page_file(path, "ttl"), describe.serialize(descriptions[iri], "ttl"))


def _write_editor(site: pages.SiteContext, target: Path, built: Path) -> None:
    """The query editor, with Oxigraph and the graph embedded (or a page that says why not)."""
    missing = assets.missing()
    quads = len(site.lookup.source.store)
    if missing or quads > EDITOR_QUAD_LIMIT:
        problem = (str(assets.MissingLibraries(missing)) if missing else
                   f"the graph's {quads:,} quads are more than a browser loads quickly ({EDITOR_QUAD_LIMIT:,}); "
                   "query it with `spacekg serve` or `spacekg query`")
        if missing:
            print(f"warning: {problem}", file=sys.stderr)
        site.left_out.append(f"The query editor is not included: {problem}.")
        _write_text(target / EDITOR, pages.editor_missing_html(site, EDITOR, problem))
        return
    for name in assets.YASGUI_FILES:
        _write_bytes(target / "assets" / "yasgui" / name, (assets.YASGUI / name).read_bytes())
    _write_text(target / "assets" / "oxigraph-wasm.js", assets.wasm_script())
    _write_text(target / "assets" / "graph-data.js", assets.graph_script(_asserted_trig(exported(built, "spacekg.nq"))))
    _write_text(target / EDITOR, pages.editor_html(site, EDITOR, assets.oxigraph_module()))


def _copy_assets(target: Path) -> None:
    for path in sorted(assets.OWN.iterdir()):
        if path.is_file():
            _write_bytes(target / "assets" / path.name, path.read_bytes())


def _asserted_trig(nquads: Path) -> str:
    """The asserted named graphs (graph:inferred left out: the store does not hold it either) as TriG."""
    inferred = ox.NamedNode(str(INFERRED_GRAPH))
    prefixes = {name: str(namespace) for name, namespace in PREFIXES.items()}
    with reader(nquads) as source:
        quads = (q for q in ox.parse(source, ox.RdfFormat.N_QUADS) if q.graph_name != inferred)
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes).decode("utf-8")


# The nodes that may have pages. Claims and quotes are listed only when the site has a page for
# each (millions of IRIs take gigabytes in Python); otherwise the start page's counts say how many
# there are. The same holds for the entities and documents of a large graph: listing them took
# 1.2 GB and 79 s at 10,000 times the corpus, where only a hundred get pages.
ENTITIES = f"?node a ?class FILTER(STRSTARTS(STR(?node), \"{KG}\"))"
DOCUMENTS = home.DOCUMENTS.pattern("?node")
CLAIMS = "?node a skg:Statement"
QUOTES = "?node a oa:SpecificResource"


def _count(lookup: Lookup, pattern: str, limit: int) -> int:
    """How many IRIs ``pattern`` binds ?node to, counted up to ``limit``."""
    return lookup.source.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?node WHERE {{ {pattern} "
                               f"FILTER(isIRI(?node)) }} LIMIT {limit} }}")


def _iris(lookup: Lookup, pattern: str, among: Iterable[str] | None = None) -> list[str]:
    """The IRIs that ``pattern`` binds ?node to, sorted (only those ``among`` these, if given)."""
    if among is None:
        rows = lookup.source.select(f"SELECT DISTINCT ?node WHERE {{ {pattern} }}")
    else:
        rows = lookup.source.about(f"SELECT DISTINCT ?node WHERE {{ {{values}} {pattern} }}", among)
    return sorted({row[0].value for row in rows if isinstance(row[0], ox.NamedNode)})


def _most_named(lookup: Lookup, count: int) -> tuple[list[str], list[str]]:
    """The ``count`` entities that the most claims name (as subject or value), and the ``count``
    documents that the most claims rest on, most first (ties by IRI). Only statements have
    rdf:subject and rdf:object (shape:ClaimTerms), and only the ingester's claims have
    prov:wasDerivedFrom, so those are counted straight from their triples (checking each node's
    type as well took eight times as long at 100× for the entities, 4.5 times at 1,000× for the
    documents: 6.5 s against 1.4 s)."""
    source = lookup.source
    return (source.most_frequent("SELECT ?node WHERE { { ?claim rdf:subject ?node } UNION { ?claim rdf:object ?node } }",
                                 count, str(KG)),
            source.most_frequent("SELECT ?node WHERE { ?claim prov:wasDerivedFrom ?node }", count, str(DOC)))


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
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
