"""The site (output/site/ and `spacekg serve`): every IRI has a page, every link leads somewhere,
every count equals an independent count of the sources, the reader shows each quote where its
offsets put it, content negotiation gives RDF that parses, and the editor's examples run as given."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from spacekg.ingest import INFERRED_GRAPH
from spacekg.namespaces import BASE, DOC, KG, SKG
from spacekg.site import editor, home, static
from spacekg.site.lookup import Lookup
from spacekg.site.urls import page_file, path_of
from spacekg.views.source import open_source

from .conftest import free_port, serving


class Page(HTMLParser):
    """The links, ids and text of an HTML page."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        link = attrs.get("href") if tag in ("a", "link") else attrs.get("src") if tag in ("script", "img") else None
        if link:
            self.links.append(link)


@pytest.fixture(scope="module")
def site(built, layout) -> Path:
    return layout.output / "site"


@pytest.fixture(scope="module")
def lookup(built) -> Lookup:
    return Lookup(open_source(built.dataset))


def texts_of(built, layout) -> dict[str, Path]:
    """Each quoted document's verbatim text, by document id (a cited record has none)."""
    return {identifier: layout.root / text_file for identifier, text_file in built.texts.items()}


def project_iris(built) -> set[str]:
    """Every IRI under https://w3id.org/spacekg/ that the asserted graphs use, and their graph names."""
    store = open_source(built.dataset).store
    found = set()
    for quad in store.quads_for_pattern(None, None, None):
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                found.add(term.value)
    return found


def test_every_iri_of_the_graph_has_a_page_and_a_description(built, site):
    iris = project_iris(built)
    nodes = {iri.split("#")[0] for iri in iris if path_of(iri) != "ontology"}
    if len(nodes) > static.PAGE_LIMIT:  # a graph too large for a page each: the site says so
        pages = [p for space in ("id", "doc", "statement", "quote", "graph") for p in (site / space).rglob("*.html")]
        assert len(pages) == static.LARGE_GRAPH_PAGES
        assert "`spacekg serve` has a page for every one" in (site / "index.html").read_text(encoding="utf-8")
        return
    missing = []
    for iri in sorted(iris):
        path = path_of(iri)
        assert path is not None, iri
        if path == "ontology":  # the ontology's terms: its documentation and its Turtle
            continue
        if not (site / page_file(path)).is_file() or not (site / page_file(path, "ttl")).is_file():
            missing.append(iri)
    assert missing == []
    assert (site / "ontology.html").is_file() and (site / "ontology.ttl").is_file()


