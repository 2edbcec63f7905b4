"""Where things are: the project's folders and the files that a build writes.

A project is a folder holding ``ontology/`` and ``sources/``. Commands find it the way git finds
its repository: the current folder or the nearest parent that holds both (``--root`` names one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

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
        """A path as shown in messages: relative to the project root where possible."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)
