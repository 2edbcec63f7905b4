"""The checks as build stages, run on the store a build has just written, at any size; and all of
them at once for `spacekg validate`.

1. SHACL: each shape of ontology/shapes.ttl has its twin in SPARQL (ontology/shapes/NAME.rq, or
   its parts NAME.PART.rq), which Oxigraph answers on the store (see shacl.py);
2. OWL, on the data: the ontology's axioms as SPARQL rules (see rules.py): inconsistencies are
   problems, entailments go to graph:inferred;
3. OWL, on the ontology alone: HermiT, in a child process started with the build (its verdict is
   reused while the ontology stays the same bytes);
4. (`spacekg validate`) the violation queries, queries/*-violation.rq.

What each found goes to checks.json in the build folder (the same bytes for the same sources).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import Problem, SourceError, SpacekgError
from ..paths import built, scratch_folder
from .answers import worth_workers
from .entailed import Entailed
from .rules import Clash, Rules
from .shacl import load_shapes, shape_problems_in_store, twins
from .violations import check_violations
from .where import Locator, short

CHECKS_FILE = "checks.json"
INCONSISTENT_HINT = "the ontology (ontology/spacekg.ttl) forbids this combination; fix the entity's class or the fact"


class OntologyCheck:
    """HermiT's verdict on the ontology alone, worked out in a child process while the build goes on."""

    def __init__(self, layout, digest: str, verdict: dict | None, process: subprocess.Popen | None):
        self.layout = layout
        self.digest = digest
        self._verdict = verdict
        self._process = process
        self.seconds = 0.0
        self._started = time.perf_counter()

    @classmethod
    def start(cls, layout, ontology, cached: bool = True, scratch: Path | None = None) -> "OntologyCheck":
        """Start HermiT on the ontology as RDF/XML (spacekg.owl, written as the build writes it),
        unless the current build checked the same bytes. Its files go to a folder in ``scratch``
        (else in the system's temporary folder)."""
        import shutil
        import tempfile
        from importlib.metadata import version

        from ..exports.owl import write_owl

        folder = tempfile.mkdtemp(prefix="spacekg-ontology-", dir=scratch)
        owl = write_owl(ontology, Path(folder))
        digest = hashlib.sha256(owl.read_bytes() + version("owlready2").encode()).hexdigest()
        if cached:
            try:
                previous = json.loads(built(layout, CHECKS_FILE).read_text(encoding="utf-8"))["ontology"]
                if previous.get("sha256") == digest and previous.get("consistent") and not previous.get("unsatisfiable"):
                    shutil.rmtree(folder, ignore_errors=True)
                    return cls(layout, digest, {**previous, "reused": True}, None)
            except (OSError, ValueError, KeyError, TypeError):
                pass
        # the reasoner's own temporary files (owlready2 writes the ontology for HermiT) go into
        # this folder, which stop() removes even when it has to kill the reasoner
        process = subprocess.Popen([sys.executable, "-m", "spacekg.checks.reasoning", str(owl)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   env={**os.environ, "TMPDIR": folder})
        check = cls(layout, digest, None, process)
        check.folder = folder
        return check

    def verdict(self) -> dict:
        """Wait for HermiT; its verdict (with the ontology's digest)."""
        if self._verdict is None:
            out, _ = self._process.communicate()
            self.seconds = time.perf_counter() - self._started
            try:
                self._verdict = json.loads(out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                self._verdict = {"failed": f"the OWL reasoner stopped (exit code {self._process.returncode})"}
            self._verdict["sha256"] = self.digest
        return self._verdict

    def stop(self) -> None:
        import shutil

        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if getattr(self, "folder", None):
            shutil.rmtree(self.folder, ignore_errors=True)


def check_shapes(result, layout, folder: Path, say) -> None:
    """Build stage: the graph conforms to ontology/shapes.ttl, or the build fails."""
    say(f"checking {layout.relative(layout.shapes)} (SHACL shapes as SPARQL)")
    started = time.perf_counter()
    problems = shape_problems(result, layout)
    result.checks["shapes"] = {"problems": len(problems), "twins": len(twins(layout.root / "ontology" / "shapes"))}
    say(f"shapes checked in {time.perf_counter() - started:.1f} s")
    if problems:
        raise SourceError(problems)


def check_rules(result, layout, folder: Path, say) -> None:
    """Build stage: the data are consistent with the ontology; their entailments go to graph:inferred."""
    say("reasoning on the data (OWL rules as SPARQL)")
    started = time.perf_counter()
    problems, result.inferred = rule_problems(result, layout, scratch=scratch_folder(layout))
    result.checks["rules"] = {"problems": len(problems), "inferred": len(result.inferred)}
    say(f"rules run in {time.perf_counter() - started:.1f} s: {len(result.inferred)} triples inferred")
    if problems:
        raise SourceError(problems)


def check_ontology(result, layout, folder: Path, say) -> None:
    """Build stage: HermiT finds the ontology consistent and every class satisfiable."""
    say("waiting for HermiT's verdict on the ontology (OWL DL)")
    verdict, problems = ontology_problems(result, layout)
    # the file holds what was found, which the same sources always give: no times, nor whether
    # the verdict was reused
    result.checks["ontology"] = {key: value for key, value in verdict.items() if key != "reused"}
    if "skipped" in verdict:
        print(f"warning: OWL consistency of the ontology not checked: {verdict['skipped']}; install a Java "
              "runtime (Debian: default-jre-headless) to check it", file=sys.stderr)
    if problems:
        raise SourceError(problems)
    (folder / CHECKS_FILE).write_text(json.dumps(result.checks, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    result.files.append(folder / CHECKS_FILE)


STAGES: list[Callable] = [check_shapes, check_rules, check_ontology]


def shape_problems(result, layout) -> list[Problem]:
    shapes = load_shapes(layout.shapes, layout.relative(layout.shapes))
    return shape_problems_in_store(result.store, shapes, layout.root / "ontology" / "shapes",
                                   _locator(result, layout), layout.relative(layout.ontology), _location(result))


def rule_problems(result, layout, entail: bool = True, scratch: Path | None = None) -> tuple[list[Problem], Entailed]:
    """The clashes with the ontology, as problems, and (with ``entail``, when there are none) the
    entailments."""
    rules = Rules.of(result.ontology)
    clashes, entailed = rules.check(result.store, _location(result), entail, scratch)
    return (explain(clashes, rules, _locator(result, layout), result.store) if clashes else []), entailed


def _location(result):
    """The database folder of the build's store, for the checks' worker processes, when the graph
    is large enough for them to pay (else None: the queries run in this process)."""
    location = getattr(result, "store_location", None)
    return location if location is not None and worth_workers(result.triples) else None


def ontology_problems(result, layout) -> tuple[dict, list[Problem]]:
    verdict = result.ontology_check.verdict()
    shown = layout.relative(layout.ontology)
    if "failed" in verdict:
        raise SpacekgError(verdict["failed"], hint="check the Java runtime (java -version)")
    problems = []
    if verdict.get("consistent") is False:
        problems.append(Problem(shown, 0, "the ontology is inconsistent: no world satisfies its axioms (HermiT)",
                                hint="look for contradictory axioms, such as an individual in two disjoint classes"))
    problems += [Problem(shown, 0, f"{short_iri(iri)} can have no members: its axioms contradict each other (HermiT)",
                         hint="check its super-classes and disjointness axioms")
                 for iri in verdict.get("unsatisfiable", [])]
    return verdict, problems


def short_iri(iri: str) -> str:
    from rdflib import URIRef

    return short(URIRef(iri))


def _locator(result, layout) -> Locator:
    return Locator(layout, result.schema, result.store)


def explain(clashes: list[Clash], rules: Rules, locator: Locator, store) -> list[Problem]:
    """Each clash as a problem at the source lines of the facts involved."""
    problems = []
    for clash in clashes:
        if clash.prop is not None:
            where_a = locator.fact(clash.node, clash.prop, clash.first)
            where_b = locator.fact(clash.node, clash.prop, clash.second)
            where = where_b or where_a or locator.node(clash.node)
            text = (f"{short(clash.node)} has two values for {short(clash.prop)}, which takes one: "
                    f"{short(clash.first)} ({where_a or 'ontology'}) and {short(clash.second)} ({where_b or 'ontology'})")
        else:
            first, where_first = _reason(clash.node, clash.first, rules, locator, store)
            second, where_second = _reason(clash.node, clash.second, rules, locator, store)
            where = where_first or where_second or locator.node(clash.node)
            text = (f"{short(clash.node)} cannot be both a {short(clash.first)} ({first}) "
                    f"and a {short(clash.second)} ({second}): the ontology declares them disjoint")
        problems.append(Problem(where.file if where else "ontology/spacekg.ttl", where.line if where else 0, text,
                                hint=INCONSISTENT_HINT))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))


def _reason(node, klass, rules: Rules, locator: Locator, store) -> tuple[str, object]:
    """Why ``node`` is in ``klass``: its registered class, or a fact whose domain or range it is."""
    from .rules import _select, pattern

    for kind, term in rules.reasons(klass):
        rows = _select(store, f"SELECT * WHERE {pattern(kind, term, f'<{node}>')} LIMIT 1")
        if not rows:
            continue
        if kind == "type":
            return "registered as such", locator.node(node)
        other = rows[0][0]
        where = locator.fact(node, term, other) if kind == "subject" else locator.fact(other, term, node)
        return f"{'subject' if kind == 'subject' else 'value'} of {short(term)} at {where}", where
    return "implied by the ontology", None


@dataclass
class Report:
    """What `spacekg validate` found: problems (exit 1) and warnings (reported, exit 0)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def validate_all(result, layout, say=lambda _: None) -> Report:
    """Every check on a graph written to a scratch store: shapes, rules, ontology, violation queries."""
    report = Report()
    say(f"checking {layout.relative(layout.shapes)} (SHACL shapes as SPARQL)")
    found = shape_problems(result, layout)
    report.problems += found
    report.counts["SHACL shapes"] = len(found)
    say("reasoning on the data (OWL rules as SPARQL)")
    found, _ = rule_problems(result, layout, entail=False)
    report.problems += found
    report.counts["OWL consistency"] = len(found)
    say("HermiT on the ontology (OWL DL)")
    verdict, found = ontology_problems(result, layout)
    if "skipped" in verdict:
        report.warnings.append(f"OWL consistency of the ontology not checked: {verdict['skipped']}")
    report.problems += found
    report.counts["OWL consistency"] += len(found)
    say(f"running {layout.relative(layout.queries)}/*-violation.rq")
    found = check_violations(result.dataset, layout.queries, _locator(result, layout),
                             layout.relative(layout.ontology))
    report.counts["violation queries"] = len(found)
    report.problems += found
    return report
