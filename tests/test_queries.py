"""The query library on the built corpus: every query runs, answers with its declared columns,
agrees with the other queries and with the graph, whatever the sources hold.

What each query must answer on the sources (meeting 1 was in Tokyo on March 11, 2013; JAXA took
part in meetings 1, 4 and 7 …) is data: sources/expected-answers.yaml, checked by
test_expected_answers.py. Here only invariants are asserted, derived from the graph itself.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from spacekg.namespaces import OA, SCHEMA, SKG
from spacekg.paths import Layout
from spacekg.query import library, open_graph, run
from spacekg.store import open_dataset

from .conftest import ROOT
from .stores import unordered

SAMPLE_PARAMS = {"ordinal": None, "topic": "SSA"}  # ordinal: the first held meeting, found in the data


@pytest.fixture(scope="session")
def graph(built, layout):
    return open_graph(layout)


@pytest.fixture(scope="session")
def memory_graph(built, layout):
    """The same graph in rdflib's own store, answered by rdflib's own SPARQL evaluator."""
    return open_dataset(layout, store="memory")


@pytest.fixture(scope="session")
def ask(graph, layout):
    """ask(name, **params) → the rows of a library query as dicts keyed by column."""
    queries = {q.name: q for q in library(layout)}

    def answer(name: str, **params) -> list[dict[str, str]]:
        result = run(graph, queries[name].text, params or None, source=name)
        return [dict(zip(result.columns, row)) for row in result.rows]

    return answer


@pytest.fixture(scope="session")
def params(ask):
    """Parameters for the queries that need them: a held meeting of the data, a topic."""
    held = [row["ordinal"] for row in ask("meetings") if row["status"] == "held"]
    assert held, "the sources hold no held meeting of the Dialogue"
    return {**SAMPLE_PARAMS, "ordinal": held[0]}


def params_of(query, params: dict) -> dict | None:
    return {name: params[name] for name in query.params} or None


def library_names() -> list[str]:
    return [q.name for q in library(Layout(ROOT))]


def scalar(graph, text: str) -> int:
    return int(next(iter(graph.query(text)))[0])


def ordinals(cell: str) -> list[str]:
    return cell.split(", ") if cell else []


# --- the library itself ----------------------------------------------------------------------

def test_library_has_the_questions_analysts_ask(layout):
    names = set(library_names())
    assert {"meetings", "participants", "topics", "agreements", "people", "conflicts", "provenance",
            "attendance", "timeline", "meeting", "topic-history", "agencies-by-country",
            "reaffirmed-agreements"} <= names
    assert not any(name.endswith("-violation") for name in names)  # the build's checks stay out


@pytest.mark.parametrize("name", library_names())
def test_each_query_answers_with_exactly_its_declared_columns(name, graph, layout, params):
    query = next(q for q in library(layout) if q.name == name)
    assert query.title and query.question.endswith("?")
    result = run(graph, query.text, params_of(query, params), source=name)
    assert result.columns == query.columns
    assert result.rows, f"{name} returned no rows on the corpus"
    for row in result.rows:
        assert len(row) == len(query.columns)
        for cell in row:
            assert "https://w3id.org/" not in cell, f"{name}: an IRI instead of a label: {cell}"


# rdflib's evaluator takes minutes on this one (nested subqueries joined to a wide pattern);
# Oxigraph answers it in well under a second.
SLOW_ON_RDFLIB = {"provenance"}


@pytest.mark.parametrize("name", [n for n in library_names() if n not in SLOW_ON_RDFLIB])
def test_each_query_gives_the_same_rows_on_rdflibs_own_engine(name, graph, memory_graph, layout, params):
    """The queries are plain SPARQL 1.1: rdflib's evaluator agrees with Oxigraph row for row (the
    values that one cell joins in any order: SPARQL leaves GROUP_CONCAT's order open)."""
    query = next(q for q in library(layout) if q.name == name)
    def rows(graph):
        return [[unordered(cell) for cell in row] for row in run(graph, query.text, params_of(query, params)).rows]
    assert rows(memory_graph) == rows(graph)


# --- meetings ----------------------------------------------------------------------------------

