"""OWL reasoning with owlready2 and HermiT.

A build asks HermiT about the ontology alone (:func:`ontology_verdict`, in a child process): is
it consistent, is every class satisfiable? The ontology is small, so that takes seconds whatever
the size of the graph. The data are reasoned over by SPARQL rules on the store (see rules.py).
:func:`reason` gives HermiT the ontology and the data together: the reference those rules are
tested against, on graphs small enough for it.

HermiT reads the ontology as users get it, the RDF/XML file spacekg.owl (OWL 2 DL, see
ontology/spacekg.ttl), with no option that skips what it cannot handle, and beside it the facts
about entities and documents (the registry and the direct facts, as N-Triples). Statement nodes
and quote anchors stay out (they reify facts and add nothing to reason about), and so do date
values: HermiT reads only literals of the OWL 2 datatype map, which has no xsd:date,
xsd:gYearMonth or xsd:gYear (the SHACL shapes and the violation queries check dates). What
follows — super-classes, super-properties, inverse and transitive properties — is returned as
triples for the graph ``graph:inferred``.

An inconsistency is explained without the reasoner's own output: :func:`explain` looks for the
usual causes (an individual in two disjoint classes, two values for a functional property) and
names the source lines behind them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from ..errors import Problem, SourceError, SpacekgError
from ..namespaces import DOC, KG, make_graph
from ..ontology import DATE_TYPES
from .where import Origins, short

INCONSISTENT_HINT = "the ontology (ontology/spacekg.ttl) forbids this combination; fix the entity's class or the fact"


@dataclass
class Reasoned:
    """The outcome of reasoning: the entailed triples, or why reasoning was skipped."""

    inferred: Graph = field(default_factory=make_graph)
    skipped: str | None = None
    seconds: float = 0.0


def java_problem() -> str | None:
    """Why the Java runtime that HermiT needs cannot run here, or None when it can."""
    import owlready2

    java = shutil.which(owlready2.JAVA_EXE)
    if java is None:
        return f"no Java runtime ('{owlready2.JAVA_EXE}' is not on PATH)"
    try:
        subprocess.run([java, "-version"], capture_output=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        return f"the Java runtime '{java}' does not run ({error.__class__.__name__})"
    return None


def reasoning_input(asserted: Graph) -> Graph:
    """The facts given to the reasoner beside the ontology: those about entities and documents,
    without date values (see the module docstring)."""
    kept = make_graph()
    subjects = (str(KG), str(DOC))
    for s, p, o in asserted:
        if not str(s).startswith(subjects):
            continue
        if isinstance(o, Literal) and o.datatype in DATE_TYPES:
            continue
        kept.add((s, p, o))
    return kept


def reason(asserted: Graph, origins: Origins, ontology: Path) -> Reasoned:
    """Check consistency and return the entailed triples about the graph's entities and documents.

    ``asserted`` holds the ontology and the data; ``ontology`` is the ontology's RDF/XML file,
    which HermiT reads as it is. Raises SourceError (exit 1) when ontology plus data are
    inconsistent, SpacekgError (exit 2) when the reasoner fails for another reason; returns
    ``skipped`` when Java is not available.
    """
    import time

    problem = java_problem()
    if problem is not None:
        return Reasoned(skipped=f"OWL reasoning skipped: {problem}; install a Java runtime "
                                "(Debian: default-jre-headless) to check consistency")
    data = reasoning_input(asserted)
    started = time.perf_counter()
    world = _reasoned_world(ontology, data, asserted, origins)
    inferred = _entailments(world, asserted)
    world.close()
    return Reasoned(inferred=inferred, seconds=time.perf_counter() - started)


def _reasoned_world(ontology: Path, data: Graph, asserted: Graph, origins: Origins):
    import owlready2

    with tempfile.TemporaryDirectory(prefix="spacekg-reasoning-") as folder:
        path = Path(folder) / "facts.nt"
        data.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(ontology.resolve().as_uri()).load(format="rdfxml")
            facts = world.get_ontology(path.as_uri()).load(format="ntriples")
            with facts:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            world.close()
            problems = explain(asserted, origins) or [Problem(
                "ontology/spacekg.ttl", 0, "the ontology and the data are inconsistent, and no single "
                "disjoint-class or functional-property clash explains it", hint=INCONSISTENT_HINT)]
            raise SourceError(problems) from None
        except (owlready2.OwlReadyJavaError, subprocess.CalledProcessError, OSError) as error:
            world.close()
            raise SpacekgError(f"the OWL reasoner failed: {_first_line(error)}",
                               hint="check the Java runtime (java -version)") from None
    return world


def _first_line(error: Exception) -> str:
    """The gist of a reasoner failure: its first meaningful line, without the Java stack trace."""
    lines = [line.strip() for line in str(error).splitlines()]
    useful = [line for line in lines if line and not line.startswith("at ")
              and not line.lower().startswith("java error message")]
    return (useful[0] if useful else error.__class__.__name__)[:300]


def _entailments(world, asserted: Graph) -> Graph:
    """Types and object property values that hold but are not asserted, for entities and documents."""
    import owlready2

    inferred = make_graph()
    namespaces = (str(KG), str(DOC))
    nodes = sorted({s for s in asserted.subjects(RDF.type) if str(s).startswith(namespaces)})
    properties = sorted((p for p in world.object_properties() if p.iri), key=lambda p: p.iri)
    for node in nodes:
        individual = world[str(node)]
        if not isinstance(individual, owlready2.Thing):
            continue
        for klass in individual.INDIRECT_is_a:
            if isinstance(klass, owlready2.ThingClass) and klass is not owlready2.Thing:
                triple = (node, RDF.type, URIRef(klass.iri))
                if triple not in asserted:
                    inferred.add(triple)
        for prop in properties:
            for value in prop._get_indirect_values_for_individual(individual):
                if hasattr(value, "iri"):
                    triple = (node, URIRef(prop.iri), URIRef(value.iri))
                    if triple not in asserted:
                        inferred.add(triple)
    return inferred


# -- explanations ---------------------------------------------------------------------------------


def explain(data: Graph, origins: Origins) -> list[Problem]:
    """The clashes behind an inconsistency, each at the source lines of the facts involved."""
    types = _types_with_reasons(data, origins)
    problems = []
    for members in _disjoint_groups(data):
        for node, reasons in sorted(types.items()):
            clash = sorted(c for c in members if c in reasons)
            if len(clash) >= 2:
                first, second = clash[:2]
                where = reasons[first][1] or reasons[second][1] or origins.node(node)
                text = (f"{short(node)} cannot be both a {short(first)} ({reasons[first][0]}) "
                        f"and a {short(second)} ({reasons[second][0]}): the ontology declares them disjoint")
                problems.append(_problem(where, text))
    different = _different_pairs(data, types)
    for prop in sorted(set(data.subjects(RDF.type, OWL.FunctionalProperty))):
        values = defaultdict(set)
        for s, o in data.subject_objects(prop):
            values[s].add(o)
        for node, objects in sorted(values.items()):
            clashing = sorted((a, b) for a in objects for b in objects
                              if str(a) < str(b) and _distinct(a, b, different))
            for a, b in clashing[:1]:
                where = origins.fact(node, prop, b) or origins.fact(node, prop, a)
                text = (f"{short(node)} has two values for {short(prop)}, which takes one: "
                        f"{short(a)} ({origins.fact(node, prop, a) or 'ontology'}) and "
                        f"{short(b)} ({origins.fact(node, prop, b) or 'ontology'})")
                problems.append(_problem(where, text))
    return problems


def _problem(where, text: str) -> Problem:
    return Problem(where.file if where else "ontology/spacekg.ttl", where.line if where else 0, text,
                   hint=INCONSISTENT_HINT)


def _types_with_reasons(data: Graph, origins: Origins) -> dict:
    """node → {class: (why, where)}: asserted types and those implied by domains and ranges,
    closed under rdfs:subClassOf."""
    found: dict = defaultdict(dict)
    for node, klass in data.subject_objects(RDF.type):
        if isinstance(klass, URIRef) and not isinstance(node, BNode):
            found[node].setdefault(klass, ("registered as such", origins.node(node)))
    for prop in set(data.predicates()):
        domains = [d for d in _named_classes(data, prop, RDFS.domain)]
        ranges = [r for r in _named_classes(data, prop, RDFS.range)]
        if not domains and not ranges:
            continue
        for s, o in data.subject_objects(prop):
            where = origins.fact(s, prop, o)
            for domain in domains:
                found[s].setdefault(domain, (f"subject of {short(prop)} at {where}", where))
            if isinstance(o, URIRef):
                for range_ in ranges:
                    found[o].setdefault(range_, (f"value of {short(prop)} at {where}", where))
    closed = {}
    for node, classes in found.items():
        reasons = dict(classes)
        for klass, reason in classes.items():
            for ancestor in data.transitive_objects(klass, RDFS.subClassOf):
                reasons.setdefault(ancestor, reason)
        closed[node] = reasons
    return closed


def _named_classes(data: Graph, prop, which) -> list[URIRef]:
    """The named classes of a property's domain or range, inherited from super-properties."""
    for ancestor in data.transitive_objects(prop, RDFS.subPropertyOf):
        values = [v for v in data.objects(ancestor, which) if isinstance(v, URIRef)]
        if values:
            return values
    return []


