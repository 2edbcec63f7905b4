"""Adding a document never breaks a test.

A copy of the project gets what a newcomer would add (README, "Adding a document"): a text, its
annotation and registry entries for a meeting of the Dialogue after the last one the sources
know, with a session, an event held alongside it and two claims on its date that disagree. The
copy is built, and the suite's checks of the data (test_sources, test_queries,
test_expected_answers, test_shapes, test_violations) run on it in a separate pytest, pointed at
the copy by SPACEKG_TEST_ROOT. The new meeting must then show in the answers they checked.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from spacekg.namespaces import COMPREHENSIVE_DIALOGUE, SKG
from spacekg.ontology import Schema, load_ontology
from spacekg.paths import Layout
from spacekg.sources.load import load_corpus

from .conftest import copy_project

TESTS = Path(__file__).resolve().parent
DATA_CHECKS = ["test_sources.py", "test_queries.py", "test_expected_answers.py", "test_shapes.py",
               "test_violations.py"]
# Left out of the run on the copy: checks that build the project twice more (byte-identical
# output), the comparison of two SPARQL engines (not about the data), and the comparison of the
# texts with the seed documents (a copy has no seed folder beside it).
LEFT_OUT = "not byte_identical and not worker_processes and not rdflibs_own_engine and not seed_documents"

TEXT = """\
Joint Statement on Meeting {n} of the Comprehensive Dialogue on Space (a document added by a test)

The Government of Japan and the Government of the United States of America held meeting
number {n} of the Comprehensive Dialogue on Space in Kyoto on March 3-4, 2099. An early notice
had announced the meeting for March 1, 2099.

This meeting was co-chaired by representatives from the Ministry of Foreign Affairs for Japan
and by representatives from the National Space Council for the United States. Principal
participants included the Japan Aerospace Exploration Agency and the National Aeronautics and
Space Administration.

Both sides discussed space situational awareness and space traffic management, and welcomed
progress on the Artemis program.

A government-industry session, held as part of the meeting, took up market access. Apart from
the meeting, a reception for industry was held by the Commercial Spaceflight Federation.
"""

REGISTRY = """\
- id: added-meeting
  class: DialogueMeeting
  label: Meeting {n} of the Comprehensive Dialogue on Space (added by a test)
  inSeries: comprehensive-dialogue-on-space
- id: added-meeting-session
  class: Session
  label: Government-industry session of meeting {n} (added by a test)
- id: added-meeting-reception
  class: Event
  label: Industry reception during meeting {n} (added by a test)
"""

ANNOTATION = """\
document:
  id: added-statement
  text: added-statement.txt
  title: Joint Statement on Meeting {n} of the Comprehensive Dialogue on Space (a document added by a test)
  kind: JointStatement
  creator: [government-of-japan, government-of-the-united-states]
  issued: 2099-03-04
  about: [added-meeting, added-meeting-session, added-meeting-reception]
statements:
  - id: meeting-held
    subject: added-meeting
    quote: held meeting number {n} of the Comprehensive Dialogue on Space in Kyoto on March 3-4, 2099
    ordinal: {n}
    heldIn: kyoto
    startDate: 2099-03-03
    endDate: 2099-03-04
    eventStatus: held
    convenedBy: [government-of-japan, government-of-the-united-states]
    rank: preferred
  - id: early-notice
    subject: added-meeting
    quote: An early notice had announced the meeting for March 1, 2099.
    startDate: 2099-03-01
    rank: deprecated
  - id: co-chairs-japan
    subject: added-meeting
    quote: co-chaired by representatives from the Ministry of Foreign Affairs for Japan
    coChairedBy: [mofa]
  - id: co-chairs-us
    subject: added-meeting
    quote: by representatives from the National Space Council for the United States
    coChairedBy: [nspc]
  - id: participants
    subject: added-meeting
    quote: >-
      Principal participants included the Japan Aerospace Exploration Agency and the National
      Aeronautics and Space Administration.
    participant: [jaxa, nasa]
  - id: discussed
    subject: added-meeting
    quote: Both sides discussed space situational awareness and space traffic management
    discussed: [ssa, space-traffic-management]
  - id: artemis
    subject: added-meeting
    quote: welcomed progress on the Artemis program
    welcomed: [artemis]
  - id: session
    subject: added-meeting-session
    quote: A government-industry session, held as part of the meeting, took up market access.
    partOf: added-meeting
    eventStatus: held
    discussed: [market-access]
  - id: reception
    subject: added-meeting-reception
    quote: Apart from the meeting, a reception for industry was held by the Commercial Spaceflight Federation.
    heldDuring: added-meeting
    eventStatus: held
    organizedBy: [csf]