def broken_links(site: Path) -> list[str]:
    """Every link of the site's pages that leads to no file of the site, or to no anchor of its page."""
    broken = []
    site = site.resolve()  # output/site is a link into the current build
    copied = {site / name for name in static.COPIED_VIEWS}  # pages of the views, with links of their own
    ids = {path: Page(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}
    for path, page in ids.items():
        for link in page.links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme == "data":
                continue
            if parts.scheme in ("http", "https"):
                if link.startswith(BASE) and path not in copied:
                    broken.append(f"{path.relative_to(site)} → {link} (a project IRI, not its page)")
                continue
            if parts.path == "" and parts.fragment:  # an anchor of the same page
                target = path
            else:
                target = (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} → {link}")
            elif parts.fragment and target in ids and target not in copied and parts.fragment not in ids[target].ids:
                broken.append(f"{path.relative_to(site)} → {link} (no such anchor)")
    return broken


def test_every_link_of_the_site_leads_to_a_file_and_anchor_of_the_site(site):
    assert broken_links(site) == []


def test_a_large_graph_gets_a_bounded_site_that_says_what_it_leaves_out(built, layout, lookup, tmp_path, monkeypatch):
    monkeypatch.setattr(static, "PAGE_LIMIT", 100)
    monkeypatch.setattr(static, "LARGE_GRAPH_PAGES", 40)
    monkeypatch.setattr(static, "LIST_LIMIT", 10)
    monkeypatch.setattr(static, "EDITOR_QUAD_LIMIT", 100)
    monkeypatch.setattr(static, "DOWNLOAD_LIMIT", 1000)
    monkeypatch.setattr(home, "START_SOURCES", 5)
    texts = texts_of(built, layout)
    static.write(lookup, layout, tmp_path, texts, layout.output)
    readers = len(list((tmp_path / "doc").glob("*.html")))
    assert readers == min(10, len(built.corpus.documents))
    assert len(list((tmp_path / "id").glob("*.html"))) == 40 - readers
    assert {page.stem for page in (tmp_path / "id").glob("*.html")} == _most_named_pages(lookup, 40 - readers)
    assert not (tmp_path / "statement").exists() and not (tmp_path / "quote").exists()
    start = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "`spacekg serve` has a page for every one" in start and "is not copied here" in start
    claims = {row[0] for row in lookup.source.select("SELECT ?s WHERE { ?s a skg:Statement }")}
    quotes = {row[0] for row in lookup.source.select("SELECT ?s WHERE { ?s a oa:SpecificResource }")}
    assert f"none for each of the {len(claims):,} claims, {len(quotes):,} quotes and" in " ".join(start.split())
    assert "The query editor is not included" in start
    listed = start.split('class="records"', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]
    documents = [row[0].value for row in lookup.source.select(
        "SELECT DISTINCT ?d WHERE { ?d a/rdfs:subClassOf* skg:SourceDocument }")]
    every = [html.escape(record.title, quote=False) for record in sorted(
        lookup.records(documents).values(), key=lambda r: (r.issued, r.title, r.iri))]
    assert len(listed) == 5 and all(title in row for title, row in zip(every, listed))  # the first five, in order
    assert f"The first 5 of the {len(every)} source documents by date of issue" in " ".join(start.split())
    assert not (tmp_path / "assets" / "graph-data.js").exists()
    meetings = start.split('id="meetings"', 1)[1].split("</table>", 1)[0].split("<tr")[2:]
    assert meetings and all('<a href="id/' in row.split("</td>", 2)[1] for row in meetings)  # each has its page
    organizations = (tmp_path / "list" / "organizations.html").read_text(encoding="utf-8")
    assert "10 of them listed here" in organizations
    assert broken_links(tmp_path) == []


def _most_named_pages(lookup, count: int) -> set[str]:
    """The entities a bounded site gives ``count`` pages: the meetings of the series (and their
    plans), then those that the most claims name, as subject or value (ties by IRI), counted here
    from every claim's terms."""
    from collections import Counter

    named = Counter(row[0].value for row in lookup.source.select(
        "SELECT ?node WHERE { { ?claim rdf:subject ?node } UNION { ?claim rdf:object ?node } }")
        if isinstance(row[0], ox.NamedNode) and row[0].value.startswith(str(KG)))
    meetings = [m.meeting.iri for m in home.meetings(lookup)] + [p.iri for m in home.meetings(lookup) for p in m.plans]
    ranked = list(dict.fromkeys(meetings + sorted(named, key=lambda iri: (-named[iri], iri))))
    return {path_of(iri).rsplit("/", 1)[-1] for iri in ranked[:count]}


def _section_counts(built, layout) -> dict[str, int]:
    """How many entities (and documents) of each section the sources hold, from the corpus and the
    ontology's class hierarchy (rdflib), not from the store."""
    ontology = Graph().parse(layout.ontology)
    ancestors = {}
    for klass in set(ontology.subjects(RDFS.subClassOf, None)) | set(ontology.objects(None, RDFS.subClassOf)):
        ancestors[str(klass)] = {str(k) for k in ontology.transitive_objects(klass, RDFS.subClassOf)}
    classes = [str(entity.klass) for entity in built.corpus.entities.values()]
    classes += [str(document.klass) for document in built.corpus.documents]
    counts = {}
    for section in home.SECTIONS:
        def member(klass):
            up = ancestors.get(klass, {klass})
            return any(r in up for r in section.roots) and not any(x in up for x in section.excluding)
        counts[section.what] = sum(1 for klass in classes if member(klass))
    return counts


def _section_members(built, layout, section) -> list[tuple[str, str]]:
    """(name, IRI) of the section's members from the corpus and the ontology, by name as the list
    pages order them."""
    ontology = Graph().parse(layout.ontology)
    def member(klass):
        up = {str(k) for k in ontology.transitive_objects(klass, RDFS.subClassOf)}
        return any(r in up for r in section.roots) and not any(x in up for x in section.excluding)
    found = [(e.label, str(e.iri)) for e in built.corpus.entities.values() if member(e.klass)]
    found += [(d.title, str(DOC[d.id])) for d in built.corpus.documents if member(d.klass)]
    return sorted(found, key=lambda pair: (pair[0].lower(), pair[1]))


def _listed(page: Path) -> list[str]:
    """The page files that a list page's rows link to, in order."""
    rows = page.read_text(encoding="utf-8").split('class="list"', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]
    return [re.search(r'href="\.\./([^"]+)"', row).group(1) for row in rows]


def test_list_pages_list_every_member_of_their_section_by_name(built, layout, site):
    """Every member, each linked to its page; by English name where the sources give every member
    one (a document titled in Japanese only is ordered by its id instead)."""
    for section in home.SECTIONS:
        expected = [page_file(path_of(iri)) for _, iri in _section_members(built, layout, section)]
        listed = _listed(site / section.file)
        assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed)), section.name
        if section is not home.DOCUMENTS:
            assert listed == expected, section.name


