"""The violation queries: queries/*-violation.rq, SPARQL SELECTs that must return no rows.

Each query selects ``?focus`` (the offending node) and ``?message`` (what is wrong); every row
becomes a problem at the file and line that produced ``?focus``. They state what SHACL states
awkwardly: orders of dates, cycles, conflicts between claims.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from ..errors import Problem, SpacekgError
from .where import Origins, short

SUFFIX = "-violation.rq"


def violation_queries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


def run_violation_query(dataset: Dataset, path: Path, origins: Origins, fallback: str) -> list[Problem]:
    """The rows of one violation query as problems (none when the graph is sound)."""
    try:
        rows = dataset.query(path.read_text(encoding="utf-8"))
    except Exception as error:  # rdflib raises parser and evaluation errors of several types
        raise SpacekgError(f"{path.name}: the query cannot run: {str(error).splitlines()[0][:300]}") from None
    if "focus" not in [str(v) for v in rows.vars or []]:
        raise SpacekgError(f"{path.name}: a violation query must select ?focus and ?message")
    name = path.name[: -len(SUFFIX)]
    problems = []
    for row in rows:
        focus = row["focus"]
        message = row["message"] if "message" in [str(v) for v in rows.vars] else None
        where = origins.node(focus)
        problems.append(Problem(where.file if where else fallback, where.line if where else 0,
                                f"{short(focus)}: {message or name}",
                                hint=f"found by queries/{path.name}"))
    return problems


def check_violations(dataset: Dataset, folder: Path, origins: Origins, fallback: str) -> list[Problem]:
    problems = []
    for path in violation_queries(folder):
        problems += run_violation_query(dataset, path, origins, fallback)
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
