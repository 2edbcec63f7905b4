"""Every page of the site as HTML, the same for `spacekg serve` and for output/site/.

Each function takes what a page shows (read through :class:`~.lookup.Lookup`) and renders one
Jinja template; every value is escaped by the templates. A page knows its own file name in the site
(``id/jaxa.html``), from which all its links are made relative (see urls.py).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..ingest import document_graph
from ..namespaces import BASE, PREFIXES
from ..paths import Layout
from ..query import library
from . import editor, home
from .entity import EntityPage, entity_pages
from .lookup import Lookup
from .reader import document_page
from .urls import EDITOR, HOME, Links, page_file, path_of, quote_anchor

TEMPLATES = Path(__file__).parent / "templates"
START_EXAMPLE = "meetings"  # the library query the editor opens on, when the library has it (else the first)


@dataclass
class SiteContext:
    """What every page of one site shares: the graph, the project, and what the site holds."""

    lookup: Lookup
    layout: Layout
    served: bool  # pages answered by `spacekg serve` (the editor asks /sparql) or files of output/site/
    ontology_anchors: frozenset[str] = frozenset()  # ids of ontology.html, to link classes to their entry
    left_out: list[str] = field(default_factory=list)  # what a static site of a large graph has no page for
    available: set[str] | None = None  # the paths that have a page (None: every IRI the graph uses)
    list_limit: int | None = None  # entities named on a list page (None: all)

    @property
    def data_formats(self) -> tuple[str, ...]:
        """The formats a node's description is offered in (the static site writes Turtle only)."""
        return ("ttl", "nt", "jsonld") if self.served else ("ttl",)

    @cached_property
    def library(self):
        return library(self.layout)


@functools.cache
def environment() -> Environment:
    """The templates of the site (made once)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      auto_reload=False)  # the templates are files of the package: no check of their dates per page
    env.filters["json_script"] = _json_script
    return env


def _json_script(value) -> Markup:
    """JSON for a ``<script type="application/json">`` block: no ``</`` can end the block early."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render(site: SiteContext, template: str, page: str, **values) -> str:
    """One page; ``page`` is its file in the site (``id/jaxa.html``), the base of its links."""
    links = Links(page, site.available)
    return environment().get_template(template).render(site=site, links=links, page=page, base=BASE,
                                                       class_anchor=lambda k: class_anchor(site, k), **values)


def class_anchor(site: SiteContext, klass: str) -> str:
    """The entry of a class in ontology.html (pyLODE's ids), or '' when it has none."""
    name = klass.rsplit("#", 1)[-1]
    for candidate in (name, name.lower()):
        if candidate in site.ontology_anchors:
            return candidate
    return ""