def test_a_bounded_list_shows_the_members_with_a_page_first(built, layout, lookup, tmp_path):
    section = next(s for s in home.SECTIONS if s.name == "organizations")
    expected = _section_members(built, layout, section)
    with_page = {iri for _, iri in expected[::7]}
    members, total = home.members(lookup, section, 20, lambda iri: iri in with_page)
    assert total == len(expected) > 20 + len(with_page)
    first = [pair for pair in expected if pair[1] in with_page] + [pair for pair in expected if pair[1] not in with_page]
    assert [(m.text, m.iri) for m in members] == sorted(first[:20], key=lambda pair: (pair[0].lower(), pair[1]))
    assert home.members(lookup, section, 0)[0] == []


def test_start_page_counts_name_what_they_count_and_equal_the_sources(built, layout, site):
    text = (site / "index.html").read_text(encoding="utf-8")
    shown = {html.unescape(re.sub(r"<[^>]+>", "", what)).strip(): int(number) for number, what in re.findall(
        r'<td class="num count" data-count="(\d+)">[^<]*</td>\s*<td>(.*?)</td>', text, re.S)}
    expected = _section_counts(built, layout)
    statements = built.corpus.statements
    quoted = [s for s in statements if getattr(s, "quote", None) is not None]
    expected[home.GRAPH_COUNTS[0][0]] = len(quoted)
    claims = sum(len({fact.slug for fact in s.facts}) for s in statements)
    expected[home.GRAPH_COUNTS[1][0]] = claims
    expected[home.GRAPH_COUNTS[2][0]] = sum(len({fact.slug for fact in s.facts}) for s in quoted)
    expected[home.GRAPH_COUNTS[3][0]] = claims - expected[home.GRAPH_COUNTS[2][0]]
    expected[home.GRAPH_COUNTS[4][0]] = sum(1 for quad in ox.parse(path=str(layout.output / "spacekg.nq"),
                                                                   format=ox.RdfFormat.N_QUADS)
                                             if quad.graph_name.value != str(INFERRED_GRAPH))
    expected[home.GRAPH_COUNTS[5][0]] = 2 + len(built.corpus.documents)
    assert shown == expected


def test_meetings_are_listed_in_order_with_their_status(built, site):
    text = (site / "index.html").read_text(encoding="utf-8")
    table = text.split('id="meetings"', 1)[1].split("</table>", 1)[0]
    ordinals = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', table)]
    assert ordinals == sorted(ordinals) and ordinals
    series = {fact.value for entity in built.corpus.entities.values() for fact in entity.facts
              if fact.prop == SKG.inSeries and entity.id == "cds-1"}
    assert series, "cds-1 is in a series in the registry"


def test_entity_pages_show_both_labels_and_every_fact(built, site, lookup):
    for entity in built.corpus.entities.values():
        page = (site / page_file(path_of(str(entity.iri)))).read_text(encoding="utf-8")
        assert html.escape(entity.label) in page, entity.id
        if entity.ja:
            assert f'lang="ja">{html.escape(entity.ja)}<' in page, entity.id
    # every claim about an entity is on its page with a link to its quote in the reader
    for statement in built.corpus.statements:
        if getattr(statement, "quote", None) is None:
            continue
        page = (site / page_file(path_of(str(statement.subject)))).read_text(encoding="utf-8")
        anchor = f"../doc/{statement.document}.html#q-{statement.quote.start}-{statement.quote.end}"
        assert anchor in page, (statement.subject, statement.id)


