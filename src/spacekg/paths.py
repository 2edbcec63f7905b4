"""Where things are: the project's folders and the files that a build writes.

A project is a folder holding ``ontology/`` and ``sources/``. Commands find it the way git finds
its repository: the current folder or the nearest parent that holds both (``--root`` names one).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

from .errors import SpacekgError

MARKERS = ("ontology", "sources")  # the folders that make a folder a project

# The source checkout this module was installed from, in a development (editable) install. Tests
# and benchmarks run from a checkout use it; commands find their project with find_root().
ROOT = Path(__file__).resolve().parents[2]


class ProjectNotFound(SpacekgError):
    """No project folder where one was looked for."""


def is_project(folder: Path) -> bool:
    return all((folder / marker).is_dir() for marker in MARKERS)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder, from ``start`` (default: the current folder) upwards, that is a project."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return folder
    raise ProjectNotFound(f"no spacekg project in {start} or any folder above it",
                          hint="run the command inside a project (a folder with ontology/ and sources/), "
                               "give --root FOLDER, or create one with `spacekg init FOLDER`")


def project_at(root: Path) -> "Layout":
    """The project named by --root. It is taken as given (a command says what it misses there);
    only a folder that does not exist is an error."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ProjectNotFound(f"--root {root}: no such folder",
                              hint="give the folder that holds ontology/ and sources/, "
                                   "or create one with `spacekg init FOLDER`")
    return Layout(root)


def skeleton() -> Path:
    """The folder holding the ontology/ and queries/ that `spacekg init` copies into a new project.

    An installed package carries them as package data (copied in by setup.py when the wheel is
    built); a development install reads them from its checkout.
    """
    packaged = Path(str(resources.files(__package__) / "skeleton"))
    if (packaged / "ontology").is_dir():
        return packaged
    if (ROOT / "ontology").is_dir() and (ROOT / "queries").is_dir():
        return ROOT
    raise SpacekgError("this installation of spacekg carries no ontology to start a project from",
                       hint="reinstall spacekg (`pip install spacekg`), whose package holds one")


@dataclass(frozen=True)
class Layout:
    """The folders of one project tree; tests point it at a temporary copy."""

    root: Path = field(default_factory=find_root)

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "spacekg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def texts(self) -> Path:
        return self.sources / "texts"

    @property
    def registry(self) -> Path:
        return self.sources / "registry"

    @property
    def annotations(self) -> Path:
        return self.sources / "annotations"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def relative(self, path: Path) -> str:
        """A path as shown in messages: relative to the project root where possible. A path inside
        the project keeps its links as written (output/site, not the build folder it leads to);
        one that reaches the project only through links is shown as resolved."""
        for target, root in ((os.path.abspath(path), os.path.abspath(self.root)),
                             (Path(path).resolve(), self.root.resolve())):
            try:
                return str(Path(target).relative_to(root))
            except ValueError:
                continue
        return str(path)


# -- builds: each in a folder of its own, output/current pointing at the one readers see -------------

BUILDS = "builds"  # output/builds/NAME/: one complete build each
CURRENT = "current"  # output/current: symbolic link to the build that readers see
TRASH = ".trash-"  # output/builds/.trash-NAME: an older build being deleted
SCRATCH = ".scratch-"  # output/builds/.scratch-PID: the temporary files of the building process PID
TEMPORARY = "spacekg-tmp-"  # TMPDIR/spacekg-tmp-PID-…: the temporary files of a command's process PID
LOCK = ".lock"  # locked while the process that owns its folder lives


def current_build(layout: Layout) -> Path | None:
    """The folder of the build that readers see now, as a real path (None before the first
    build). A reader opens its files from there: a later build never changes that folder, and a
    reader that resolved it keeps reading the same build while a new one replaces it."""
    link = layout.output / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    folder = (link.parent / target).resolve()
    return folder if folder.is_dir() else None


def built_folder(layout: Layout) -> Path:
    """The folder of the current build, as a real path; output/ itself for an output folder
    written before builds had folders of their own."""
    return current_build(layout) or layout.output


def built(layout: Layout, name: str) -> Path:
    """Where the current build keeps ``name`` (a file or folder of output/), as a real path
    (see :func:`built_folder`)."""
    return built_folder(layout) / name


def scratch_folder(layout: Layout) -> Path:
    """This process's folder for a build's temporary files that may outlive its stages (the
    entailments, the ontology for HermiT): output/builds/.scratch-PID, on the output's disk. It
    goes when the process ends; if the process is killed, the next build removes it."""
    folder = layout.output / BUILDS / f"{SCRATCH}{os.getpid()}"
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        atexit.register(shutil.rmtree, folder, True)
    return folder


def _of_a_dead_process(scratch: Path) -> bool:
    try:
        os.kill(int(scratch.name[len(SCRATCH):]), 0)
    except ProcessLookupError:
        return True
    except (ValueError, PermissionError):  # not a process id; a process of another user
        return False
    return False