def test_meetings_lists_every_meeting_of_the_series_once_in_order(ask, graph):
    """One row per meeting of the series, a plan realized by a held meeting sharing its row."""
    rows = ask("meetings")
    numbers = [int(row["ordinal"]) for row in rows if row["ordinal"]]
    assert numbers == sorted(numbers)
    assert len(rows) == scalar(graph, """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m skg:inSeries kg:comprehensive-dialogue-on-space FILTER NOT EXISTS { ?m skg:realizedAs ?held } }""")
    in_series = {str(o) for (o,) in graph.query(
        "SELECT DISTINCT ?o WHERE { ?m skg:inSeries kg:comprehensive-dialogue-on-space ; skg:ordinal ?o }")}
    assert {row["ordinal"] for row in rows if row["ordinal"]} == in_series  # no other series' meetings
    assert all(row["document"] for row in rows), "a meeting whose values no document gives"
    assert all(row["evidence"] == "quoted" or row["evidence"].startswith("cited: ") for row in rows)
    planned = [row for row in rows if row["status"] == "planned"]
    assert all(row["announced"] for row in planned), "a plan that no meeting announced"


def test_every_held_meeting_has_dates_and_a_city(ask):
    held = [row for row in ask("meetings") if row["status"] == "held"]
    assert held
    for row in held:
        assert row["start"] and row["end"] and row["city"] and row["country"], row
        assert row["end"] >= row["start"], row
        assert ";" not in row["start"] + row["end"] + row["city"], f"two preferred values: {row}"


def test_one_meeting_answers_what_the_list_of_meetings_says(ask):
    """meeting.rq for each held meeting: only that meeting, with the date and city of meetings.rq."""
    for row in (r for r in ask("meetings") if r["status"] == "held"):
        facts = ask("meeting", ordinal=row["ordinal"])
        assert {fact["ordinal"] for fact in facts} == {row["ordinal"]}
        values = defaultdict(set)
        for fact in facts:
            values[fact["property"]].add(fact["value"])
        assert row["start"] in values["start date"] and row["city"] in values["held in"], row
        assert all(fact["document"] and fact["evidence"] for fact in facts)


# --- participants and attendance -------------------------------------------------------------

def test_participants_are_organizations_of_held_meetings(ask, graph):
    rows = ask("participants")
    assert rows and {row["role"] for row in rows} <= {"co-chair", "participant"}
    organizations = {str(label) for (label,) in graph.query("""
        SELECT DISTINCT ?label WHERE { ?o a ?c ; rdfs:label ?label . ?c rdfs:subClassOf* skg:Organization
                                       FILTER(LANG(?label) = "en") }""")}
    assert {row["organization"] for row in rows} <= organizations  # people are never in this table
    meetings = {row["ordinal"] for row in ask("meetings")}
    assert {row["ordinal"] for row in rows} <= meetings


def test_attendance_counts_what_participants_lists(ask):
    attended = defaultdict(set)
    for row in ask("participants"):
        attended[row["organization"]].add(int(row["ordinal"]))
    rows = ask("attendance")
    assert {row["organization"]: [int(o) for o in ordinals(row["ordinals"])] for row in rows} == {
        org: sorted(found) for org, found in attended.items()}
    assert all(int(row["meetings"]) == len(ordinals(row["ordinals"])) for row in rows)
    counts = [int(row["meetings"]) for row in rows]
    assert counts == sorted(counts, reverse=True)


def test_agencies_by_country_counts_the_same_meetings_as_attendance(ask):
    attended = {row["organization"]: row["meetings"] for row in ask("attendance")}
    rows = ask("agencies-by-country")
    assert rows
    for row in rows:
        assert row["meetings"] == attended.get(row["organization"], "0"), row
    assert set(attended) <= {row["organization"] for row in rows}


def test_inferred_graph_only_adds_answers(layout, built):
    """--inferred adds entailments (co-chairs become participants); the default is asserted only."""
    query = next(q for q in library(layout) if q.name == "participants")
    role = query.columns.index("role")
    asserted = {tuple(row) for row in run(open_graph(layout), query.text).rows}
    inferred = {tuple(row) for row in run(open_graph(layout, inferred=True), query.text).rows}
    assert asserted <= inferred
    co_chairs_take_part = {row[:role] + ("participant",) + row[role + 1:] for row in asserted if row[role] == "co-chair"}
    assert co_chairs_take_part <= inferred
    assert {row[role] for row in inferred - asserted} <= {"participant"}


