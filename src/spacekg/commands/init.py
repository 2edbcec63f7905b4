"""`spacekg init DIR`: a new, empty project with the ontology, the shapes and the query library."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import SpacekgError

REGISTRY_FILE = """\
# Entities: one entry per organization, person, place, program, topic, agreement or event.
# Each has an id, a class of ontology/spacekg.ttl and an English label; see the README,
# "Adding a document", for the keys. Example:
#
# - id: jaxa
#   class: Agency
#   label: Japan Aerospace Exploration Agency
#   abbr: [JAXA]
#   ja: 宇宙航空研究開発機構
#   country: japan
[]
"""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "init", help="create a new project: ontology, shapes, query library, empty sources",
        description="Create a new spacekg project in DIR: ontology/ (the ontology and its SHACL shapes), "
                    "queries/ (the query library), and sources/ with empty texts/, registry/ and "
                    "annotations/ folders. DIR may exist but must not already hold a project.")
    parser.add_argument("directory", metavar="DIR", help="the folder of the new project")
    parser.set_defaults(run=run, needs_project=False)


def run(args, layout) -> int:
    from ..paths import is_project, skeleton

    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        raise SpacekgError(f"{target}: exists and is not a folder")
    if target.is_dir() and (is_project(target) or any((target / name).exists()
                                                      for name in ("ontology", "sources", "queries"))):
        raise SpacekgError(f"{target}: already holds ontology/, sources/ or queries/",
                           hint="choose an empty or new folder; a project is never overwritten")
    made = create(target, skeleton())
    print(f"created a spacekg project in {target}:")
    for folder in sorted({path.split("/")[0] if path.startswith(("ontology", "queries")) else path for path in made}):
        count = sum(1 for path in made if path.startswith(folder + "/") and not path.endswith("/"))
        print(f"  {folder}" + (f"/ ({count} files)" if folder in ("ontology", "queries") else ""))
    print("next: put a text in sources/texts/, then `spacekg draft sources/texts/NAME.txt` "
          "(see the README, \"Adding a document\")")
    return 0


def create(target: Path, source: Path) -> list[str]:
    """Copy the ontology and queries from ``source`` and make the empty source folders; the paths
    made, relative to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for pattern in ("ontology/*.ttl", "queries/*.rq"):
        for path in sorted(source.glob(pattern)):
            relative = path.relative_to(source)
            (target / relative).parent.mkdir(exist_ok=True)
            shutil.copyfile(path, target / relative)
            made.append(str(relative))
    for folder in ("sources/texts", "sources/annotations", "sources/registry"):
        (target / folder).mkdir(parents=True, exist_ok=True)
        made.append(folder + "/")
    (target / "sources/registry/entities.yaml").write_text(REGISTRY_FILE, encoding="utf-8")
    made.append("sources/registry/entities.yaml")
    return made