def test_the_reader_marks_each_quote_where_its_offsets_put_it(built, layout, site):
    quoted = [document for document in built.corpus.documents if not document.cited]
    assert quoted
    for document in quoted:
        text = (layout.root / document.text_file).read_text(encoding="utf-8")
        page = (site / "doc" / f"{document.id}.html").read_text(encoding="utf-8")
        reader = Page(page)
        body = page.split('<div class="source-text">', 1)[1].split("</div>", 1)[0]
        # the text of the reader is the verbatim text (markup and the quote numbers aside)
        plain = html.unescape(re.sub(r'<a class="marker"[^>]*>\d+</a>|<[^>]+>', "", body))
        assert plain == text, document.id
        for statement in built.corpus.statements:
            if statement.document == document.id:
                quote = statement.quote
                assert text[quote.start:quote.end] == quote.exact
                assert f"q-{quote.start}-{quote.end}" in reader.ids


def test_static_site_is_the_same_bytes_on_every_build(built, layout, lookup, tmp_path):
    texts = texts_of(built, layout)
    first, second = tmp_path / "a", tmp_path / "b"
    for target in (first, second):
        target.mkdir()
        static.write(lookup, layout, target, texts, layout.output)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert [p for p in files if (first / p).read_bytes() != (second / p).read_bytes()] == []


def test_editor_examples_run_as_given_on_a_store_without_predeclared_prefixes(built, layout):
    store = open_source(built.dataset).store
    examples = editor.library_examples(layout)
    assert [e.name for e in examples] == sorted(p.stem for p in layout.queries.glob("*.rq")
                                                if not p.name.endswith("-violation.rq"))
    for example in examples:
        if example.name == "provenance":
            continue  # runs too (long): rows are compared in the browser tests for other queries
        result = store.query(example.text, use_default_graph_as_union=True)
        assert list(result), f"{example.name} gives no rows as the editor sends it"


def test_entity_queries_run_and_are_about_the_entity(built, layout, lookup):
    from spacekg.site.entity import entity_pages

    store = open_source(built.dataset).store
    page = entity_pages(lookup, [str(KG["jaxa"])])[str(KG["jaxa"])]
    about = editor.entity_examples(lookup, layout, page)[0]
    rows = list(store.query(about.text, use_default_graph_as_union=True))
    claims = [s for s in built.corpus.statements for f in s.facts
              if s.subject == KG["jaxa"] or f.value == KG["jaxa"]]
    assert len(rows) == len(claims) > 0
    meeting = entity_pages(lookup, [str(KG["cds-7"])])[str(KG["cds-7"])]
    names = [e.name for e in editor.entity_examples(lookup, layout, meeting)]
    assert "meeting" in names  # the library query with ?ordinal bound to 7
    bound = next(e for e in editor.entity_examples(lookup, layout, meeting) if e.name == "meeting")
    ordinals = {row["ordinal"].value for row in store.query(bound.text, use_default_graph_as_union=True)}
    assert ordinals == {"7"}


# --- `spacekg serve` -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(built, layout):
    with serving(layout.root) as base:
        yield base


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, accept: str = "", follow: bool = True) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize("accept, extension", [("text/html", "html"), ("text/turtle", "ttl"),
                                               ("application/n-triples", "nt"), ("application/ld+json", "jsonld"),
                                               ("", "html")])
def test_an_iri_answers_with_303_to_the_document_the_accept_header_asks_for(server, accept, extension):
    status, headers, _ = fetch(f"{server}/id/jaxa", accept, follow=False)
    assert status == 303 and headers["location"].endswith(f"/id/jaxa.{extension}")
    assert "Accept" in headers["vary"]