def private_temporary_folder() -> Path:
    """Send this process's temporary files (its own, its children's and HermiT's) to a folder of
    its own in the system's temporary folder, ``spacekg-tmp-PID-…``, removed when the process ends.
    The folder's lock file stays locked while the process, or a child forked from it, lives: a
    folder whose lock is free was left by a killed process, and is removed here, by the next
    command (a folder without a lock file, older than a minute, too)."""
    import fcntl

    parent = Path(tempfile.gettempdir())
    for stale in parent.glob(f"{TEMPORARY}*"):
        if stale.name[len(TEMPORARY):].partition("-")[0].isdigit() and _abandoned(stale):
            shutil.rmtree(stale, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{TEMPORARY}{os.getpid()}-", dir=parent))
    lock = os.open(folder / LOCK, os.O_CREAT | os.O_WRONLY, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)  # held until the process and its forked children end
    atexit.register(shutil.rmtree, folder, True)
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)  # for the processes it starts
    return folder


def _abandoned(folder: Path) -> bool:
    import fcntl
    import time

    try:
        lock = os.open(folder / LOCK, os.O_RDONLY)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > 60  # killed before it made its lock
        except OSError:
            return False
    except OSError:  # not ours to look into (another user's)
        return False
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # its process lives
    finally:
        os.close(lock)
    return True


@contextmanager
def new_build(layout: Layout) -> Iterator[Path]:
    """A new build's folder; if the block succeeds, it becomes the current build at once.

    The build is written into output/builds/.staging-…, renamed to output/builds/NAME when
    complete, and published by replacing the link output/current with one renaming: a reader
    sees the previous build or the new one, never a part of one. Each entry of output/ (index.html,
    spacekg.ttl, store …) is a link into output/current. If the block fails, or the process is
    killed, the staging folder and the process's scratch folder (see :func:`scratch_folder`) are
    all there is to remove (the next build removes them) and the previous build stays current.
    The previous build is kept until the next one is published, for readers that opened it
    before; older ones are removed. One build runs at a time.
    """
    output = layout.output
    output.mkdir(parents=True, exist_ok=True)
    with _build_lock(output):
        builds = output / BUILDS
        builds.mkdir(exist_ok=True)
        leftovers = [*builds.glob(".staging-*"), *builds.glob(f"{TRASH}*"),
                     *filter(_of_a_dead_process, builds.glob(f"{SCRATCH}*"))]
        for stale in leftovers:  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)
        folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=builds))
        umask = os.umask(0)
        os.umask(umask)
        folder.chmod(0o777 & ~umask)  # readable as any folder made by the user (mkdtemp makes it private)
        try:
            yield folder
            previous = current_build(layout)
            final = builds / datetime.now(timezone.utc).strftime("%Y-%m-%dT%H-%M-%S.%fZ")
            os.rename(folder, final)
            _publish(output, final)
            _discard([old for old in builds.iterdir()
                      if old not in (final, previous) and not old.name.startswith((TRASH, SCRATCH))])
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _discard(folders: list[Path]) -> None:
    """Move older builds out of the way at once and delete them in the background (a site has
    thousands of files): ``rm`` runs on in a session of its own after this process has ended,
    and what it has not removed when the next build starts, that build removes."""
    trash = [str(folder.with_name(TRASH + folder.name.lstrip("."))) for folder in folders]
    for folder, moved in zip(folders, trash):
        os.rename(folder, moved)
    if trash:
        subprocess.Popen(["rm", "-rf", "--", *trash], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)


def _publish(output: Path, final: Path) -> None:
    """Point output/current at ``final``, then make sure every entry of it is linked from output/."""
    _replace_with_link(output / CURRENT, os.path.join(BUILDS, final.name))
    names = {entry.name for entry in final.iterdir() if not entry.name.startswith(".")}
    for name in sorted(names):
        _replace_with_link(output / name, os.path.join(CURRENT, name))
    for entry in output.iterdir():  # links to what the new build no longer has
        if entry.is_symlink() and entry.name != CURRENT and entry.name not in names:
            entry.unlink()


def _replace_with_link(path: Path, target: str) -> None:
    """Make ``path`` a symbolic link to ``target`` in one renaming (a folder left by an older
    layout of output/ is moved aside first)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    if path.is_dir() and not path.is_symlink():
        aside = Path(tempfile.mkdtemp(prefix=".old-", dir=path.parent / BUILDS))
        os.rename(path, aside / path.name)
    link = path.with_name(f".link-{path.name}-{os.getpid()}")
    if link.is_symlink():
        link.unlink()
    os.symlink(target, link)
    os.replace(link, path)


@contextmanager
def _build_lock(output: Path):
    """An exclusive lock on the output folder for the time of a build (released by the system if
    the process dies; the processes it forks die with it, see parallel.die_with_parent); a second
    build waits for the first."""
    import fcntl

    descriptor = os.open(output, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build of {output} to finish", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)