def _disjoint_groups(data: Graph) -> list[list[URIRef]]:
    groups = []
    for group in data.subjects(RDF.type, OWL.AllDisjointClasses):
        members = data.value(group, OWL.members)
        if members is not None:
            groups.append(list(Collection(data, members)))
    for a, b in data.subject_objects(OWL.disjointWith):
        groups.append([a, b])
    return groups


def _different_pairs(data: Graph, types: dict) -> set[frozenset]:
    pairs = {frozenset(pair) for pair in data.subject_objects(OWL.differentFrom)}
    for group in data.subjects(RDF.type, OWL.AllDifferent):
        members = data.value(group, OWL.distinctMembers)
        if members is not None:
            items = list(Collection(data, members))
            pairs |= {frozenset((a, b)) for a in items for b in items if a != b}
    for members in _disjoint_groups(data):
        classes = [{n for n, reasons in types.items() if c in reasons} for c in members]
        for i, first in enumerate(classes):
            for second in classes[i + 1:]:
                pairs |= {frozenset((a, b)) for a in first for b in second if a != b}
    return pairs


def _distinct(a, b, different: set[frozenset]) -> bool:
    if isinstance(a, Literal) or isinstance(b, Literal):
        return isinstance(a, Literal) and isinstance(b, Literal) and a != b
    return frozenset((a, b)) in different



