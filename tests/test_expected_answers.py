"""The competency questions answer as the sources say: sources/expected-answers.yaml, checked on
the built graph.

The file lists, for library queries, rows that must be present and rows that must be absent. A
row names some of the query's columns; a list value names items of a cell that the query joins
with "; " or ", ". So the entries hold whatever documents are added (see the file's header).
"""

from __future__ import annotations


import pytest
import yaml

from spacekg.query import library, open_graph, run

from .conftest import ROOT

EXPECTED = ROOT / "sources" / "expected-answers.yaml"


def entries() -> list[dict]:
    return yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))


def text(value) -> str:
    """A YAML scalar as the query gives it: dates in ISO 8601, numbers in digits."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def items(cell: str) -> set[str]:
    return set(cell.split("; ")) | set(cell.split(", "))


def matches(spec: dict, row: dict[str, str]) -> bool:
    for column, wanted in spec.items():
        cell = row[column]
        if isinstance(wanted, list):
            if not {text(w) for w in wanted} <= items(cell):
                return False
        elif text(wanted) != cell:
            return False
    return True


def entry_id(index: int, entry: dict) -> str:
    params = ",".join(f"{k}={v}" for k, v in (entry.get("params") or {}).items())
    return f"{index}-{entry['query']}" + (f"({params})" if params else "")


@pytest.fixture(scope="module")
def answers(built, layout):
    """answers(query, params) → the rows of a library query as dicts keyed by column."""
    graph = open_graph(layout)
    queries = {q.name: q for q in library(layout)}
    found: dict[tuple, list[dict[str, str]]] = {}

    def answer(name: str, params: dict) -> list[dict[str, str]]:
        key = (name, tuple(sorted(params.items())))
        if key not in found:
            result = run(graph, queries[name].text, params, source=name)
            found[key] = [dict(zip(result.columns, row)) for row in result.rows]
        return found[key]

    return answer


def test_the_file_is_well_formed(layout):
    queries = {q.name: q for q in library(layout)}
    for index, entry in enumerate(entries()):
        where = f"{EXPECTED.name}, entry {index} ({entry.get('query')})"
        assert set(entry) <= {"query", "params", "why", "present", "absent"}, where
        assert entry.get("why"), f"{where}: say which words of which source give the answer"
        assert entry["query"] in queries, f"{where}: no library query of that name"
        query = queries[entry["query"]]
        assert set(entry.get("params") or {}) == set(query.params), f"{where}: the query takes {query.params}"
        rows = (entry.get("present") or []) + (entry.get("absent") or [])
        assert rows, f"{where}: no rows"
        for row in rows:
            assert row and set(row) <= set(query.columns), f"{where}: {row} names columns outside {query.columns}"


def test_every_library_query_has_expected_answers(layout):
    covered = {entry["query"] for entry in entries()}
    assert [q.name for q in library(layout) if q.name not in covered] == []


@pytest.mark.parametrize("index, entry", list(enumerate(entries())),
                         ids=[entry_id(i, e) for i, e in enumerate(entries())])
def test_expected_answer(index, entry, answers):
    params = {name: text(value) for name, value in (entry.get("params") or {}).items()}
    rows = answers(entry["query"], params)
    missing = [spec for spec in entry.get("present") or [] if not any(matches(spec, row) for row in rows)]
    unwanted = [(spec, row) for spec in entry.get("absent") or [] for row in rows if matches(spec, row)]
    assert not missing, f"rows missing from {entry['query']} {params}: {missing}\n(why: {entry['why']})"
    assert not unwanted, f"rows that must not be in {entry['query']} {params}: {unwanted}"


def test_matching_of_list_cells():
    """The matching rule itself: a list names items of the cell, not the whole cell."""
    row = {"ordinals": "1, 4, 5, 7", "parties": "Ministry of Education, Culture; NASA", "city": "Washington, D.C."}
    assert matches({"ordinals": [1, 4, 7]}, row) and not matches({"ordinals": [1, 2]}, row)
    assert matches({"parties": ["Ministry of Education, Culture", "NASA"]}, row)
    assert matches({"city": "Washington, D.C."}, row) and not matches({"city": "Washington"}, row)
    assert matches({"city": ["Washington, D.C."]}, row)