def test_turtle_of_an_entity_parses_with_rapper_and_holds_its_facts(server, built, tmp_path):
    status, headers, body = fetch(f"{server}/id/jaxa", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    path = tmp_path / "jaxa.ttl"
    path.write_bytes(body)
    if not shutil.which("rapper"):
        pytest.skip("Debian package raptor2-utils is not installed (make system-deps)")
    parsed = subprocess.run(["rapper", "-i", "turtle", "-o", "ntriples", str(path), str(KG["jaxa"])],
                            capture_output=True, text=True, check=True)
    graph = Graph().parse(data=parsed.stdout, format="nt")  # what rapper read
    assert (KG["jaxa"], RDFS.label, Literal("宇宙航空研究開発機構", lang="ja")) in graph
    expected = set(built.dataset.triples((KG["jaxa"], None, None)))
    assert expected and expected <= set(graph)


@pytest.mark.parametrize("extension, parser", [("nt", "nt"), ("jsonld", "json-ld")])
def test_other_rdf_formats_parse_to_the_same_description(server, extension, parser):
    turtle = Graph().parse(data=fetch(f"{server}/id/cds-7.ttl")[2], format="turtle")
    other = Graph().parse(data=fetch(f"{server}/id/cds-7.{extension}")[2], format=parser)
    assert len(turtle) > 50 and set(turtle) == set(other)


def test_every_iri_of_the_graph_resolves_on_the_server(server, built):
    """Each IRI answers with a 303; one of each space is followed to its page (the static site,
    made by the same code, has the pages of all of them)."""
    followed = set()
    for iri in sorted(project_iris(built)):
        path = path_of(iri)
        status, headers, _ = fetch(f"{server}/{urllib.parse.quote(path)}", "text/html", follow=False)
        assert status == 303, iri
        space = path.split("/", 1)[0]
        if space not in followed:
            followed.add(space)
            status, _, body = fetch(f"{server}{headers['location']}")
            assert status == 200 and b"<html" in body, iri
    assert followed == {"id", "doc", "statement", "quote", "graph", "ontology"}


def test_a_quote_iri_leads_to_its_place_in_the_reader(server, built):
    quoted = [statement for statement in built.corpus.statements if not statement.cited]
    assert quoted
    for statement in quoted:
        status, headers, _ = fetch(f"{server}/quote/{statement.document}/{statement.id}", "text/html", follow=False)
        quote = statement.quote
        assert status == 303 and headers["location"] == f"/doc/{statement.document}.html#q-{quote.start}-{quote.end}"


def test_a_cited_statement_has_no_quote_iri(server, built):
    cited = [statement for statement in built.corpus.statements if statement.cited]
    for statement in cited:
        status, _, _ = fetch(f"{server}/quote/{statement.document}/{statement.id}", "text/html", follow=False)
        assert status == 404, statement.id


def test_an_unknown_name_is_a_404_page_with_the_closest_names(server):
    status, _, body = fetch(f"{server}/id/jaxx")
    assert status == 404
    suggestions = re.findall(r'<a href="([^"]+)"', body.decode().split('class="suggestions"', 1)[1])
    assert suggestions[0] == "../id/jaxa.html"
    status, _, _ = fetch(f"{server}/id/jaxx", "text/turtle", follow=False)
    assert status == 404


def test_served_pages_are_the_static_pages(server, site):
    def without_served_formats(text: str) -> str:  # N-Triples and JSON-LD: only a server offers them
        return re.sub(r'(, )?<a href="[^"]*\.(nt|jsonld)">[^<]*</a>|<link rel="alternate"[^>]*>\n?', "", text)

    for path in ("id/jaxa.html", "id/cds-7.html", "doc/cds7-joint-statement-2020.html", "list/organizations.html"):
        served = fetch(f"{server}/{path}")[2].decode("utf-8")
        written = (site / path).read_text(encoding="utf-8")
        assert without_served_formats(served) == without_served_formats(written), path


def test_the_build_makes_the_served_start_page_as_serve_would(server, built, layout, lookup):
    """The build writes the start page `spacekg serve` answers (its counts and lists take seconds on
    a large graph): the server answers those bytes, which are what it makes over a build without it."""
    from spacekg.site import pages
    from spacekg.site.static import SERVED_HOME, served_home

    current = (layout.output / "current").resolve()
    made = (current / SERVED_HOME).read_text(encoding="utf-8")
    assert fetch(f"{server}/")[2].decode("utf-8") == made
    served = pages.SiteContext(lookup, layout, served=True, ontology_anchors=pages.anchors_of(current / "ontology.html"))
    assert served_home(served, current) == made
    static = (layout.output / "site" / "index.html").read_text(encoding="utf-8")
    assert "run in this browser" in static and "run in this browser" not in made  # the served page


def test_start_up_prints_the_url(built, layout):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "spacekg.cli", "--root", str(layout.root), "serve",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
    finally:
        process.terminate()
        process.wait(30)


# --- Cited evidence and realized plans (the fixture of tests/cited_record/) ---------------------------

CITED_FIXTURE = Path(__file__).parent / "cited_record"


@pytest.fixture(scope="module")
def cited_site(tmp_path_factory) -> tuple:
    """A scratch project: the real sources and the fixture's quoted text and cited record, built."""
    from spacekg.build import build
    from spacekg.store import open_dataset

    from .conftest import copy_project

    layout = copy_project(tmp_path_factory.mktemp("cited-site"))
    shutil.copytree(CITED_FIXTURE / "sources", layout.sources, dirs_exist_ok=True)
    result = build(layout, say=lambda _: None)
    return layout, result, open_dataset(layout)


AUTHORITY_LABELS = {SKG.OfficialRecord: "official record", SKG.MirrorRecord: "mirror of an official record",
                    SKG.IndependentRecord: "independent record"}


class Evidence(HTMLParser):
    """The blocks of cited evidence of a page (``<div class="evidence cited">``), each as its markup."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self.depth = 0  # divs open inside the current block (0: outside any block)
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.blocks[-1] += self.get_starttag_text()
            self.depth += tag == "div"
        elif tag == "div" and dict(attrs).get("class") == "evidence cited":
            self.blocks.append("")
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= tag == "div"
            if self.depth:
                self.blocks[-1] += f"</{tag}>"

    def handle_data(self, data):
        if self.depth:
            self.blocks[-1] += data

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def text_of(markup: str) -> str:
    """The text of some HTML, tags dropped, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def test_a_cited_fact_shows_publisher_title_date_and_link(cited_site):
    """On its subject's page, each cited statement's paraphrase comes with the record's publisher,
    title, date and address (every cited record: the corpus's and the fixture's)."""
    layout, result, _ = cited_site
    site = layout.output / "site"
    documents = {document.id: document for document in result.corpus.documents}
    cited = [statement for statement in result.corpus.statements if statement.cited]
    assert any(statement.document == "zz-test-record" for statement in cited)
    pages: dict[str, str] = {}
    for statement in cited:
        record = documents[statement.document]
        path = site / page_file(path_of(str(statement.subject)))
        page = pages.setdefault(str(path), path.read_text(encoding="utf-8"))
        evidence = [block for block in Evidence(page).blocks
                    if " ".join(statement.paraphrase.split()) in text_of(block) and record.url in Page(block).links]
        assert evidence, (statement.document, statement.id)  # the paraphrase, with a link to the record
        publisher = result.corpus.entities[str(record.publisher).rsplit("/", 1)[-1]].label if record.publisher else ""
        said = f"cited: {publisher + ', ' if publisher else ''}{' '.join(record.title.split())}, {record.issued}"
        assert all(said in text_of(block) for block in evidence), (statement.document, statement.id)


def test_the_page_of_a_cited_record_says_where_and_when_it_was_read(cited_site):
    layout, result, _ = cited_site
    records = [document for document in result.corpus.documents if document.cited]
    assert "zz-test-record" in {record.id for record in records}
    for record in records:
        page = (layout.output / "site" / "doc" / f"{record.id}.html").read_text(encoding="utf-8")
        assert record.url in Page(page).links and str(record.accessed) in page, record.id
        assert AUTHORITY_LABELS[record.authority] in text_of(page) and 'class="source-text"' not in page, record.id
        paraphrases = [s.paraphrase for s in result.corpus.statements if s.document == record.id]
        assert paraphrases and all(" ".join(p.split()) in text_of(page) for p in paraphrases), record.id


def test_a_plan_realized_as_a_held_meeting_is_listed_beside_it(cited_site):
    layout, result, dataset = cited_site
    page = (layout.output / "site" / "index.html").read_text(encoding="utf-8")
    table = page.split('id="meetings"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr")[2:]
    realized = {(str(s), str(o)) for s, _, o in dataset.triples((None, SKG.realizedAs, None))}
    assert realized
    for plan, held in realized:
        plan_page, held_page = page_file(path_of(plan)), page_file(path_of(held))
        beside = [row for row in rows if f'href="{held_page}"' in row]
        assert len(beside) == 1 and f'href="{plan_page}"' in beside[0]  # on the held meeting's row
        assert not [row for row in rows if row.split("</td>", 2)[1].count(f'href="{plan_page}"')]


def test_the_site_with_cited_records_has_no_broken_link(cited_site):
    layout, _, _ = cited_site
    assert broken_links(layout.output / "site") == []


@pytest.mark.parametrize("prop", ["prov:wasDerivedFrom", "skg:evidenceKind"])
def test_only_claims_have_a_source_and_a_kind_of_evidence(lookup, prop):
    """The site ranks the documents by their prov:wasDerivedFrom triples, and the start page counts
    the claims by skg:evidenceKind, without checking each subject's class: only claims may have them."""
    assert lookup.source.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?claim {prop} ?value }}") > 0
    assert lookup.source.select(f"SELECT ?node WHERE {{ ?node {prop} ?value "
                                "FILTER NOT EXISTS { ?node a skg:Statement } }") == []