# -- the ontology alone -------------------------------------------------------------------------------

def ontology_verdict(ontology: Path) -> dict:
    """HermiT on the ontology's RDF/XML file alone (spacekg.owl, as users get it):
    {"consistent": bool, "unsatisfiable": [class IRIs]}, or {"skipped": why} when Java cannot run.
    Raises SpacekgError when the reasoner fails."""
    import owlready2

    problem = java_problem()
    if problem is not None:
        return {"skipped": problem}
    world = owlready2.World()
    try:
        loaded = world.get_ontology(ontology.resolve().as_uri()).load(format="rdfxml")
        with loaded:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        world.close()
        return {"consistent": False, "unsatisfiable": []}
    except (owlready2.OwlReadyJavaError, subprocess.CalledProcessError, OSError) as error:
        world.close()
        raise SpacekgError(f"the OWL reasoner failed: {_first_line(error)}",
                           hint="check the Java runtime (java -version)") from None
    unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if getattr(c, "iri", None))
    world.close()
    return {"consistent": True, "unsatisfiable": unsatisfiable}


if __name__ == "__main__":  # the child process of a build: python -m spacekg.checks.reasoning ONTOLOGY
    import json
    import sys

    try:
        print(json.dumps(ontology_verdict(Path(sys.argv[1]))))
    except SpacekgError as failure:
        print(json.dumps({"failed": str(failure)}))
