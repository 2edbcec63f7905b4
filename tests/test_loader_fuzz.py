"""Random annotation structures, random registries and random texts: the loader either loads them
or raises the project's own error type (SpacekgError), never anything else."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacekg.errors import SpacekgError
from spacekg.ontology import Schema, load_ontology
from spacekg.paths import Layout
from spacekg.sources.load import load_corpus

from .conftest import ROOT

REGISTRY = """\
- id: tokyo
  class: City
  label: Tokyo
- id: jaxa
  class: Agency
  label: Japan Aerospace Exploration Agency
- id: cds-1
  class: DialogueMeeting
  label: 1st meeting
"""
TEXT = "The meeting was held in Tokyo on March 11, 2013. JAXA took part.\n"

words = st.sampled_from(["id", "subject", "quote", "document", "statements", "text", "title", "kind",
                         "heldIn", "startDate", "ordinal", "participant", "rank", "note", "tokyo",
                         "jaxa", "cds-1", "doc", "doc.txt", "held in Tokyo", "2013-03-11", "2024-02-30",
                         "preferred", "JointStatement", "eventStatus", "held"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**20), st.floats(allow_nan=True),
                    words, st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(words, st.text(max_size=6)), inner, max_size=5)),
    max_leaves=25)


@pytest.fixture(scope="module")
def schema() -> Schema:
    return Schema.from_graph(load_ontology(ROOT / "ontology" / "spacekg.ttl"))


def load(files: dict[str, bytes], schema: Schema) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, content in {"sources/registry/main.yaml": REGISTRY.encode(),
                              "sources/texts/doc.txt": TEXT.encode(), **files}.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (root / "sources" / "annotations").mkdir(exist_ok=True)
        shutil.copytree(ROOT / "ontology", root / "ontology")
        try:
            load_corpus(Layout(root), schema)
        except SpacekgError:
            pass


def document(statements) -> dict:
    return {"document": {"id": "doc", "text": "doc.txt", "title": "T", "kind": "JointStatement"},
            "statements": statements}


FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(values)
def test_random_annotation_structure(schema, value):
    load({"sources/annotations/doc.yaml": yaml.safe_dump(value, allow_unicode=True).encode()}, schema)


@FUZZ
@given(st.lists(st.dictionaries(words, values, max_size=6), max_size=4))
def test_random_statements_under_a_valid_header(schema, statements):
    load({"sources/annotations/doc.yaml": yaml.safe_dump(document(statements)).encode()}, schema)


@FUZZ
@given(values)
def test_random_registry(schema, value):
    load({"sources/registry/extra.yaml": yaml.safe_dump(value).encode()}, schema)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_annotation_file(schema, data):
    load({"sources/annotations/doc.yaml": data}, schema)


@FUZZ
@given(st.text(max_size=300), st.text(min_size=0, max_size=40))
def test_random_text_and_quote(schema, text, quote):
    statement = {"id": "s", "subject": "cds-1", "quote": quote, "heldIn": "tokyo"}
    load({"sources/texts/doc.txt": text.encode("utf-8", "surrogatepass"),
          "sources/annotations/doc.yaml": yaml.safe_dump(document([statement])).encode()}, schema)
