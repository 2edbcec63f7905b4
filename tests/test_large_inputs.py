"""Very large inputs (tens of MB) build or fail clearly, in reasonable time and memory.

The files are generated into a scratch project; time and memory are measured in benchmarks/,
not asserted here beyond a generous limit on the subprocess.
"""

from __future__ import annotations

import subprocess
import sys

from .conftest import copy_project

SENTENCE = "The delegations reviewed routine administrative matters of no consequence. "
HEADER = """document:
  id: big-doc
  text: big-doc.txt
  title: A very large document
  kind: JointStatement
statements:
"""


def run_build(root) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(root), "build", "--quiet"],
                          capture_output=True, text=True, timeout=900)


def test_thirty_megabyte_text_builds(tmp_path):
    layout = copy_project(tmp_path)
    filler = SENTENCE * (30_000_000 // len(SENTENCE))
    (layout.texts / "big-doc.txt").write_text(filler + "\nAt the very end, JAXA took part in the big meeting.\n",
                                             encoding="utf-8")
    (layout.annotations / "big-doc.yaml").write_text(
        HEADER + "  - id: end\n    subject: cds-1\n    quote: JAXA took part in the big meeting\n"
                 "    participant: jaxa\n", encoding="utf-8")
    run = run_build(tmp_path)
    assert run.returncode == 0, run.stderr
    assert "big-doc/end" in (layout.output / "spacekg.ttl").read_text(encoding="utf-8")


def test_thirty_megabyte_annotation_file_fails_clearly(tmp_path):
    """Many statements, then a YAML error on the last line: reported with its line number."""
    layout = copy_project(tmp_path)
    (layout.texts / "big-doc.txt").write_text("JAXA took part.\n", encoding="utf-8")
    statement = "  - id: s{0}\n    subject: cds-1\n    quote: JAXA took part\n    participant: jaxa\n"
    count = 30_000_000 // len(statement.format(0))
    body = "".join(statement.format(i) for i in range(count))
    lines = (HEADER + body).count("\n")
    (layout.annotations / "big-doc.yaml").write_text(HEADER + body + "  - id: [unclosed\n", encoding="utf-8")
    run = run_build(tmp_path)
    assert run.returncode == 1
    assert f"sources/annotations/big-doc.yaml:{lines + 2}: malformed YAML" in run.stderr, run.stderr[-2000:]
    assert "Traceback" not in run.stdout + run.stderr
