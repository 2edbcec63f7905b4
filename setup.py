"""Packaging step that pyproject.toml cannot express: the wheel carries the project's ontology
and query library (ontology/*.ttl, queries/*.rq) as package data under spacekg/skeleton/, for
`spacekg init`. They are copied when the package is built, so git holds them once."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SKELETON = ("ontology/*.ttl", "queries/*.rq")


class BuildWithSkeleton(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads them from the checkout
            return
        target = Path(self.build_lib) / "spacekg" / "skeleton"
        for pattern in SKELETON:
            for path in sorted(HERE.glob(pattern)):
                destination = target / path.relative_to(HERE)
                destination.parent.mkdir(parents=True, exist_ok=True)
                self.copy_file(str(path), str(destination))


setup(cmdclass={"build_py": BuildWithSkeleton})
