"""SHACL validation of the asserted graph against ontology/shapes.ttl, with pySHACL."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from ..errors import Problem
from ..namespaces import SH
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
