"""The checks as build stages, and all of them at once for `spacekg validate`."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, SourceError
from ..ingest import INFERRED_GRAPH
from .reasoning import Reasoned, reason
from .shacl import load_shapes, validate_shapes
from .violations import check_violations
from .where import Origins


def check_shapes(result, layout, folder: Path, say) -> None:
    """Build stage: the asserted graph conforms to ontology/shapes.ttl, or the build fails."""
    say(f"validating against {layout.relative(layout.shapes)} (SHACL)")
    problems = shape_problems(result, layout)
    if problems:
        raise SourceError(problems)


# HermiT's time grows faster than the graph (about 14 s for the corpus, 130 s for ten times it,
# measured with benchmarks/measure.py): above this many asserted triples a build skips reasoning
# and says so; `spacekg validate` always reasons.
BUILD_REASONING_LIMIT = 100_000


def check_reasoning(result, layout, folder: Path, say) -> None:
    """Build stage: ontology plus data are consistent; their entailments go to graph:inferred."""
    size = sum(len(graph) for graph in result.dataset.graphs() if graph.identifier != INFERRED_GRAPH)
    if size > BUILD_REASONING_LIMIT:
        print(f"warning: OWL reasoning skipped: {size} triples is more than the build reasons over "
              f"({BUILD_REASONING_LIMIT}); run `spacekg validate` to reason over everything", file=sys.stderr)
        return
    say("reasoning with HermiT (OWL)")
    outcome = add_inferences(result)
    if outcome.skipped:
        print(f"warning: {outcome.skipped}", file=sys.stderr)
    else:
        say(f"consistent; {len(outcome.inferred)} inferred triples in {outcome.seconds:.1f} s")


def add_inferences(result) -> Reasoned:
    """Reason over the asserted graph and put what follows into graph:inferred of the dataset."""
    outcome = reason(result.asserted, Origins.of(result.corpus))
    if not outcome.skipped:
        target = result.dataset.graph(INFERRED_GRAPH)
        target.remove((None, None, None))
        for triple in sorted(outcome.inferred):
            target.add(triple)
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
