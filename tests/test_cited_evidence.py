"""Quoted and cited evidence, and plans realized as held meetings, on a scratch project that adds
a small quoted text and a cited record (tests/cited_record/) to the real sources.

The fixture's meetings (98th and 99th of the Dialogue) lie far beyond the real series, so that
whatever the real sources come to hold, these assertions keep their meaning.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from spacekg.checks.violations import run_violation_query, violation_queries
from spacekg.checks.where import Origins
from spacekg.cli import main
from spacekg.namespaces import DOC, KG, OA, SCHEMA, SKG
from spacekg.store import open_dataset

from .conftest import copy_project

FIXTURE = Path(__file__).parent / "cited_record"
RECORD = DOC["zz-test-record"]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("cited")
    layout = copy_project(root)
    shutil.copytree(FIXTURE / "sources", layout.sources, dirs_exist_ok=True)
    assert main(["--root", str(root), "build", "--quiet"]) == 0
    return layout


@pytest.fixture(scope="module")
def graph(project):
    return open_dataset(project)


def query_rows(project, name: str, capsys) -> list[dict[str, str]]:
    capsys.readouterr()
    assert main(["--root", str(project.root), "query", name, "--format", "csv"]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def statements_of(graph, document: URIRef) -> set:
    return set(graph.subjects(PROV.wasDerivedFrom, document)) & set(graph.subjects(RDF.type, SKG.Statement))


def test_a_cited_statement_carries_a_paraphrase_and_no_quote(graph):
    nodes = statements_of(graph, RECORD)
    assert nodes
    for node in nodes:
        assert graph.value(node, SKG.evidenceKind) == SKG.CitedEvidence
        paraphrase = graph.value(node, SKG.paraphrase)
        assert paraphrase is not None and paraphrase.language == "en" and str(paraphrase).strip()
        assert graph.value(node, OA.hasTarget) is None


def test_a_quoted_statement_says_so_and_points_at_its_quote(graph):
    nodes = statements_of(graph, DOC["zz-test-text"])
    assert nodes
    for node in nodes:
        assert graph.value(node, SKG.evidenceKind) == SKG.QuotedEvidence
        assert graph.value(node, OA.hasTarget) is not None
        assert graph.value(node, SKG.paraphrase) is None


def test_the_cited_record_is_identified(graph):
    assert graph.value(RECORD, SCHEMA.url) == URIRef("https://www.example.org/records/meeting-99")
    assert graph.value(RECORD, SKG.retrieved) == Literal("2099-06-03", datatype=XSD.date)
    assert graph.value(RECORD, SKG.authority) == SKG.OfficialRecord
    assert graph.value(RECORD, SKG.retrieved) is not None


def test_a_quoted_claim_outranks_a_cited_one_on_a_single_valued_property(graph):
    assert set(graph.objects(KG["cds-98"], SKG.startDate)) == {Literal("2098-05-01", datatype=XSD.date)}
    claimed = {graph.value(node, RDF.object) for node in graph.subjects(RDF.subject, KG["cds-98"])
               if graph.value(node, RDF.predicate) == SKG.startDate}
    assert Literal("2098-05-02", datatype=XSD.date) in claimed  # the cited claim is kept


def test_cited_and_quoted_values_of_a_many_valued_property_stand_side_by_side(graph):
    assert KG["zz-test-agency"] in set(graph.objects(KG["cds-98"], SKG.participant))


def test_a_realized_plan_is_one_row_with_what_was_announced(project, capsys):
    rows = [row for row in query_rows(project, "meetings", capsys) if row["ordinal"] in ("98", "99")]
    by_ordinal = {row["ordinal"]: row for row in rows}
    assert sorted(row["ordinal"] for row in rows) == ["98", "99"]
    assert by_ordinal["98"]["evidence"] == "quoted"
    held = by_ordinal["99"]
    assert (held["status"], held["start"], held["city"]) == ("held", "2099-06-01", "Tokyo")
    assert held["announced"] == "at meeting 98: Japan, 2099"
    assert held["evidence"].startswith("cited: Ministry of Foreign Affairs, Record of the 99th meeting, 2099-06-02")
    assert held["evidence"].endswith("https://www.example.org/records/meeting-99")
    assert held["document"] == "zz-test-record"


def test_the_conflict_between_kinds_of_evidence_is_listed(project, capsys):
    values = {row["value"] for row in query_rows(project, "conflicts", capsys)
              if row["subject"].startswith("98th meeting")}
    assert {"2098-05-01", "2098-05-02"} <= values


def test_no_violation_with_plans_and_cited_records(project, graph):
    from spacekg.build import read_sources

    _, corpus = read_sources(project)
    for path in violation_queries(project.queries):
        assert run_violation_query(graph, path, Origins.of(corpus), path.name) == [], path.name
