"""The views of the built graph: network, filters, page, statistics, pictures, ontology docs, index."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html import escape

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from spacekg.cli import main
from spacekg.namespaces import DOC, KG, SKG, make_graph
from spacekg.ontology import Schema, load_ontology
from spacekg.query import library, open_graph, run
from spacekg.views import filters
from spacekg.views.html import render
from spacekg.oxigraph import ExactOxigraphStore, dataset_over
from spacekg.views.network import build_network
from spacekg.views.source import open_source
from spacekg.views.stats import compute
from spacekg.views.write import VIEW_FILES

EVIL = '</script><img src=x onerror="window.pwned=1"> & \'quotes\' <!--'


@pytest.fixture(scope="session")
def dataset(built):
    """What the views read (the asserted graphs), as an rdflib dataset."""
    return dataset_over(ExactOxigraphStore(open_source(built.dataset).store))


@pytest.fixture(scope="session")
def network(dataset):
    return build_network(dataset)


@pytest.fixture(scope="session")
def drawn(built):
    """What the build's graph.html draws: the whole graph, or the overview of a large one."""
    from spacekg.views.overview import overview_of

    return overview_of(open_source(built.dataset))


def embedded_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    assert match, "the page embeds its data"
    return json.loads(match.group(1))


def test_build_writes_every_view(built, layout):
    for name in VIEW_FILES:
        assert (layout.output / name).stat().st_size > 1000, name


def test_nodes_are_the_entities_and_documents(built, layout, network, dataset):
    typed = {s for s in dataset.subjects(RDF.type, None) if isinstance(s, URIRef)
             and re.match(r"https://w3id.org/spacekg/(id|doc)/", str(s))}
    assert network.number_of_nodes() == len(typed)
    assert not [n for n, d in network.nodes(data=True) if d["category"] in {"statement", "quote"}]
    schema = Schema.from_graph(load_ontology(layout.ontology))
    for entity in built.corpus.entities.values():  # each registry entry, as the registry has it
        node = network.nodes[entity.id]
        assert node.get("ja", "") == (entity.ja or ""), entity.id
        if schema.is_a(entity.klass, frozenset({SKG.DialogueMeeting})):
            assert node["category"] == "meeting", entity.id
        elif schema.is_a(entity.klass, frozenset({SKG.Organization})):
            assert node["category"] == "organization", entity.id


def test_edges_carry_the_ontology_label_and_the_quotes(network, dataset):
    co_chaired = [d for _, _, d in network.edges(data=True) if d["property"] == str(SKG.coChairedBy)]
    label = str(dataset.value(SKG.coChairedBy, RDFS.label))
    assert co_chaired and all(d["label"] == label for d in co_chaired)
    titles = {str(o) for o in dataset.objects(None, URIRef("http://purl.org/dc/terms/title"))}
    urls = {str(o) for o in dataset.objects(None, URIRef("https://schema.org/url"))}
    sourced = [d for _, _, d in network.edges(data=True) if d["quotes"]]
    assert len(sourced) > len(network.edges) / 2
    for data in sourced:  # each source shows its words: the quote of a text, or the paraphrase of a record
        for quote in data["quotes"]:
            assert quote["title"] in titles, quote
            if quote["kind"] == "quoted":
                assert quote["exact"].strip() and not quote["paraphrase"], quote
            else:
                assert quote["kind"] == "cited" and quote["paraphrase"].strip() and quote["url"] in urls, quote
    claims = {(str(s), str(p), str(o)) for c in dataset.subjects(RDF.type, SKG.Statement)
              for s, p, o in [(dataset.value(c, RDF.subject), dataset.value(c, RDF.predicate), dataset.value(c, RDF.object))]}
    for source, target, data in network.edges(data=True):  # a link has sources if and only if a statement states it
        fact = (network.nodes[source]["iri"], data["property"], network.nodes[target]["iri"])
        assert bool(data["quotes"]) == (fact in claims), fact


def test_provenance_nodes_only_on_request(dataset, network):
    with_provenance = build_network(dataset, provenance=True)
    statements = set(dataset.subjects(RDF.type, SKG.Statement))
    kinds = [d["category"] for _, d in with_provenance.nodes(data=True)]
    assert kinds.count("statement") == len(statements)
    assert kinds.count("quote") > 0
    assert with_provenance.number_of_nodes() == network.number_of_nodes() + len(statements) + kinds.count("quote")


def test_focus_accepts_id_label_and_abbreviation(network):
    assert filters.resolve(network, "JAXA") == "jaxa"
    assert filters.resolve(network, "Japan Aerospace Exploration Agency") == "jaxa"
    assert filters.resolve(network, "kg:jaxa") == "jaxa"
    around = filters.by_focus(network, "JAXA", 2)
    meetings_of_jaxa = {m for m in network.predecessors("jaxa") if network.nodes[m]["category"] == "meeting"}
    assert "jaxa" in around and meetings_of_jaxa and meetings_of_jaxa <= set(around)
    assert around.number_of_nodes() < network.number_of_nodes()
    one = filters.by_focus(network, "jaxa", 1)
    assert set(one.nodes) == {"jaxa"} | set(network.successors("jaxa")) | set(network.predecessors("jaxa"))


def test_unknown_focus_is_a_clear_error(network):
    with pytest.raises(filters.FilterError) as error:
        filters.resolve(network, "JAXAA")
    assert "JAXAA" in str(error.value) and "jaxa" in str(error.value.hint).lower()


