"""The YAML reader: the same values as PyYAML's safe loader (timestamps kept as text), the line of
every key and item, and a clear problem for what it does not read."""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from spacekg.errors import Problems
from spacekg.sources.yamlfile import LocatedDict, LocatedList, load_yaml

from .conftest import ROOT


def plain(value):
    """A located value as plain dicts and lists; PyYAML's dates as the text they were written as."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def read(text: str):
    problems = Problems()
    return load_yaml(text, "f.yaml", problems), [str(item) for item in problems.items]


@pytest.mark.parametrize("path", sorted((ROOT / "sources").glob("*/*.yaml")), ids=lambda p: p.name)
def test_every_source_file_reads_as_pyyaml_reads_it(path):
    text = path.read_text(encoding="utf-8")
    value, problems = read(text)
    assert problems == []
    assert plain(value) == plain(yaml.load(text, Loader=yaml.CSafeLoader))


keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_ 0123456789:#'\"", min_size=1, max_size=8)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(keys, inner, max_size=4)),
                         max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(documents, st.booleans())
def test_any_dumped_document_reads_back_as_pyyaml_reads_it(document, flow):
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    value, problems = read(text)
    assert problems == []
    assert plain(value) == plain(yaml.safe_load(text))


def test_lines_of_keys_items_and_collections():
    text = "a: 1\nb:\n  - x\n  -\n    c: 2\n\n    d: [3, 4]\ne: &e {f: 5}\ng: *e\n"
    value, problems = read(text)
    assert problems == []
    assert isinstance(value, LocatedDict) and value.line == 1
    assert value.lines == {"a": 1, "b": 2, "e": 8, "g": 9}
    items = value["b"]
    assert isinstance(items, LocatedList) and items.line == 3 and items.lines == [3, 5]
    assert items[1].lines == {"c": 5, "d": 7} and items[1]["d"].line == 7
    assert value["g"] == {"f": 5}


def test_dates_and_explicit_tags():
    value, problems = read("issued: 2013-03-11\nat: 2013-03-11T10:00:00Z\nn: !!str 7\ni: '7'\nb: yes\nz: ~\n")
    assert problems == []
    assert value == {"issued": "2013-03-11", "at": "2013-03-11T10:00:00Z", "n": "7", "i": "7", "b": True,
                     "z": None}


@pytest.mark.parametrize("text, expected", [
    ("", "f.yaml:1: the file is empty"),
    ("a: 1\n---\nb: 2\n", "f.yaml:2: malformed YAML: a second document in the file"),
    ("a: *nowhere\n", "f.yaml:1: malformed YAML: '*nowhere' refers to no anchor"),
    ("a: 1\nb: 2\na: 3\n", "f.yaml:3: duplicate key 'a'"),
    ("? [1, 2]\n: 3\n", "f.yaml:1: a key must be a plain word"),
    ("a: [1, 2\n", "f.yaml:2: malformed YAML: did not find expected ',' or ']'"),
    ("a: !python/object 1\n", "f.yaml:1: malformed YAML: could not determine a constructor"),
])
def test_what_is_not_read_is_a_problem_at_its_line(text, expected):
    _, problems = read(text)
    assert problems and problems[0].startswith(expected), problems
