"""`spacekg query`: formats, parameters, errors, and the README's list of the library.

The command's output is compared with the rows of the same query run in-process (what the rows
should be is checked by test_queries.py and test_expected_answers.py), so no answer is written here.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata

import pytest

from spacekg.cli import main
from spacekg.query import library, open_graph, run


@pytest.fixture
def spacekg(built, capsys):
    """spacekg(*args) → (exit code, stdout, stderr), run in-process on the built corpus."""
    def call(*args: str):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return call


def columns_of(layout, name: str) -> list[str]:
    return next(q.columns for q in library(layout) if q.name == name)


def rows_of(layout, name: str, **params) -> list[list[str]]:
    """The rows of a library query, run in-process on the built graph."""
    query = next(q for q in library(layout) if q.name == name)
    return run(open_graph(layout), query.text, params or None).rows


def test_table_is_aligned_with_a_row_count(spacekg, layout):
    code, out, _ = spacekg("query", "meetings", "--max-width", "0")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == columns_of(layout, "meetings")
    assert set(lines[1]) <= {"-", " "}
    expected = rows_of(layout, "meetings")
    assert lines[-1] == f"({len(expected)} rows)"
    starts = [m.start() for m in re.finditer(r"-+", lines[1])]
    for line, row in zip(lines[2:-1], expected):
        assert cells_at(line, starts) == row


def cells_at(line: str, starts: list[int]) -> list[str]:
    """The cells of a table line whose columns begin at ``starts``, counted in display columns
    (a wide character, as in Japanese, takes two)."""
    cells = [""] * len(starts)
    column = 0
    for char in line:
        cells[sum(1 for start in starts if start <= column) - 1] += char
        column += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return [cell.strip() for cell in cells]


def test_csv_has_exactly_the_header_and_parses(spacekg, layout):
    code, out, _ = spacekg("query", "attendance", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows == [columns_of(layout, "attendance")] + rows_of(layout, "attendance")


def test_csv_keeps_commas_and_quotes_of_long_values(spacekg, layout):
    code, out, _ = spacekg("query", "provenance", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows == [columns_of(layout, "provenance")] + rows_of(layout, "provenance")
    cells = [cell for row in rows for cell in row]
    assert any("," in cell for cell in cells) and any("\n" in cell for cell in cells)  # quoted, kept whole


def test_tsv_has_exactly_the_header_and_parses(spacekg, layout):
    code, out, _ = spacekg("query", "people", "--format", "tsv")
    rows = list(csv.reader(io.StringIO(out, newline=""), dialect="excel-tab"))
    assert rows == [columns_of(layout, "people")] + rows_of(layout, "people")


def test_json_is_sparql_results_with_the_header_as_vars(spacekg, layout):
    code, out, _ = spacekg("query", "agreements", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["head"]["vars"] == columns_of(layout, "agreements")
    bindings = document["results"]["bindings"]
    expected = rows_of(layout, "agreements")
    assert [[b[c]["value"] if c in b else "" for c in document["head"]["vars"]] for b in bindings] == expected
    assert all(value["type"] == "literal" for b in bindings for value in b.values())


def test_param_binds_a_typed_value(spacekg, layout):
    meetings = [dict(zip(columns_of(layout, "meetings"), row)) for row in rows_of(layout, "meetings")]
    held = next(row for row in meetings if row["status"] == "held")
    code, out, _ = spacekg("query", "meeting", "--param", f"ordinal={held['ordinal']}", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows and {row["ordinal"] for row in rows} == {held["ordinal"]}
    assert {held["city"], held["start"]} <= {row["value"] for row in rows}


def test_param_on_sparql_text(spacekg):
    text = ("SELECT ?a ?label WHERE { ?org skg:abbreviation ?abbr ; rdfs:label ?label "
            "FILTER(STR(?abbr) = ?a && LANG(?label) = \"en\") }")
    code, out, _ = spacekg("query", text, "--param", "a=JAXA", "-f", "csv")
    assert code == 0 and out.splitlines()[1] == "JAXA,Japan Aerospace Exploration Agency"


def test_param_that_the_query_does_not_select_is_explained(spacekg):
    text = "SELECT ?label WHERE { ?org skg:abbreviation ?abbr ; rdfs:label ?label FILTER(STR(?abbr) = ?a) }"
    code, _, err = spacekg("query", text, "--param", "a=JAXA")
    assert code != 0 and "add ?a to the SELECT clause" in err and "Traceback" not in err


def test_missing_or_unknown_param_is_an_error(spacekg):
    code, _, err = spacekg("query", "meeting")
    assert code != 0 and "needs ordinal" in err and "Traceback" not in err
    code, _, err = spacekg("query", "meetings", "--param", "ordinal=1")
    assert code != 0 and "no parameter ordinal" in err


def test_list_shows_every_library_query_with_its_title(spacekg, layout):
    code, out, _ = spacekg("query", "--list")
    assert code == 0
    for query in library(layout):
        assert re.search(rf"^{re.escape(query.name)}\s+{re.escape(query.title)}", out, re.M)


def test_runs_a_query_file(spacekg, tmp_path, layout):
    path = tmp_path / "count.rq"
    text = "SELECT (COUNT(*) AS ?meetings) WHERE { ?m skg:inSeries kg:comprehensive-dialogue-on-space }\n"
    path.write_text(text)
    code, out, _ = spacekg("query", str(path), "-f", "csv")
    assert code == 0 and out.splitlines() == ["meetings", run(open_graph(layout), text).rows[0][0]]
    assert int(out.splitlines()[1]) > 0


def test_syntax_error_names_the_query_line_and_column(spacekg, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\nSELECT ?x\nWHERE {\n  ?x ?y ?z FOO\n}\n")
    code, _, err = spacekg("query", str(path))
    assert code != 0
    assert re.search(r"broken\.rq:4:\d+: SPARQL syntax error", err), err
    assert "Traceback" not in err


def test_syntax_error_in_text(spacekg):
    code, _, err = spacekg("query", "SELECT ?x WHERE { ?x ?y ?z FOO }")
    assert code != 0 and "<query text>:1:28: SPARQL syntax error" in err


def test_unknown_prefix_is_located(spacekg):
    code, _, err = spacekg("query", "SELECT ?x WHERE {\n  ?x nope:thing ?z }")
    assert code != 0 and "<query text>:2:6:" in err and "unknown prefix 'nope:'" in err


def test_unknown_name_gets_a_suggestion(spacekg):
    code, _, err = spacekg("query", "meetngs")
    assert code != 0 and "did you mean meetings" in err


def test_not_built_says_to_run_build(tmp_path, capsys, layout):
    shutil.copytree(layout.queries, tmp_path / "queries")
    code = main(["--root", str(tmp_path), "query", "meetings"])
    err = capsys.readouterr().err
    assert code != 0 and "spacekg build" in err and "Traceback" not in err


def test_readme_lists_every_library_query(layout):
    """README.md's section on queries names every file of the library."""
    readme = (layout.root / "README.md").read_text(encoding="utf-8")
    headings = [(m.start(), len(m["level"]), m["title"]) for m in re.finditer(r"^(?P<level>#+) (?P<title>.*)$", readme, re.M)]
    start = next(((pos, level) for pos, level, title in headings if re.search(r"quer", title, re.I)), None)
    assert start, "README.md has no section about queries"
    end = next((pos for pos, level, _ in headings if pos > start[0] and level <= start[1]), len(readme))
    section = readme[start[0]:end]
    missing = [q.path.name for q in library(layout) if q.path.name not in section]
    assert not missing, f"README.md's query section does not list {missing}"