def test_class_country_and_year_filters(network):
    only = filters.by_classes(network, ["meeting", "Agency"])
    assert {d["category"] for _, d in only.nodes(data=True)} == {"meeting", "organization"}
    japan = filters.by_countries(network, ["japan"])
    countries = {n: d.get("country") for n, d in network.nodes(data=True) if d["category"] == "organization"}
    assert {n for n, c in countries.items() if c == "japan"} <= set(japan)
    assert not {n for n, c in countries.items() if c and c != "japan"} & set(japan)
    assert {n for n, d in network.nodes(data=True) if d["category"] == "meeting"} <= set(japan)
    dated = {n: d.get("date", "")[:4] for n, d in network.nodes(data=True)
             if d["category"] in {"meeting", "event", "document"} and d.get("date")}
    year = sorted(dated.values())[0]
    picked = filters.by_years(network, [year])
    centres = {n for n, y in dated.items() if y == year}
    undirected = network.to_undirected(as_view=True)
    assert centres <= set(picked)
    for node in set(dated) - centres:  # another year's event: there only as a neighbour of one of this year
        assert (node in picked) == any(c in undirected[node] for c in centres), node
    with pytest.raises(filters.FilterError):
        filters.by_classes(network, ["spaceship"])


def test_page_is_offline_and_complete(layout, network, drawn):
    """The page carries every node of the graph, or of its overview when the graph is above the limit."""
    from spacekg.views.overview import OVERVIEW_LIMIT

    html = (layout.output / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "Content-Security-Policy" in html and "vis-network" in html
    data = embedded_data(html)
    assert drawn.whole == (network.number_of_nodes() <= OVERVIEW_LIMIT)
    expected = network if drawn.whole else drawn.network
    assert len(data["nodes"]) == expected.number_of_nodes() <= max(OVERVIEW_LIMIT, network.number_of_nodes())
    assert len(data["edges"]) == expected.number_of_edges()
    assert {n["id"] for n in data["nodes"]} == set(expected.nodes)
    assert ('id="left-out"' in html) == (not drawn.whole)
    assert data["nodes"] == sorted(data["nodes"], key=lambda n: n["id"])


def _evil_graph():
    graph = make_graph()
    for name, klass in (("evil", SKG.Agency), ("cds-99", SKG.DialogueMeeting)):
        graph.add((KG[name], RDF.type, klass))
        graph.add((KG[name], RDFS.label, Literal(EVIL + name, lang="en")))
    graph.add((KG["cds-99"], SKG.participant, KG["evil"]))
    return graph


def test_labels_are_escaped_in_the_page():
    html = render(build_network(_evil_graph()), heading="<b>heading</b> " + EVIL)
    assert "<img src=x" not in html and "</script><img" not in html
    assert "&lt;b&gt;heading&lt;/b&gt;" in html
    labels = {n["title"].splitlines()[0] for n in embedded_data(html)["nodes"]}
    assert EVIL + "evil" in labels


def test_page_is_byte_identical_across_runs(layout, tmp_path):
    """A fresh process (another hash seed) draws the same page from the built graph, as the build does."""
    script = ("import sys; from pathlib import Path; from spacekg.paths import Layout; "
              "from spacekg.store import open_dataset; from spacekg.views.source import open_source; "
              "from spacekg.views.write import write_graph_page; "
              "write_graph_page(open_source(open_dataset(Layout(Path(sys.argv[1])))), Path(sys.argv[2]))")
    pages = []
    for seed in ("1", "2"):
        target = tmp_path / f"graph-{seed}.html"
        subprocess.run([sys.executable, "-c", script, str(layout.root), str(target)], check=True,
                       env=dict(os.environ, PYTHONHASHSEED=seed))
        pages.append(target.read_bytes())
    assert pages[0] == pages[1]
    assert pages[0] == (layout.output / "graph.html").read_bytes()


def test_stats_match_an_independent_count(built, layout, dataset, network):
    stats = json.loads((layout.output / "stats.json").read_text(encoding="utf-8"))
    assert stats == json.loads(json.dumps(compute(network)))
    rows = dataset.query("""
        SELECT DISTINCT ?meeting ?org WHERE {
          ?meeting skg:inSeries kg:comprehensive-dialogue-on-space ; skg:eventStatus skg:Held .
          ?part (skg:partOf)* ?meeting .
          ?part ?takesPart ?org . ?takesPart rdfs:subPropertyOf* skg:participant .
          ?org a ?class . ?class rdfs:subClassOf* skg:Organization .
        }""")
    attended: dict[str, set] = {}
    for meeting, org in rows:
        attended.setdefault(str(org).rsplit("/", 1)[-1], set()).add(str(meeting).rsplit("/", 1)[-1])
    assert {o["id"]: set(o["meetings"]) for o in stats["organizations"]} == attended
    held = set(stats["meetings_with_attendance"])
    assert stats["present_at_every_meeting"] == sorted(o for o, ms in attended.items() if ms == held)
    members = [m for c in stats["communities"] for m in c["members"]]
    assert sorted(members) == sorted(attended)
    assert all(0 <= o["betweenness_centrality"] <= 1 for o in stats["organizations"])


def test_stats_count_the_organizations_of_the_attendance_query(layout):
    """stats.json and queries/attendance.rq count the same organizations at the same meetings."""
    from spacekg.query import find, open_graph, run

    stats = json.loads((layout.output / "stats.json").read_text(encoding="utf-8"))
    answer = run(open_graph(layout), find(layout, "attendance").text)
    rows = [dict(zip(answer.columns, row)) for row in answer.rows]
    ordinal = {m["id"]: m["ordinal"] for m in stats["meetings"]}
    assert sorted((r["organization"], int(r["meetings"]), r["ordinals"]) for r in rows) == sorted(
        (o["label"], len(o["meetings"]), ", ".join(str(ordinal[m]) for m in o["meetings"])) for o in stats["organizations"])
    assert stats["network"]["organizations"] == len(rows)
    assert "attendance.rq" in stats["counted"]


def test_pictures_are_deterministic_pngs(layout, network, tmp_path):
    from spacekg.views.pictures import attendance_picture, timeline_picture

    for name, draw in (("attendance.png", attendance_picture), ("timeline.png", timeline_picture)):
        built = (layout.output / name).read_bytes()
        assert built[:8] == b"\x89PNG\r\n\x1a\n" and b"matplotlib" not in built
        assert draw(network, "comprehensive-dialogue-on-space", tmp_path / name).read_bytes() == built


def test_timeline_shows_what_is_part_of_what(network):
    """A row that is part of another row (skg:partOf, or skg:hasPart the other way) comes right below
    it, among its parent's parts, and its label names the parent."""
    from spacekg.views.network import display_label
    from spacekg.views.pictures import timeline_rows
    from spacekg.views.stats import series_meetings

    meetings = [m for m in series_meetings(network, "comprehensive-dialogue-on-space")
                if network.nodes[m].get("status") == "Held" and network.nodes[m].get("date")]
    rows, _ = timeline_rows(network, meetings)
    position = {row["id"]: i for i, row in enumerate(rows)}
    part_of = {(a, b) for a, b, d in network.edges(data=True) if d["property"] == str(SKG.partOf)} | \
              {(b, a) for a, b, d in network.edges(data=True) if d["property"] == str(SKG.hasPart)}
    pairs = [(part, whole) for part, whole in part_of if part in position and whole in position and part != whole]
    assert pairs, "the corpus has programs that are part of other programs (QZSS and its satellites)"
    for part, whole in pairs:
        row = rows[position[part]]
        assert row["parent"] == whole
        assert f"(part of {display_label(network.nodes[whole], 20)})" in row["label"]
        between = rows[position[whole] + 1:position[part]]
        assert position[whole] < position[part] and all(r["parent"] is not None for r in between)


def test_ontology_docs_document_every_class(layout, dataset):
    html = (layout.output / "ontology.html").read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img)\b[^>]*(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    for name in ("DialogueMeeting", "coChairedBy", "Statement"):
        assert f"https://w3id.org/spacekg/ontology#{name}" in html


def test_ontology_docs_list_each_term_of_the_ontology_once(built, layout):
    """pyLODE documents the ontology's own classes and properties, each once (no second section for
    functional properties, no external term beside one of the same name), with no made-up prefix."""
    from rdflib.namespace import OWL

    from spacekg.ingest import ONTOLOGY_GRAPH

    html = (layout.output / "ontology.html").read_text(encoding="utf-8")
    documented = re.findall(r"<th>IRI</th>\s*<td>\s*<code>([^<]*)</code>", html)
    ontology = built.dataset.graph(ONTOLOGY_GRAPH)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    own = {str(t) for kind in kinds for t in ontology.subjects(RDF.type, kind) if str(t).startswith(str(SKG._NS))}
    assert sorted(documented) == sorted(own)
    toc = html[html.index('<div id="toc">'):]
    links = re.findall(r'<a href="#([^"]+)">', toc)
    assert len(links) == len(set(links))
    assert not re.search(r"\bns\d+\b", html)
    functional = {str(t) for t in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
    assert functional and html.count("Functional: a subject has at most one value") == len(functional)


def test_index_links_to_existing_files(layout):
    html = (layout.output / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'(?:href|src)="([^"#]+)"', html))
    for name in ("graph.html", "ontology.html", "attendance.png", "timeline.png", "spacekg.ttl", "spacekg.trig",
                 "spacekg.nt", "spacekg.jsonld"):
        assert name in links
    assert all((layout.output / link).is_file() for link in links if not link.startswith(("https://", "http://")))
    assert not re.search(r"""<(script|link|img|iframe)\b[^>]*(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "Query library" in html and "-violation" not in html


def test_viz_command_writes_a_focused_page(layout, tmp_path, capsys):
    target = tmp_path / "jaxa.html"
    assert main(["--root", str(layout.root), "viz", "--focus", "JAXA", "--depth", "2", "-o", str(target)]) == 0
    data = embedded_data(target.read_text(encoding="utf-8"))
    assert "jaxa" in {n["id"] for n in data["nodes"]}
    assert "around JAXA (depth 2)" in capsys.readouterr().out


def test_viz_command_reports_an_unknown_node(layout, tmp_path, capsys):
    code = main(["--root", str(layout.root), "viz", "--focus", "nobody-at-all", "-o", str(tmp_path / "x.html")])
    assert code == 1
    assert "no node is called 'nobody-at-all'" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_stats_command_prints_a_table(layout, tmp_path, capsys):
    target = tmp_path / "stats.json"
    assert main(["--root", str(layout.root), "stats", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert "deg.c" in out and "betw." in out
    assert "JAXA" in out and "communities (Louvain" in out
    assert json.loads(target.read_text(encoding="utf-8"))["organizations"]


# --- reading the graph in place, and large graphs --------------------------------------------------

def test_views_leave_out_the_inferred_graph(built, network):
    """The reasoner's inverse properties are in graph:inferred (built.inferred) but drawn nowhere."""
    inverses = {str(SKG.coChaired), str(SKG.participatedIn)}
    assert [t for t in built.inferred if t[1] == SKG.coChaired]
    assert not [d for _, _, d in network.edges(data=True) if d["property"] in inverses]
    assert [d for _, _, d in network.edges(data=True) if d["property"] == str(SKG.coChairedBy)]


def _distances(network, centre: str) -> dict[str, int]:
    import networkx as nx

    return nx.single_source_shortest_path_length(network.to_undirected(as_view=True), centre)


def test_overview_draws_the_nodes_nearest_to_the_dialogue(built, network):
    from spacekg.views.overview import overview_of

    source = open_source(built.dataset)
    drawn = overview_of(source, limit=60)
    again = overview_of(source, limit=60)
    assert sorted(drawn.network.nodes) == sorted(again.network.nodes)
    assert 50 <= drawn.network.number_of_nodes() <= 60 and not drawn.whole
    assert drawn.total == network.number_of_nodes()
    series = "comprehensive-dialogue-on-space"
    meetings = {n for n, d in network.nodes(data=True) if d.get("series") == series}
    assert meetings and {series} | meetings <= set(drawn.network.nodes)
    distance = _distances(network, "comprehensive-dialogue-on-space")
    kept = [distance[n] for n in drawn.network.nodes]
    left = [distance[n] for n in network.nodes if n in distance and n not in drawn.network]
    assert max(kept) <= min(left)  # nearest first
    for source_node, target, key, data in drawn.network.edges(keys=True, data=True):
        assert network.edges[source_node, target, key] == data  # the same facts and quotes as the whole graph
    assert f"{network.number_of_nodes() - drawn.network.number_of_nodes():,} more nodes are not drawn" in drawn.left_out
    assert "spacekg viz --focus" in drawn.left_out
    whole = overview_of(source, limit=network.number_of_nodes())
    assert whole.whole and whole.note == "" and whole.network.number_of_nodes() == network.number_of_nodes()
    assert "drawn_from" not in whole.network.graph and drawn.network.graph["drawn_from"] == {
        "entities": len([n for n, c in network.nodes(data="category") if c != "document"]),
        "documents": len([n for n, c in network.nodes(data="category") if c == "document"])}


def test_views_of_a_graph_above_the_overview_limit(built, layout, network, drawn, dataset, tmp_path, monkeypatch):
    """The large-graph path on the corpus: bounded page, same statistics, queries listed not run, every
    count of the index page a query on the graph."""
    from spacekg.views import overview
    from spacekg.views.write import write_views

    monkeypatch.setattr(overview, "OVERVIEW_LIMIT", 60)

    class Result:
        dataset, ontology, files = built.dataset, built.ontology, []

    write_views(Result(), layout, tmp_path, lambda _: None)
    data = embedded_data((tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert len(data["nodes"]) <= 60
    html = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "more nodes are not drawn" in html and f"overview of {network.number_of_nodes():,} nodes" in html
    assert (tmp_path / "stats.json").read_bytes() == (layout.output / "stats.json").read_bytes()
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "spacekg query meetings" in index and "too many to run every query" in index
    answer = run(open_graph(layout), next(q for q in library(layout) if q.name == "meetings").text)
    row = "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in answer.rows[0][:3])  # the first meeting's row
    assert row not in index  # no answer rows
    assert (row in (layout.output / "index.html").read_text(encoding="utf-8")) == drawn.whole
    counts = check_index_counts(layout, dataset, folder=tmp_path)
    assert counts["drawn"] == len(data["nodes"]) and counts["not-drawn"] == network.number_of_nodes() - len(data["nodes"])
    assert (tmp_path / "ontology.html").read_bytes() == (layout.output / "ontology.html").read_bytes()
    assert Result.files == [tmp_path / name for name in VIEW_FILES]


def test_statistics_need_only_the_series_neighbourhood(built, network):
    from spacekg.views.overview import series_nodes

    source = open_source(built.dataset)
    nodes = series_nodes(source)
    assert len(nodes) < network.number_of_nodes()
    assert compute(build_network(source, nodes=nodes)) == compute(network)


def test_betweenness_is_sampled_above_a_size(network, monkeypatch):
    from spacekg.views import stats

    exact = compute(network)
    assert exact["betweenness"] == {"method": "exact"}
    monkeypatch.setattr(stats, "EXACT_BETWEENNESS_LIMIT", 10)
    monkeypatch.setattr(stats, "BETWEENNESS_PIVOTS", 8)
    sampled = compute(network)
    assert sampled["betweenness"] == {"method": "sampled", "pivots": 8, "seed": stats.BETWEENNESS_SEED}
    assert sampled == compute(network)  # the fixed seed: the same estimate every time
    values = {o["id"]: o["betweenness_centrality"] for o in sampled["organizations"]}
    assert all(0 <= v <= 1 for v in values.values())
    assert values != {o["id"]: o["betweenness_centrality"] for o in exact["organizations"]}
    assert f"estimated from 8 of the {sampled['network']['organizations']} organizations" in stats.table(sampled)


@pytest.mark.parametrize("name", ["JAXA", "jaxa", "kg:jaxa", "Japan Aerospace Exploration Agency",
                                  "japan aerospace exploration agency", "宇宙航空研究開発機構", "CDS-7",
                                  "doc:cds1-joint-statement-2013"])
def test_names_resolve_in_the_store_as_in_the_network(built, network, name):
    from spacekg.views.network import short_id

    assert short_id(filters.resolve_iri(open_source(built.dataset), name)) == filters.resolve(network, name)


def test_unknown_name_in_the_store_is_a_clear_error(built):
    with pytest.raises(filters.FilterError) as error:
        filters.resolve_iri(open_source(built.dataset), "JAXAA")
    assert "no node is called 'JAXAA'" in str(error.value) and "jaxa" in error.value.hint


@pytest.mark.parametrize("options", [
    {"focus": "JAXA", "depth": 2}, {"focus": "jaxa", "depth": 2, "country": ["japan"]}, {"meeting": ["cds-5-plan"], "country": ["japan"]},
    {"year": ["2017"], "classes": ["organization"]}, {"focus": "cds-9", "depth": 2, "provenance": True},
    {"meeting": ["cds-1", "cds-4"], "focus": "nasa", "depth": 1},
])
def test_filtered_views_read_only_their_neighbourhood(built, network, options):
    """A filtered view made from the nodes :func:`filters.universe` finds is the view made from the
    whole network."""
    from types import SimpleNamespace

    from spacekg.commands.viz import _filtered

    args = SimpleNamespace(**{"meeting": [], "year": [], "classes": [], "country": [], "focus": None, "depth": 1,
                              "keep_isolated": False, "provenance": False, **options})
    source = open_source(built.dataset)
    nodes = filters.universe(source, args.meeting, args.year, args.focus, args.depth)
    small, applied = _filtered(build_network(source, nodes=nodes, provenance=args.provenance), args)
    whole, _ = _filtered(build_network(source, provenance=args.provenance), args)
    assert len(nodes) < network.number_of_nodes() and applied
    assert dict(small.nodes(data=True)) == dict(whole.nodes(data=True))
    assert sorted(small.edges(keys=True)) == sorted(whole.edges(keys=True))
    assert small.number_of_nodes() >= 3


def test_meeting_labels_are_large_and_clear_of_other_nodes(layout, drawn):
    """The held meetings of the Dialogue and the most linked nodes are labelled large enough to read
    with the whole graph in view (other meetings medium); a held meeting's label covers another node
    only where the other side of the node would cover one too, or another label (as the label of the
    5th meeting once covered Japan)."""
    import numpy as np

    from spacekg.views.labels import _box, label_limit
    from spacekg.views.network import display_label

    nodes = {n["id"]: n for n in embedded_data((layout.output / "graph.html").read_text(encoding="utf-8"))["nodes"]}
    network = drawn.network
    stars = [n for n in nodes.values() if n["shape"] == "star"]
    assert {n["id"] for n in stars} == {n for n, c in network.nodes(data="category") if c == "meeting"}
    held = {n for n, d in network.nodes(data=True) if d["category"] == "meeting" and d.get("status") == "Held"
            and d.get("series") == "comprehensive-dialogue-on-space"}
    meetings = [n for n in stars if n["id"] in held]
    assert meetings and all(n["font"]["size"] >= 40 for n in meetings)
    assert all(n["font"]["size"] >= 20 for n in stars)
    labelled = [n for n in nodes.values() if n.get("font", {}).get("size", 0) >= 30]
    assert len(labelled) > len(meetings)  # and some of the most linked other nodes

    def box(node, above):
        data = network.nodes[node["id"]]
        text = display_label(data, label_limit(data["category"]))
        return _box((node["x"], node["y"]), node["size"], node["font"]["size"], text, above)

    for meeting in meetings:
        above = "vadjust" in meeting["font"]
        rest = np.array([[n["x"], n["y"], n["size"]] for n in nodes.values() if n is not meeting])
        if box(meeting, above).covers(rest).any():
            other = box(meeting, not above)
            labels = [box(n, "vadjust" in n["font"]) for n in labelled if n is not meeting]
            assert other.covers(rest).any() or any(other.overlaps(label) for label in labels), meeting["id"]


def test_viz_command_draws_the_overview_of_a_large_graph(layout, network, tmp_path, capsys, monkeypatch):
    from spacekg.views import overview

    monkeypatch.setattr(overview, "OVERVIEW_LIMIT", 60)
    target = tmp_path / "graph.html"
    assert main(["--root", str(layout.root), "viz", "-o", str(target)]) == 0
    assert len(embedded_data(target.read_text(encoding="utf-8"))["nodes"]) <= 60
    assert f"(overview of {network.number_of_nodes():,} nodes" in capsys.readouterr().out


# --- counts on the pages ------------------------------------------------------------------------------

# Each count the index page shows, asked of the graph here in the test's own words.
_ORGANIZATION_AT = """?meeting skg:inSeries kg:comprehensive-dialogue-on-space ; skg:eventStatus skg:Held .
    ?part skg:partOf* ?meeting . ?part ?takesPart ?{0} . ?takesPart rdfs:subPropertyOf* skg:participant .
    ?{0} a/rdfs:subClassOf* skg:Organization ."""
COUNT_QUERIES = {
    "nodes": """SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE { ?node a ?c
        FILTER(REGEX(STR(?node), "^https://w3id.org/spacekg/(id|doc)/")) }""",
    "documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a/rdfs:subClassOf* skg:SourceDocument }",
    "quoted": "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a oa:SpecificResource ; oa:hasSelector ?s }",
    "cited": """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?d ?words WHERE {
        ?c skg:evidenceKind skg:CitedEvidence ; skg:paraphrase ?words ; prov:wasDerivedFrom ?d } }""",
    "facts": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }",
    "entities": "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH graph:registry { ?e rdf:type ?c } }",
    "links": """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o . ?s a ?x . ?o a ?y
        FILTER(?p NOT IN (rdf:type, skos:inScheme, skg:eventStatus))
        FILTER(REGEX(STR(?s), "^https://w3id.org/spacekg/(id|doc)/") && REGEX(STR(?o), "^https://w3id.org/spacekg/(id|doc)/")) } }""",
    "organizations": f"SELECT (COUNT(DISTINCT ?org) AS ?n) WHERE {{ {_ORGANIZATION_AT.format('org')} }}",
    "meetings-with-attendance": f"SELECT (COUNT(DISTINCT ?meeting) AS ?n) WHERE {{ {_ORGANIZATION_AT.format('org')} }}",
    "pairs": f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?a ?b WHERE {{ {_ORGANIZATION_AT.format('a')}
        ?other skg:partOf* ?meeting . ?otherTakesPart rdfs:subPropertyOf* skg:participant . ?other ?otherTakesPart ?b .
        ?b a/rdfs:subClassOf* skg:Organization . FILTER(STR(?a) < STR(?b)) }} }}""",
}


def page_counts(html: str) -> dict[str, int]:
    return {key: int(value.replace(",", "")) for key, value in
            re.findall(r'<span class="count" data-count="([^"]+)">([\d,]+)</span>', html)}


@pytest.fixture(scope="module")
def cited_project(tmp_path_factory):
    """The real sources with a quoted text and a cited record added (tests/cited_record/), built."""
    import shutil
    from pathlib import Path

    from tests.conftest import copy_project

    root = tmp_path_factory.mktemp("cited-views")
    project = copy_project(root)
    shutil.copytree(Path(__file__).parent / "cited_record" / "sources", project.sources, dirs_exist_ok=True)
    assert main(["--root", str(root), "build", "--quiet"]) == 0
    return project


def test_every_count_on_the_index_page_is_a_query_on_the_graph(built, layout, dataset):
    check_index_counts(layout, dataset)


def test_every_count_on_the_index_page_of_a_corpus_with_cited_records(cited_project):
    from spacekg.store import open_dataset

    counts = check_index_counts(cited_project, open_dataset(cited_project))
    assert counts["cited"] > 0


def test_index_and_tooltips_show_a_cited_record_of_the_sources(cited_project):
    """A record of the annotation files (tests/cited_record/) as the index page's sources table and
    the graph's link tooltips show it: "cited: publisher, title, date", its address, the paraphrase."""
    from spacekg.store import open_dataset
    from spacekg.views.network import edge_tooltip

    html = (cited_project.output / "index.html").read_text(encoding="utf-8")
    dataset = open_dataset(cited_project)
    cited = []
    for path in sorted(cited_project.annotations.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "url" in content["document"]:
            cited.append(content)
    assert cited
    network = build_network(dataset)
    sources = html[html.index('id="sources"'):html.index("<h2>Downloads")]
    for record in cited:
        document = record["document"]
        row = next(row for row in sources.split("<tr>") if f"({document['id']})" in row)
        publisher = next(str(label) for label in dataset.objects(KG[document["publisher"]], RDFS.label)
                         if label.language == "en")
        assert f'href="{document["url"]}"' in row and "cited" in row and publisher in row
        assert str(document["issued"]) in row and f'<td class="num">{len(record["statements"])}</td>' in row
        paraphrases = [" ".join(statement["paraphrase"].split()) for statement in record["statements"]]
        shown = 0
        for source, target, data in network.edges(data=True):
            if any(q["document"] == f"doc:{document['id']}" for q in data["quotes"]):
                tip = edge_tooltip(network, source, target, data)
                assert f"cited: {publisher}, “{document['title']}”, {document['issued']}" in tip
                assert document["url"] in tip and any(words in tip for words in paraphrases)
                shown += 1
        links = [node for node in dataset.subjects(PROV.wasDerivedFrom, DOC[document["id"]])
                 if isinstance(dataset.value(node, RDF.object), URIRef)]  # a record may give dates only
        assert shown or not links, f"no link of the graph rests on {document['id']}"


def check_index_counts(layout, dataset, folder=None) -> dict[str, int]:
    """Each number of the index page (in ``folder``, default the build's output) names what it counts
    and equals that count asked of the graph, or of the graph page beside it; no other number stands
    in its text (tables and SPARQL aside)."""
    from spacekg.query import find, run

    folder = layout.output if folder is None else folder
    html = (folder / "index.html").read_text(encoding="utf-8")
    counts = page_counts(html)
    drawn = len(embedded_data((folder / "graph.html").read_text(encoding="utf-8"))["nodes"])
    graph = {key: int(next(iter(dataset.query(text)))[0]) for key, text in COUNT_QUERIES.items()}
    graph["statements"] = graph["quoted"] + graph["cited"]
    for key, value in counts.items():
        kind, _, name = key.partition(":")
        if key in graph:
            assert value == graph[key], key
        elif key == "drawn":  # an overview: the nodes graph.html draws, and the others
            assert value == drawn < graph["nodes"], key
        elif key == "not-drawn":
            assert value == graph["nodes"] - drawn, key
        elif kind == "rows":
            assert value == len(run(dataset, find(layout, name).text).rows), key
        elif kind == "shown":
            table = re.search(rf'id="q-{re.escape(name)}".*?<table>(.*?)</table>', html, re.S).group(1)
            assert value == table.count("<tr>") - 1 < counts[f"rows:{name}"], key
        elif key == "more-organizations":
            table = html[html.index("Who met whom"):]
            shown = table[:table.index("</table>")].count("<tr>") - 1
            assert value == graph["organizations"] - shown
        else:
            raise AssertionError(f"the test does not know how to count {key!r}")
    whole = drawn == graph["nodes"]  # a graph drawn whole: its links counted, its sources and queries shown
    assert {"documents", "statements", "quoted", "cited", "facts", "entities", "organizations", "pairs"} <= set(counts)
    assert ("links" in counts) == whole and ("drawn" in counts) == ("not-drawn" in counts) == ("nodes" in counts) != whole
    statements = [s for path in sorted(layout.annotations.glob("*.yaml"))
                  for s in yaml.safe_load(path.read_text(encoding="utf-8"))["statements"]]
    assert counts["statements"] == len(statements)  # as many as the annotation files hold
    assert counts["quoted"] == len([s for s in statements if "quote" in s])
    assert ('id="sources"' in html) == whole
    if whole:
        sources = html[html.index('id="sources"'):]
        sources = sources[:sources.index("</table>")]
        assert sum(map(int, re.findall(r'<td class="num">(\d+)</td>', sources))) == counts["statements"]
    text = re.sub(r"<(table|pre|details|code|style|head)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r'<span class="count" data-count="[^"]+">[\d,]+</span>', " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    assert not re.findall(r"\S*\d\S*", text), "a number that does not say what it counts"
    return counts


# --- which kind of evidence -----------------------------------------------------------------------

def evidence_graph():
    """A meeting with two facts: one quoted from a text, one cited from a public record."""
    from rdflib.namespace import DCTERMS, PROV, XSD

    from spacekg.namespaces import DOC, OA, QUOTE, SCHEMA, STMT

    graph = make_graph()
    for node, klass, label in ((KG["cds-99"], SKG.DialogueMeeting, "99th meeting"), (KG.alpha, SKG.Agency, "Alpha Agency"),
                               (KG.beta, SKG.Agency, "Beta Agency")):
        graph.add((node, RDF.type, klass))
        graph.add((node, RDFS.label, Literal(label, lang="en")))
    graph.add((KG["cds-99"], SKG.participant, KG.alpha))
    graph.add((KG["cds-99"], SKG.participant, KG.beta))
    for document, title in ((DOC.text, "A joint statement"), (DOC.record, "会合の開催について")):
        graph.add((document, RDF.type, SKG.WebPage))
        graph.add((document, DCTERMS.title, Literal(title, lang="en" if document == DOC.text else "ja")))
    graph.add((DOC.record, DCTERMS.publisher, KG.beta))
    graph.add((DOC.record, DCTERMS.issued, Literal("2018-07-20", datatype=XSD.date)))
    graph.add((DOC.record, SCHEMA.url, URIRef("https://www.example.org/record.html")))
    for claim, organization in ((STMT["text/s/participant-alpha"], KG.alpha), (STMT["record/s/participant-beta"], KG.beta)):
        graph.add((claim, RDF.type, SKG.Statement))
        graph.add((claim, RDF.subject, KG["cds-99"]))
        graph.add((claim, RDF.predicate, SKG.participant))
        graph.add((claim, RDF.object, organization))
        graph.add((claim, SKG.rank, SKG.NormalRank))
    graph.add((STMT["text/s/participant-alpha"], PROV.wasDerivedFrom, DOC.text))
    graph.add((STMT["text/s/participant-alpha"], SKG.evidenceKind, SKG.QuotedEvidence))
    graph.add((STMT["text/s/participant-alpha"], OA.hasTarget, QUOTE["text/s"]))
    graph.add((QUOTE["text/s"], OA.hasSelector, URIRef(QUOTE["text/s"] + "#quote")))
    graph.add((URIRef(QUOTE["text/s"] + "#quote"), OA.exact, Literal("Alpha Agency took part")))
    graph.add((STMT["record/s/participant-beta"], PROV.wasDerivedFrom, DOC.record))
    graph.add((STMT["record/s/participant-beta"], SKG.evidenceKind, SKG.CitedEvidence))
    graph.add((STMT["record/s/participant-beta"], SKG.paraphrase, Literal("The record lists Beta among those present.", lang="en")))
    return graph


def test_link_tooltips_say_which_kind_of_evidence():
    """A quoted fact shows its quote and the text's title; a cited one "cited: publisher, title, date",
    the record's address and the paraphrase."""
    from spacekg.views.network import edge_tooltip

    network = build_network(evidence_graph())
    tips = {target: edge_tooltip(network, source, target, data) for source, target, data in network.edges(data=True)}
    assert "“Alpha Agency took part”\n— A joint statement" in tips["alpha"] and "cited" not in tips["alpha"]
    assert "cited: Beta Agency, “会合の開催について”, 2018-07-20" in tips["beta"]
    assert "https://www.example.org/record.html" in tips["beta"] and "lists Beta among those present" in tips["beta"]
    assert "“" not in tips["beta"].split("\n", 1)[1].replace("“会合の開催について”", "")  # no quote marks for a paraphrase


def test_index_lists_quoted_texts_and_cited_records(layout, tmp_path):
    from spacekg.views.index import render_index
    from spacekg.views.overview import Overview
    from spacekg.views.write import summary_counts

    source = open_source(evidence_graph())
    network = build_network(source)
    drawn = Overview(network, network.number_of_nodes())
    html = render_index(layout, tmp_path, source, compute(network), summary_counts(source, drawn), drawn)
    counts = page_counts(html)
    assert (counts["statements"], counts["quoted"], counts["cited"]) == (2, 1, 1)
    sources = html[html.index('id="sources"'):html.index("<h2>Downloads")]
    record = next(row for row in sources.split("<tr>") if "会合の開催について" in row)
    assert 'href="https://www.example.org/record.html"' in record and "cited" in record
    assert "Beta Agency" in record and "2018-07-20" in record
    text = next(row for row in sources.split("<tr>") if "A joint statement" in row)
    assert "quoted" in text and "href" not in text


def test_counts_of_distinct_values_agree_when_made_from_digests(built, monkeypatch):
    """Every count the pages show (index page, site start page) is the same number whether
    Oxigraph counts the distinct values or the source counts them from their digests, as it does
    above DISTINCT_ROWS rows."""
    from spacekg.site import home
    from spacekg.views import source as source_module
    from spacekg.views.counts import QUERIES

    source = open_source(built.dataset)
    queries = [query for _, query in QUERIES.values()] + [query for _, query in home.GRAPH_COUNTS]
    queries += [home.count_query(section.pattern()) for section in home.SECTIONS]
    distinct = [query for query in queries if "COUNT(DISTINCT" in query]
    assert len(distinct) >= 8
    native = [source.count(query) for query in distinct]
    assert all(native) and native == [int(source.select(query)[0][0].value) for query in distinct]
    monkeypatch.setattr(source_module, "DISTINCT_ROWS", -1)
    assert [source.count(query) for query in distinct] == native
    assert source.count("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a <urn:nothing> }") == 0


@pytest.mark.parametrize("count", [1, 7, 40, 100_000])
def test_most_frequent_values_are_those_counted_from_every_row(built, count):
    """Source.most_frequent (counted from digests, read again for the chosen) ranks the values as a
    count of every row does: most rows first, ties by IRI, only the namespace asked for."""
    from collections import Counter

    source = open_source(built.dataset)
    for query, namespace in (("SELECT ?node WHERE { { ?c rdf:subject ?node } UNION { ?c rdf:object ?node } }", KG),
                             ("SELECT ?node WHERE { ?c prov:wasDerivedFrom ?node }", DOC)):
        counted = Counter(row[0].value for row in source.select(query)
                          if isinstance(row[0], ox.NamedNode) and row[0].value.startswith(str(namespace)))
        expected = sorted(counted, key=lambda iri: (-counted[iri], iri))[:count]
        assert len(set(counted.values())) > 1 and len(expected) == min(count, len(counted))
        assert source.most_frequent(query, count, str(namespace)) == expected


def test_views_drawn_by_a_fresh_process_are_the_same_bytes(tmp_path, monkeypatch):
    """A large graph's views are drawn by a child started as a new interpreter (not a fork of the
    build, whose heap it would keep): forced here on the corpus, it writes the same files as a
    forked child."""
    import multiprocessing

    from spacekg import build as building
    from tests.conftest import copy_project

    def outputs(layout):
        files = [layout.output / name for name in (*VIEW_FILES, "spacekg.ttl")]
        files += sorted(path for path in (layout.output / "site").rglob("*") if path.is_file())
        return {str(path.relative_to(layout.output)): path.read_bytes() for path in files}

    monkeypatch.setattr(building, "workers", lambda: 2)  # the child is used on two cores or more
    forked = copy_project(tmp_path / "forked")
    building.build(forked, say=lambda _: None)
    started = []
    get_context = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: started.append(method) or get_context(method))
    monkeypatch.setattr(building, "FRESH_VIEWS_FROM", 0)
    fresh = copy_project(tmp_path / "fresh")
    building.build(fresh, say=lambda _: None)
    assert "spawn" in started
    assert outputs(fresh) == outputs(forked)


def test_a_failure_in_the_views_child_fails_the_build(scratch, monkeypatch):
    """The views' child process reports its error to the build, which fails with it (and so
    publishes nothing) rather than a site without its views."""
    from spacekg import build as building
    from spacekg.errors import SpacekgError
    from spacekg.views import write as views_write

    def broken(source, target):
        raise ValueError("the page could not be drawn")

    monkeypatch.setattr(building, "workers", lambda: 2)
    monkeypatch.setattr(views_write, "write_graph_page", broken)  # a forked child sees it too
    with pytest.raises(SpacekgError, match="drawing the views failed: the page could not be drawn"):
        building.build(scratch, say=lambda _: None)
    assert not (scratch.output / "graph.html").exists()