# --- topics, timeline, agreements --------------------------------------------------------------

def test_timeline_agrees_with_the_topics_of_each_meeting(ask):
    start = {row["ordinal"]: row["start"] for row in ask("meetings")}
    taken_up = defaultdict(set)
    for row in ask("topics"):
        taken_up[row["topic"]].add(row["ordinal"])
    rows = ask("timeline")
    assert {row["topic"] for row in rows} == set(taken_up)
    for row in rows:
        found = ordinals(row["meetings"])
        assert set(found) == taken_up[row["topic"]] and found == sorted(found, key=int), row
        dates = [start[o] for o in found if start[o]]
        assert (row["first"], row["last"]) == (min(dates), max(dates)), row


def test_topic_history_agrees_with_the_timeline(ask):
    """For every topic the timeline lists, topic-history (asked by the topic's label) names the same meetings."""
    labels = defaultdict(int)
    for row in ask("timeline"):
        labels[row["topic"]] += 1
    for row in ask("timeline"):
        if labels[row["topic"]] > 1:
            continue  # two things with one label: the label does not name one of them
        history = ask("topic-history", topic=row["topic"])
        assert {h["ordinal"] for h in history} == set(ordinals(row["meetings"])), row["topic"]


def test_agreements_are_taken_up_at_meetings_of_the_series(ask):
    meetings = {row["ordinal"] for row in ask("meetings")}
    rows = ask("agreements")
    assert rows and {row["ordinal"] for row in rows} <= meetings | {""}
    for row in rows:
        assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date) for date in row["date"].split("; ") if date), row


def test_reaffirmed_agreements_come_back_later(ask):
    for row in ask("reaffirmed-agreements"):
        assert int(row["ordinal"]) > int(row["first"]), row
        assert row["evidence"]


# --- people --------------------------------------------------------------------------------------

def test_people_are_people_with_a_source(ask, graph):
    people = {str(label) for (label,) in graph.query(
        'SELECT ?label WHERE { ?p a skg:Person ; rdfs:label ?label FILTER(LANG(?label) = "en") }')}
    rows = ask("people")
    assert rows and {row["person"] for row in rows} <= people
    assert all(row["role"] and row["organization"] for row in rows)


# --- conflicts and provenance ----------------------------------------------------------------

def test_conflicts_every_group_really_disagrees(ask):
    groups: dict[tuple, set] = {}
    for row in ask("conflicts"):
        groups.setdefault((row["subject"], row["property"]), set()).add(row["value"])
        assert row["rank"] in {"preferred", "normal", "deprecated"}
    assert all(len(values) > 1 for values in groups.values())


def test_provenance_quotes_are_the_exact_words_of_their_documents(ask, layout, built):
    def letters(text: str) -> str:
        return re.sub(r"[\W_]+", "", text).lower()

    texts = {d.id: letters((layout.root / d.text_file).read_text(encoding="utf-8"))
             for d in built.corpus.documents if d.text_file}
    rows = [row for row in ask("provenance") if row["document"] != "(registry)"]
    assert rows and all(row["evidence"] for row in rows)
    quotes = [(quote, row) for row in rows for quote in row["evidence"].split(" ‖ ") if not quote.startswith("cited: ")]
    assert quotes
    for quote, row in quotes:
        assert any(letters(quote) in texts.get(doc, "") for doc in row["document"].split("; ")), row


def test_every_claim_shows_its_quote_or_its_record_on_one_line(memory_graph):
    """skg:evidence, which the queries show, is the claim's quote, or "cited: publisher, title,
    date, address" of its record: worked out here from the anchor and the record."""
    g = memory_graph
    claims = set(g.subjects(RDF.type, SKG.Statement))
    assert claims
    for claim in claims:
        shown = list(g.objects(claim, SKG.evidence))
        anchor = g.value(claim, OA.hasTarget)
        if anchor is not None:
            expected = {str(exact) for selector in g.objects(anchor, OA.hasSelector)
                        for exact in g.objects(selector, OA.exact)}
        else:
            record = g.value(claim, PROV.wasDerivedFrom)
            publisher = next(str(label) for label in g.objects(g.value(record, DCTERMS.publisher), RDFS.label)
                             if label.language == "en")
            expected = {f"cited: {publisher}, {g.value(record, DCTERMS.title)}, "
                        f"{g.value(record, DCTERMS.issued)}, {g.value(record, SCHEMA.url)}"}
        assert len(shown) == 1 and {str(shown[0])} == expected, (claim, shown, expected)


