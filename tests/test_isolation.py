"""A build never breaks a reader: queries run in a loop while builds run, some of them killed at
random moments, and every answer is complete and the same as before."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from spacekg.paths import current_build

from .conftest import copy_project

QUERY = ["query", "meetings", "-f", "csv"]


def spacekg(root, *args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "spacekg.cli", "--root", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def temporary_folder(root) -> dict:
    """The environment of a command whose temporary files go to ROOT/tmp (to see what it leaves)."""
    folder = Path(root) / "tmp"
    folder.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(folder)}


def survivors(root, patience: float = 10.0, command: bytes = b"build") -> list[int]:
    """Processes still running ``command`` in ``root`` (a killed build's workers), after ``patience``
    seconds."""
    deadline = time.monotonic() + patience
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                words = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:  # not a process, or gone meanwhile
                continue
            if str(root).encode() in words and command in words:
                found.append(int(entry.name))
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_queries_keep_answering_while_builds_run_and_are_killed(tmp_path):
    layout = copy_project(tmp_path)
    first = spacekg(tmp_path, "build", "--quiet")
    assert first.wait(timeout=600) == 0, first.stderr.read()
    expected = spacekg(tmp_path, *QUERY).communicate(timeout=120)[0]
    assert expected.count("\n") > 5
    answers, failures, stop = [], [], threading.Event()

    def ask() -> None:
        while not stop.is_set():
            out, err = spacekg(tmp_path, *QUERY).communicate(timeout=120)
            answers.append(out)
            if out != expected:
                failures.append(err or out)

    readers = [threading.Thread(target=ask) for _ in range(2)]
    for reader in readers:
        reader.start()
    chance = random.Random(7)
    outcomes = []
    try:
        for round_ in range(6):
            build = spacekg(tmp_path, "build", "--quiet", env=temporary_folder(tmp_path))
            if round_ % 2:  # every other build runs to the end
                outcomes.append(build.wait(timeout=600))
                continue
            time.sleep(chance.uniform(0.5, 6.0))
            build.send_signal(signal.SIGKILL)
            build.wait(timeout=60)
            outcomes.append("killed")
            assert not survivors(tmp_path), "a killed build left processes running (they hold its files)"
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=300)
    assert outcomes.count(0) == 3, outcomes
    assert len(answers) > 10 and failures == []
    assert current_build(layout) is not None
    # the last build ran to the end and removed what the killed ones left, in output/ (their
    # staging and scratch folders) and out of it (nothing: their temporary files are in output/)
    assert not [p for p in (layout.output / "builds").iterdir() if p.name.startswith((".staging-", ".scratch-"))]
    assert not list((tmp_path / "tmp").iterdir())


def test_a_rebuild_names_the_folders_that_readers_will_see(tmp_path):
    """While a build runs, output/site and the rest still lead to the previous build: its messages
    must name them as output/…, not as the previous build's folder."""
    copy_project(tmp_path)
    for _ in range(2):
        build = spacekg(tmp_path, "build")
        out, err = build.communicate(timeout=600)
        assert build.returncode == 0, err
    assert "writing the site output/site/" in out
    assert "output/builds/" not in out + err


def test_a_killed_command_leaves_nothing_that_the_next_one_does_not_remove(tmp_path):
    """`spacekg validate` writes a whole graph into a scratch store in the temporary folder:
    killed there, it leaves its folder behind, and the next command removes it, but not the
    folder of a command still running (its lock is held)."""
    import fcntl

    copy_project(tmp_path)
    environment = temporary_folder(tmp_path)
    scratch = tmp_path / "tmp"
    validate = spacekg(tmp_path, "validate", env=environment)
    deadline = time.monotonic() + 120
    while not [path for path in scratch.rglob("*") if path.name != ".lock" and path.is_file()]:
        assert validate.poll() is None, "validate ended before it wrote a temporary file"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    validate.send_signal(signal.SIGKILL)
    validate.wait(timeout=60)
    assert not survivors(tmp_path, command=b"validate")
    killed = list(scratch.iterdir())
    assert len(killed) == 1 and killed[0].name.startswith("spacekg-tmp-")
    living = scratch / "spacekg-tmp-1-living"  # as a command still running holds it
    living.mkdir()
    with open(living / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        again = spacekg(tmp_path, "validate", env=environment)
        out, err = again.communicate(timeout=600)
        assert again.returncode == 0, err
        assert list(scratch.iterdir()) == [living]