def test_param_that_matches_nothing_names_the_closest_values(spacekg, layout):
    """An ordinal no meeting has, and a misspelt abbreviation, are errors that name what was meant."""
    from spacekg.query import open_graph

    graph = open_graph(layout)
    ordinals = sorted(int(row[0]) for row in graph.query(
        "SELECT DISTINCT ?n WHERE { ?m skg:inSeries kg:comprehensive-dialogue-on-space ; skg:ordinal ?n }"))
    code, out, err = spacekg("query", "meeting", "--param", f"ordinal={ordinals[-1] + 1}")
    assert code == 1 and out == "" and "Traceback" not in err
    assert f"ordinal={ordinals[-1] + 1} matches nothing" in err and f"closest: {ordinals[-1]}" in err
    abbreviations = sorted(str(row[0]) for row in graph.query("""
        SELECT DISTINCT ?a WHERE { ?m skg:inSeries kg:comprehensive-dialogue-on-space . ?e skg:partOf* ?m ;
          ?p ?topic . ?p rdfs:subPropertyOf* skg:discussed . ?topic skg:abbreviation ?a }"""))
    wanted = next(a for a in abbreviations if len(a) >= 3 and a[1] != a[2])
    misspelt = wanted[0] + wanted[2] + wanted[1] + wanted[3:]
    code, out, err = spacekg("query", "topic-history", "--param", f"topic={misspelt}")
    assert code == 1 and out == "" and "matches nothing" in err
    assert wanted in err.split("closest:")[1]
    code, out, _ = spacekg("query", "topic-history", "--param", f"topic={wanted.lower()}", "-f", "csv")
    assert code == 0 and len(out.splitlines()) > 1


def test_values_header_must_name_a_parameter(tmp_path, layout):
    from spacekg.query import QueryError, read_query

    path = tmp_path / "odd.rq"
    path.write_text("# title: t\n# question: q?\n# columns: a\n# values: a — SELECT ?value WHERE {}\nSELECT ?a {}\n")
    with pytest.raises(QueryError, match="names no parameter"):
        read_query(path)
