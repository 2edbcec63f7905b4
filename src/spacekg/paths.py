"""Where things are: the project's folders and the files that a build writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Layout:
    """The folders of one project tree; tests point it at a temporary copy."""

    root: Path = ROOT

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
