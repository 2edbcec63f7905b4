"""SHACL: ontology/shapes.ttl checked on the built store through the shapes' SPARQL twins, and
with pySHACL on graphs held in memory.

Every shape of the shapes file that has a target has a twin, ontology/shapes/NAME.rq: a SPARQL
SELECT of the nodes that violate it (``?focus``, with ``?path`` and ``?value`` where a property is
at fault). A twin too large for one query comes in parts, NAME.PART.rq, whose answers together
are the shape's: each part runs alone, so a worker holds the hash tables of one part at a time.
Where a shape asks each statement or entity for exactly one value, its twin reads the nodes once
and looks each one up (twice: a value, then another), so that memory stays that of one node; a
grouped count of every node's values would be faster but hold a hash table that grows with the
graph. A twin that still groups every statement reads the document graphs a slice at a time
(``VALUES ?slice { UNDEF }`` before each ``GRAPH ?slice``, see answers.py), so that a worker holds
one slice's hash tables: it looks for a statement's triples in one graph, which is where every
build puts them (a statement and its evidence are written to the graph of the document they come
from; tests/test_shapes.py checks it on the corpus).
Oxigraph answers the twins on a store of any size, where pySHACL needs the graph in memory. The
shapes file stays the source of truth: the messages come from it, and the test suite
checks that each targeted shape has its twin and that the twins and pySHACL find the same
violations, on the corpus and on a broken data file for every shape (tests/broken_shapes/).
A twin that checks a shape with several property shapes on one path tells which one with
``?constraint``: the local name of the constraint parameter it checks (sh:uniqueLang …).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from ..errors import Problem
from ..namespaces import SH, SHAPE
from ..ontology import read_turtle
from .where import Origins, short

SHAPES_HINT = "see ontology/shapes.ttl for what every instance must have"


def load_shapes(path: Path, shown: str | None = None) -> Graph:
    """Parse the shapes file; a missing or broken file is an error of the project, not of the data.

    ``shown`` is the path as messages give it (relative to the project root).
    """
    return read_turtle(path, "the SHACL shapes", shown)


def validate_shapes(data: Graph, shapes: Graph, origins: Origins, fallback: str) -> list[Problem]:
    """Every SHACL violation in ``data`` as a problem at the file and line that produced its node.

    ``data`` must hold the ontology too, so that targets reach instances of subclasses;
    ``fallback`` names the file of nodes that no source line produced (such as the ontology).
    """
    from pyshacl import validate

    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=False,
                                   allow_warnings=True)
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        where = origins.fact(focus, path, value) if path is not None else origins.node(focus)
        detail = f" ({short(path)} {short(value)})" if path is not None and value is not None else ""
        text = f"{short(focus)}: {messages[0] if messages else 'does not conform'}{detail}"
        problems.append(Problem(where.file if where else fallback, where.line if where else 0, text,
                                hint=SHAPES_HINT))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))


def twins(folder: Path) -> dict[str, list[Path]]:
    """Shape name → the files of its SPARQL twin in ``folder`` (ontology/shapes/): NAME.rq, or its
    parts NAME.PART.rq."""
    named: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("*.rq")):
        named.setdefault(path.name.split(".")[0], []).append(path)
    return named


def twin_violations(store, shapes: Graph, folder: Path, location: Path | None = None) -> list[tuple]:
    """What the twins find in ``store`` (a pyoxigraph store whose default graph is the union of its
    named graphs): (focus, path, value, message) for each violation, rdflib terms or None.
    ``location``: the store's database folder, for the twins to run in worker processes."""
    import pyoxigraph as ox

    from ..errors import SpacekgError
    from .answers import select_all, sliced

    found, parts = [], []  # (shape name, twin's text)
    for name, paths in twins(folder).items():
        for path in paths:  # a twin that does not parse is the project's error, named as such
            try:  # (on an empty store: Oxigraph evaluates a query as soon as it is given)
                text = path.read_text(encoding="utf-8")
                ox.Store().query(text, use_default_graph_as_union=True)
            except (SyntaxError, ValueError, OSError) as error:
                raise SpacekgError(f"{path.name}: the shape's SPARQL cannot run: {str(error).splitlines()[0][:300]}") from None
            parts.append((name, text))
    jobs = sliced(store, [text for _, text in parts])
    answers = select_all(store, [job for _, job in jobs], location)
    for (number, _), (names, rows) in zip(jobs, answers):
        name = parts[number][0]
        for values in rows:
            row = dict(zip(names, values))
            message = shape_message(shapes, SHAPE[name], row.get("path"), row.get("constraint"))
            found.append((row["focus"], row.get("path"), row.get("value"), message))
    return found


def shape_problems_in_store(store, shapes: Graph, folder: Path, origins, fallback: str,
                            location: Path | None = None) -> list[Problem]:
    """Every violation the twins find in ``store``, as problems at the file and line that
    produced the node."""
    problems = []
    for focus, prop, value, message in twin_violations(store, shapes, folder, location):
        where = origins.fact(focus, prop, value) if prop is not None and value is not None else origins.node(focus)
        detail = f" ({short(prop)} {short(value)})" if prop is not None and value is not None else ""
        problems.append(Problem(where.file if where else fallback, where.line if where else 0,
                                f"{short(focus)}: {message}{detail}", hint=SHAPES_HINT))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))


def shape_message(shapes: Graph, shape, path=None, constraint=None) -> str:
    """The sh:message of ``shape``, or of its property shape on ``path`` (the one with the
    ``constraint`` parameter, when it has several on that path)."""
    if path is not None:
        candidates = [prop for prop in shapes.objects(shape, SH.property) if shapes.value(prop, SH.path) == path]
        if constraint is not None:
            candidates = [prop for prop in candidates if shapes.value(prop, SH[str(constraint)]) is not None] or candidates
        for prop in candidates:
            message = shapes.value(prop, SH.message)
            if message is not None:
                return str(message)
    message = shapes.value(shape, SH.message)
    return str(message) if message is not None else "does not conform"
