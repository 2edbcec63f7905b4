"""The checks as build stages, and all of them at once for `spacekg validate`."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError
from ..exports.owl import OWL_FILE, write_owl
from ..ingest import ONTOLOGY_GRAPH
from .reasoning import Reasoned, reason
from .shacl import load_shapes, validate_shapes
from .violations import check_violations
from .where import Origins


# pySHACL and HermiT work on in-memory graphs and take time that grows faster than the graph
# (HermiT: about 14 s for the corpus, 130 s for ten times it; pySHACL: 3.5 s and 37 s; measured
# with benchmarks/measure.py): above this many asserted triples a build skips them and says so.
# `spacekg validate` always runs every check.
BUILD_CHECK_LIMIT = 100_000


def _too_large(result, check: str) -> bool:
    if result.triples <= BUILD_CHECK_LIMIT:
        return False
    print(f"warning: {check} skipped: {result.triples} triples is more than a build checks "
          f"({BUILD_CHECK_LIMIT}); run `spacekg validate` to check everything", file=sys.stderr)
    return True


def check_shapes(result, layout, folder: Path, say) -> None:
    """Build stage: the asserted graph conforms to ontology/shapes.ttl, or the build fails."""
    if _too_large(result, "SHACL validation"):
        return
    say(f"validating against {layout.relative(layout.shapes)} (SHACL)")
    problems = shape_problems(result, layout)
    if problems:
        raise SourceError(problems)


def check_reasoning(result, layout, folder: Path, say) -> None:
    """Build stage: ontology plus data are consistent; their entailments go to graph:inferred."""
    if _too_large(result, "OWL reasoning"):
        return
    say("reasoning with HermiT (OWL)")
    outcome = add_inferences(result, folder / OWL_FILE)
    if outcome.skipped:
        print(f"warning: {outcome.skipped}", file=sys.stderr)
    else:
        say(f"consistent; {len(outcome.inferred)} inferred triples in {outcome.seconds:.1f} s")


def add_inferences(result, ontology: Path | None = None) -> Reasoned:
    """Reason over the asserted graph; what follows goes to ``result.inferred`` (→ graph:inferred).

    ``ontology``: the ontology's RDF/XML as the build wrote it; without it, the ontology graph of
    ``result`` is written to a scratch folder the same way.
    """
    if ontology is None:
        with tempfile.TemporaryDirectory(prefix="spacekg-ontology-") as folder:
            return add_inferences(result, write_owl(result.dataset.graph(ONTOLOGY_GRAPH), Path(folder)))
    outcome = reason(result.asserted, Origins.of(result.corpus), ontology)
    if not outcome.skipped:
        result.inferred = sorted(outcome.inferred)
    return outcome


def shape_problems(result, layout) -> list[Problem]:
    shapes = load_shapes(layout.shapes, layout.relative(layout.shapes))
    return validate_shapes(result.asserted, shapes, Origins.of(result.corpus),
                           layout.relative(layout.ontology))


@dataclass
class Report:
    """What `spacekg validate` found: problems (exit 1) and warnings (reported, exit 0)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def validate_all(result, layout, say=lambda _: None) -> Report:
    """Every check on an ingested (unwritten) build: shapes, reasoning, violation queries."""
    report = Report()
    say(f"validating against {layout.relative(layout.shapes)} (SHACL)")
    report.problems += shape_problems(result, layout)
    report.counts["SHACL shapes"] = len(report.problems)
    say("reasoning with HermiT (OWL)")
    try:
        outcome = add_inferences(result)
        report.counts["OWL consistency"] = 0
        if outcome.skipped:
            report.warnings.append(outcome.skipped)
    except SourceError as error:
        report.problems += error.problems
        report.counts["OWL consistency"] = len(error.problems)
    say(f"running {layout.relative(layout.queries)}/*-violation.rq")
    found = check_violations(result.dataset, layout.queries, Origins.of(result.corpus),
                             layout.relative(layout.ontology))
    report.counts["violation queries"] = len(found)
    report.problems += found
    return report
