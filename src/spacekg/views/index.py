"""output/index.html: the page a user starts from — views, downloads, statistics and the query
library with the first rows of each query's answer. Every value is HTML-escaped by the template.

The library's queries are run only on a graph small enough to be drawn whole: on a large one some
of them take minutes, so the page then lists them with the command that runs them."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..exports.files import exported
from ..paths import Layout
from .html import TEMPLATES, check_offline
from .overview import HOW_TO_SEE_MORE
from .stats import betweenness_note

DOWNLOADS = (("spacekg.ttl", "Turtle (all graphs merged)"), ("spacekg.trig", "TriG (named graphs)"),
             ("spacekg.nt", "N-Triples"), ("spacekg.jsonld", "JSON-LD"))
SAMPLE_ROWS = 5
TOP_ORGANIZATIONS = 12


def _size(path: Path) -> str:
    if not path.is_file():
        return "—"
    size = path.stat().st_size
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def query_samples(layout: Layout, dataset) -> tuple[list[dict], list[str]]:
    """Each library query that needs no parameter, run on the dataset: its first rows and count
    (with no dataset, the queries are listed without running them)."""
    from .. import query

    samples, skipped = [], []
    for item in query.library(layout):
        if item.name.endswith("-violation") or item.path.name.endswith(query.CHECK_SUFFIX):
            continue
        if getattr(item, "params", None):
            skipped.append(item.name)
            continue
        sample = {"name": item.name, "title": item.title, "question": item.question, "text": item.text,
                  "columns": item.columns, "rows": [], "count": 0, "error": "", "run": dataset is not None}
        if dataset is None:
            samples.append(sample)
            continue
        try:
            result = query.run(dataset, item.text, source=str(item.path.name))
            sample.update(columns=result.columns, rows=result.rows[:SAMPLE_ROWS], count=len(result.rows))
        except Exception as error:  # one failing query must not hide the others
            sample["error"] = str(error)
        samples.append(sample)
    return samples, skipped


SOURCES = """SELECT ?document ?kind (COUNT(DISTINCT ?statement) AS ?statements) WHERE {
  { SELECT DISTINCT ?document WHERE {
      { ?document a ?class . ?class rdfs:subClassOf* skg:SourceDocument } UNION { ?any prov:wasDerivedFrom ?document } } }
  OPTIONAL {
    ?claim prov:wasDerivedFrom ?document ; a skg:Statement .
    OPTIONAL { ?claim skg:evidenceKind ?evidence }
    BIND(REPLACE(STR(?claim), "/[^/]*$", "") AS ?statement)
  }
  BIND(IF(!BOUND(?claim), "", IF(COALESCE(?evidence = skg:CitedEvidence, false), "cited", "quoted")) AS ?kind)
} GROUP BY ?document ?kind ORDER BY ?document ?kind"""
KINDS = {"quoted": "quoted (text kept with the graph)", "cited": "cited (public record)", "": "no statements"}


def source_documents(source) -> list[dict]:
    """Each source document with the kind of evidence its statements rest on, how many there are,
    its title, publisher, date and address (one row per document and kind)."""
    from .network import records, short_id

    rows = source.select(SOURCES)
    about = records(source, {row[0].value for row in rows})
    found = []
    for document, kind, statements in rows:
        known = about.get(document.value, {})
        found.append({"id": short_id(document.value).removeprefix("doc:"), "kind": KINDS[kind.value],
                      "statements": int(statements.value), "title": known.get("title") or short_id(document.value),
                      "publisher": known.get("publisher", ""), "issued": known.get("issued", ""),
                      "url": known.get("url", "")})
    return found


def render_index(layout: Layout, folder: Path, source, stats: dict, counts: list, drawn) -> str:
    """The index page; ``folder`` is where the other outputs are (for file sizes); ``source`` the
    graph to run the library's queries on (None: list them only); ``counts`` the numbers of the
    graph it opens with (counts.Count); ``drawn`` what graph.html shows."""
    from ..oxigraph import ExactOxigraphStore, dataset_over

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      keep_trailing_newline=True)
    dataset = dataset_over(ExactOxigraphStore(source.store)) if source is not None else None
    queries, skipped = query_samples(layout, dataset)
    html = env.get_template("index.html.j2").render(
        counts=counts, parts={"quoted": "statements", "cited": "statements"},
        sources=source_documents(source) if source is not None else [],
        downloads=[{"name": path.name, "format": fmt, "size": _size(path)}
                   for path, fmt in ((exported(folder, name), fmt) for name, fmt in DOWNLOADS)],
        stats=stats, betweenness_note=betweenness_note(stats),
        present=", ".join(stats["present_at_every_meeting"]) or "none",
        organizations=stats["organizations"][:TOP_ORGANIZATIONS],
        more_organizations=max(0, len(stats["organizations"]) - TOP_ORGANIZATIONS),
        queries=queries, skipped=skipped, drawn=drawn, how_to_see_more=HOW_TO_SEE_MORE, nodes=drawn.total,
    )
    check_offline(html, "index page")
    return html
