"""Broken inputs: each gets its own clear ``file:line: message``, a non-zero exit and no traceback,
and leaves output/ exactly as it was.

Each folder of tests/bad_inputs/ is an overlay copied over a scratch copy of the real project;
its expected.txt holds the message the build must print.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spacekg.cli import main

from .conftest import copy_project

CASES = Path(__file__).parent / "bad_inputs"


def folder_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path) → SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def previous_output(layout) -> dict[str, str]:
    """An output/ folder as a previous build may have left it."""
    layout.output.mkdir()
    (layout.output / "spacekg.ttl").write_text("# a previous build\n", encoding="utf-8")
    (layout.output / "index.html").write_text("<p>previous</p>\n", encoding="utf-8")
    return folder_digest(layout.output)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_input_is_reported_clearly(case, tmp_path, capsys):
    layout = copy_project(tmp_path)
    shutil.copytree(CASES / case / "sources", layout.sources, dirs_exist_ok=True)
    expected = (CASES / case / "expected.txt").read_text(encoding="utf-8").strip()
    before = previous_output(layout)

    code = main(["--root", str(tmp_path), "build", "--quiet"])

    out, err = capsys.readouterr()
    assert code != 0
    assert expected in err, err
    assert "Traceback" not in out + err
    assert folder_digest(layout.output) == before


def test_a_full_disk_is_reported_clearly(tmp_path, capsys, monkeypatch):
    """A disk that fills up while the graph is written: a message and a hint, exit code 2, and
    the previous output as it was."""
    import errno

    from spacekg.exports.rdf import RdfFiles

    def full(*_):
        raise OSError(errno.ENOSPC, "No space left on device")

    layout = copy_project(tmp_path)
    before = previous_output(layout)
    monkeypatch.setattr(RdfFiles, "add", full)

    code = main(["--root", str(tmp_path), "build", "--quiet"])

    out, err = capsys.readouterr()
    assert code == 2
    assert "error: No space left on device" in err
    assert "hint: make room" in err
    assert "Traceback" not in out + err
    assert folder_digest(layout.output) == before


def test_bad_input_through_the_installed_command(tmp_path):
    """The same, as a user runs it: a separate process, the message on stderr, exit code 1."""
    layout = copy_project(tmp_path)
    shutil.copytree(CASES / "unknown-entity" / "sources", layout.sources, dirs_exist_ok=True)
    run = subprocess.run([sys.executable, "-m", "spacekg.cli", "--root", str(tmp_path), "build"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "sources/annotations/bad-doc.yaml:11: unknown entity 'tokio'" in run.stderr
    assert "hint: did you mean 'tokyo'?" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not (layout.output / "spacekg.ttl").exists()