def ontology_anchors(html: str) -> frozenset[str]:
    """The ids of an HTML page."""
    class Ids(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids = set()

        def handle_starttag(self, tag, attrs):
            self.ids.update(value for name, value in attrs if name == "id" and value)

    parser = Ids()
    parser.feed(html)
    return frozenset(parser.ids)


def anchors_of(page: Path) -> frozenset[str]:
    """The ids of an HTML file, such as the ontology page (none when there is no such file)."""
    return ontology_anchors(page.read_text(encoding="utf-8")) if page.is_file() else frozenset()


# --- The pages ---------------------------------------------------------------------------------

def home_page(site: SiteContext, sources: home.Sources, downloads: list[tuple[str, str, str]]) -> str:
    """The start page; ``downloads``: (file, format, size) of the RDF files the site offers."""
    lookup = site.lookup
    return render(site, "home.html.j2", HOME, counts=home.counts(lookup), meetings=home.meetings(lookup),
                  sections=home.SECTIONS, sources=sources, documents=home.DOCUMENTS, downloads=downloads,
                  library=site.library)


def list_page(site: SiteContext, section: home.Section) -> str:
    """The entities of one section, by name; past ``site.list_limit``, those with a page first."""
    members, total = home.members(site.lookup, section, site.list_limit,
                                  lambda iri: site.available is None or path_of(iri) in site.available)
    names = site.lookup.names([m.iri for m in members])
    members = [site.lookup.value_of(m.iri) for m in members]  # with their Japanese labels
    return render(site, "list.html.j2", section.file, section=section, members=members, names=names, total=total)


def entity_page(site: SiteContext, page: EntityPage) -> str:
    """The page of one entity, with the queries about it that the editor runs."""
    file = page_file(path_of(page.iri))
    examples = editor.entity_examples(site.lookup, site.layout, page, site.library)
    return render(site, "entity.html.j2", file, entity=page, examples=examples)


def entity_html(site: SiteContext, iris) -> dict[str, str]:
    """The pages of a batch of entities, by IRI."""
    return {iri: entity_page(site, page) for iri, page in entity_pages(site.lookup, iris).items()}


def document_html(site: SiteContext, iri: str, text: str | None) -> str:
    """The source reader of a document; ``text``: its verbatim text (None for a cited record)."""
    reader = document_page(site.lookup, iri, text)
    return render(site, "document.html.j2", page_file(path_of(iri)), doc=reader,
                  graph_iri=str(document_graph(reader.record.identifier)),
                  text_file=f"texts/{reader.record.identifier}.txt" if text is not None else "")


def statement_pages(site: SiteContext, iris) -> dict[str, str]:
    """The pages of a batch of claims (statement nodes), by IRI; IRIs that are no claim are left out."""
    claims = site.lookup.claims(iris, "statement")
    site.lookup.names({c.subject for c in claims} | {c.value.value for c in claims if isinstance(c.value, ox.NamedNode)})
    return {claim.iri: render(site, "statement.html.j2", page_file(path_of(claim.iri)), claim=claim,
                              subject=site.lookup.value_of(claim.subject), value=site.lookup.value(claim.value),
                              property_label=site.lookup.term_label(claim.property))
            for claim in claims}


def quote_targets(site: SiteContext, iris) -> dict[str, tuple[str, str]]:
    """Where quote anchors (quote:DOC/STATEMENT) are shown: IRI → (document IRI, anchor in its reader)."""
    rows = site.lookup.source.about("""SELECT ?node ?document ?start ?end WHERE { {values}
        ?node oa:hasSource ?document ; oa:hasSelector ?place . ?place oa:start ?start ; oa:end ?end }""", iris)
    return {node.value: (document.value, quote_anchor(int(start.value), int(end.value)))
            for node, document, start, end in rows}


def quote_pages(site: SiteContext, iris) -> dict[str, str]:
    """Pages that send the reader on to each quote's place in its source reader."""
    found = {}
    for iri, (document, anchor) in quote_targets(site, iris).items():
        page = page_file(path_of(iri))
        href = Links(page, site.available).iri(document, fragment=anchor)
        found[iri] = render(site, "moved.html.j2", page, iri=iri, href=href, what="This quote")
    return found


def graph_html(site: SiteContext, iri: str) -> str | None:
    """The page of a named graph: what it holds and how many triples (None for no graph of the store)."""
    if not site.lookup.source.store.contains_named_graph(ox.NamedNode(iri)):
        return None
    triples = site.lookup.source.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    name = iri[len(BASE + "graph/"):]
    document = BASE + name if name.startswith("doc/") else ""
    if document:
        site.lookup.names([document])
    return render(site, "graph.html.j2", page_file(path_of(iri)), iri=iri, name=name, triples=triples,
                  document=site.lookup.value_of(document) if document else None)


def editor_html(site: SiteContext, page: str = EDITOR, oxigraph_module: str = "") -> str:
    """The query editor. Served, it asks /sparql; static, ``oxigraph_module`` (Oxigraph's JavaScript
    module) is inlined, with the line that hands it to editor.js, and the queries run in the browser
    (the page's Content-Security-Policy allows that one inline script by its hash)."""
    examples = editor.library_examples(site.layout)
    config = {
        "base": BASE,
        "served": site.served,
        "prefixes": {name: str(ns) for name, ns in PREFIXES.items()},
        "examples": [{"name": e.name, "title": e.title, "question": e.question, "query": e.text} for e in examples],
        "start": START_EXAMPLE,
    }
    script = f"\n{oxigraph_module}\nwindow.spacekgOxigraphLoaded({{ init: __wbg_init, Store }});\n" if oxigraph_module else ""
    digest = "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return render(site, "editor.html.j2", page, config=config, examples=examples,
                  module_script=Markup(script), module_hash=digest)


def editor_missing_html(site: SiteContext, page: str, problem: str) -> str:
    """In place of the editor, when it cannot be included: why, and the library's queries as text."""
    return render(site, "nolibraries.html.j2", page, problem=problem, examples=editor.library_examples(site.layout))


def not_found_html(site: SiteContext, page: str, wanted: str, suggestions) -> str:
    """The page of a name the graph does not know, with the closest names (``suggestions``)."""
    return render(site, "notfound.html.j2", page, wanted=wanted, suggestions=suggestions)