"""


def next_ordinal(layout: Layout) -> int:
    """One more than the highest ordinal of a meeting of the Dialogue in the sources."""
    corpus = load_corpus(layout, Schema.from_graph(load_ontology(layout.ontology)))
    in_series = {e.iri for e in corpus.entities.values()
                 if any(f.prop == SKG.inSeries and f.value == COMPREHENSIVE_DIALOGUE for f in e.facts)}
    ordinals = [int(f.value) for s in corpus.statements if s.subject in in_series
                for f in s.facts if f.prop == SKG.ordinal]
    return max(ordinals, default=0) + 1


def add_document(layout: Layout) -> int:
    """Write the newcomer's text, registry entries and annotation into ``layout``; the new ordinal."""
    n = next_ordinal(layout)
    (layout.texts / "added-statement.txt").write_text(TEXT.format(n=n), encoding="utf-8")
    (layout.registry / "zz-added.yaml").write_text(REGISTRY.format(n=n), encoding="utf-8")
    (layout.annotations / "added-statement.yaml").write_text(ANNOTATION.format(n=n), encoding="utf-8")
    return n


def spacekg(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(root), *args],
                          capture_output=True, text=True, timeout=900)


def test_the_data_checks_pass_with_a_document_added(tmp_path):
    project = copy_project(tmp_path / "project")
    n = add_document(project)
    built = spacekg(project.root, "build", "--quiet")
    assert built.returncode == 0, built.stderr

    env = dict(os.environ, SPACEKG_TEST_ROOT=str(project.root))
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", LEFT_OUT,
         "--rootdir", str(TESTS.parent), *(str(TESTS / name) for name in DATA_CHECKS)],
        cwd=TESTS.parent, env=env, capture_output=True, text=True, timeout=3600)
    assert checks.returncode == 0, checks.stdout[-6000:] + checks.stderr[-2000:]
    summary = checks.stdout.strip().splitlines()[-1]
    assert " passed" in summary and not any(word in summary for word in ("failed", "error", "skipped")), summary

    # what they checked holds the new meeting, its session and (apart) the event held during it
    meetings = list(csv.DictReader(io.StringIO(spacekg(project.root, "query", "meetings", "-f", "csv").stdout)))
    assert {"ordinal": str(n), "start": "2099-03-03", "end": "2099-03-04", "city": "Kyoto", "country": "Japan",
            "status": "held"}.items() <= next(row for row in meetings if row["ordinal"] == str(n)).items()
    participants = [(row["organization"], row["country"], row["role"])
                    for row in csv.DictReader(io.StringIO(spacekg(project.root, "query", "participants", "-f", "csv").stdout))
                    if row["ordinal"] == str(n)]
    assert ("Japan Aerospace Exploration Agency", "Japan", "participant") in participants
    assert not any(organization == "Commercial Spaceflight Federation" for organization, _, _ in participants)
    topics = csv.DictReader(io.StringIO(spacekg(project.root, "query", "topics", "-f", "csv").stdout))
    assert ("market access", "topic") in {(row["topic"], row["type"]) for row in topics if row["ordinal"] == str(n)}
    conflicts = spacekg(project.root, "query", "conflicts", "-f", "csv").stdout
    assert "2099-03-01,deprecated" in conflicts
