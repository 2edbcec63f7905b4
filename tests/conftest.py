"""Shared fixtures: the project layout, one build of the real corpus per test session, and a
scratch copy of the project for tests that change the sources.

SPACEKG_TEST_ROOT points the suite at another copy of the project (its ontology/, sources/ and
queries/): tests/test_added_document.py runs the data checks on a copy with a document added.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from spacekg.build import build
from spacekg.paths import Layout

ROOT = Path(os.environ.get("SPACEKG_TEST_ROOT") or Path(__file__).resolve().parents[1]).resolve()


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout(ROOT)


@pytest.fixture(scope="session")
def built(layout):
    """The real corpus built into output/ once per test session (the BuildResult)."""
    return build(layout, say=lambda _: None)


def copy_project(destination: Path) -> Layout:
    """A scratch copy of ontology/, sources/ and queries/ that a test may change freely."""
    for folder in ("ontology", "sources", "queries"):
        if (ROOT / folder).exists():
            shutil.copytree(ROOT / folder, destination / folder)
    return Layout(destination)


@pytest.fixture
def scratch(tmp_path) -> Layout:
    return copy_project(tmp_path)


def benchmark_script(name: str):
    """The module of benchmarks/NAME.py (a script, not a package), loaded for its functions."""
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # where its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen, attempts: int, delay: float, name: str) -> None:
    """Poll ``url`` until it answers; fail the test if ``process`` exits or time runs out."""
    for _ in range(attempts):
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"{name} exited with code {process.returncode}")
            time.sleep(delay)
    pytest.fail(f"{name} did not answer within {attempts * delay:.0f} s")


@contextlib.contextmanager
def serving(root: Path, *options: str):
    """`spacekg --root ROOT serve` on a free port: yields the site's URL (``http://127.0.0.1:PORT``,
    the endpoint at ``/sparql``); stopped afterwards."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "spacekg.cli", "--root", str(root), "serve",
                               "--port", str(port), *options],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_answers(f"http://127.0.0.1:{port}/", server, attempts=150, delay=0.2, name="spacekg serve")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(30)