def test_provenance_has_one_row_per_asserted_fact(ask, graph):
    """Every direct fact that a statement supports is in the table, once."""
    rows = ask("provenance")
    keys = [(row["subject"], row["predicate"], row["object"]) for row in rows]
    assert len(keys) == len(set(keys))
    count = scalar(graph, """
        SELECT (COUNT(*) AS ?n) WHERE {
          { SELECT DISTINCT ?s ?p ?o WHERE { ?c a skg:Statement ; rdf:subject ?s ; rdf:predicate ?p ;
                                                 rdf:object ?o . ?s ?p ?o } } }""")
    assert len([row for row in rows if row["document"] != "(registry)"]) == count


# --- one topic, in several spellings -------------------------------------------------------------

def test_topic_history_by_abbreviation_label_or_id(ask, graph):
    """A topic is found by its id, its label in any case, or its abbreviation: the same rows each time."""
    topic = next(iter(graph.query("""
        SELECT ?id ?label ?abbr WHERE {
          ?t a skg:Topic ; rdfs:label ?label ; skg:abbreviation ?abbr FILTER(LANG(?label) = "en")
          ?meeting skg:inSeries kg:comprehensive-dialogue-on-space . ?event skg:partOf* ?meeting .
          ?event ?taking ?t . ?taking rdfs:subPropertyOf* skg:discussed
          BIND(STRAFTER(STR(?t), STR(kg:)) AS ?id) } ORDER BY ?id LIMIT 1""")))
    identifier, label, abbreviation = (str(value) for value in topic)
    answers = [ask("topic-history", topic=form) for form in (identifier, label, label.upper(), abbreviation)]
    strip = [[{k: v for k, v in row.items() if k != "topic"} for row in rows] for rows in answers]
    assert strip[0] and all(rows == strip[0] for rows in strip)


# --- Japanese labels -----------------------------------------------------------------------------

def _labels_by_language(graph) -> dict[str, set[str]]:
    """English label → the Japanese labels of the entities that have it."""
    found: dict[str, set[str]] = {}
    for english, japanese in graph.query("""SELECT ?en ?ja WHERE { ?x rdfs:label ?en FILTER(LANG(?en) = "en")
                                             OPTIONAL { ?x rdfs:label ?ja FILTER(LANG(?ja) = "ja") } }"""):
        found.setdefault(str(english), set())
        if japanese is not None:
            found[str(english)].add(str(japanese))
    return found


@pytest.mark.parametrize("name", library_names())
def test_japanese_label_columns_follow_their_english_column(name, graph, layout, params):
    """Each NAME_ja column comes right after NAME and holds the Japanese label of the entity NAME names,
    wherever that entity has one; tagged @ja (and NAME @en) in the SPARQL results."""
    query = next(q for q in library(layout) if q.name == name)
    pairs = [(column[:-3], column) for column in query.columns if column.endswith("_ja")]
    for english, japanese in pairs:
        assert query.columns.index(japanese) == query.columns.index(english) + 1, query.columns
    result = run(graph, query.text, params_of(query, params), source=name)
    labels = _labels_by_language(graph)
    for english, japanese in pairs:
        e, j = result.columns.index(english), result.columns.index(japanese)
        for row, terms in zip(result.rows, result.terms):
            if row[j]:
                assert row[j] in labels.get(row[e], set()), (name, row[e], row[j])
                assert terms[j].language == "ja" and terms[e].language == "en"
            else:
                assert not labels.get(row[e]), f"{name}: {row[e]} has a Japanese label {labels[row[e]]}"


def test_the_library_shows_japanese_labels(layout):
    """Where entities have Japanese labels, the queries that name organizations, topics or agreements show them."""
    named = [q.name for q in library(layout) if any(c.endswith("_ja") for c in q.columns)]
    assert {"attendance", "participants", "topics", "agreements"} <= set(named)
