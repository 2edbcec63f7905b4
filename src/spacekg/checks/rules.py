"""OWL reasoning on the data as SPARQL rules over the store: entailments and consistency.

The ontology's axioms that bear on data (sub-classes, sub-properties, domains and ranges,
inverse, transitive and functional properties, disjoint classes, individuals declared
different) are compiled, once per build, into SPARQL queries that Oxigraph answers on the built
store, in the manner of the OWL 2 RL rules: the work grows with the data, and memory with the
answer of one query. :class:`Rules` refuses an ontology that uses an OWL construct the rules
do not cover, rather than check less than it says.

Entailments are what the HermiT reasoner infers about the graph's entities and documents (the
test suite compares the two on the corpus): the named classes an entity or a document belongs to
and the object-property values it has, that are not asserted. They go to graph:inferred.
Consistency is checked where data can break it: an entity in two disjoint classes, or two values
of a functional property that are known to differ. Statement nodes and quote anchors take no part
(they reify facts and add nothing to reason about), and neither do date values, which are
outside the OWL 2 datatype map.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from ..errors import SpacekgError
from ..namespaces import DOC, KG
from ..ontology import DATE_TYPES
from .answers import Either, answer_all, sorted_lines
from .entailed import Entailed

FORWARD, INVERSE = 1, -1
_MEMBERS = f'(STRSTARTS(STR(?s), "{KG}") || STRSTARTS(STR(?s), "{DOC}"))'
# A slice larger than any answer. Oxigraph moves a filter below a DISTINCT, into the patterns, but
# never below a LIMIT: after ``{ SELECT DISTINCT … } LIMIT``, a filter runs once for each distinct
# node, not once for each triple that names it (reading an IRI's text costs a lookup, 2–5 µs).
_WHOLE = "LIMIT 1000000000000"
# The distinct candidates up to which a query of nodes finds them distinct before it tests them
# (see answers.Either): the DISTINCT holds about 110 bytes a node (for the 8.45 million statements
# at 10,000 times the corpus, 0.94 GB); testing every row instead took 1.5 to 2 times as long.
# Counting rows instead would not do: 8.45 million claims have a rank, which takes three values.
DISTINCT_NODES = 2_000_000
# The vocabulary the rules understand; a term of OWL's namespace outside it is refused.
UNDERSTOOD = {OWL[name] for name in (
    "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "NamedIndividual", "Ontology",
    "FunctionalProperty", "TransitiveProperty", "AllDisjointClasses", "AllDifferent", "inverseOf", "unionOf",
    "oneOf", "members", "distinctMembers", "differentFrom", "disjointWith", "versionInfo", "versionIRI",
    "equivalentClass", "Thing", "deprecated", "imports")}


@dataclass(frozen=True)
class Clash:
    """An inconsistency: ``node`` in the disjoint classes ``first`` and ``second``, or with the
    values ``first`` and ``second`` of the functional property ``prop``."""

    node: URIRef
    first: object
    second: object
    prop: URIRef | None = None


@dataclass
class Rules:
    """The ontology's axioms about data, closed once: for each property, what a triple of it
    implies (other property triples, classes of its subject and object); for each class, its
    named ancestors."""

    ancestors: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    object_properties: set[URIRef] = field(default_factory=set)
    implies: dict[URIRef, set[tuple[URIRef, int]]] = field(default_factory=dict)  # p → {(q, direction)}
    subject_classes: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    object_classes: dict[URIRef, set[URIRef]] = field(default_factory=dict)
    transitive: set[URIRef] = field(default_factory=set)
    functional: set[URIRef] = field(default_factory=set)
    disjoint: list[list[URIRef]] = field(default_factory=list)
    different: set[frozenset] = field(default_factory=set)

    @classmethod
    def of(cls, ontology: Graph) -> "Rules":
        unknown = sorted({str(t) for triple in ontology for t in triple
                          if isinstance(t, URIRef) and str(t).startswith(str(OWL)) and t not in UNDERSTOOD})
        if unknown:
            raise SpacekgError(f"the ontology uses {', '.join(unknown)}, which the data checks do not cover",
                               hint="extend spacekg/checks/rules.py, or express the axiom with the constructs it lists")
        rules = cls()
        classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        classes |= {c for pair in ontology.subject_objects(RDFS.subClassOf) for c in pair if isinstance(c, URIRef)}
        classes.discard(OWL.Thing)
        for klass in classes:
            rules.ancestors[klass] = {a for a in ontology.transitive_objects(klass, RDFS.subClassOf)
                                      if isinstance(a, URIRef) and a != OWL.Thing}
        properties = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in ontology.subjects(RDF.type, kind)}
        rules.object_properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
        inverse = defaultdict(set)
        for p, q in ontology.subject_objects(OWL.inverseOf):
            inverse[p].add(q)
            inverse[q].add(p)
        for p in properties:
            reached, todo = {(p, FORWARD)}, [(p, FORWARD)]
            while todo:
                q, direction = todo.pop()
                steps = [(s, direction) for s in ontology.objects(q, RDFS.subPropertyOf)]
                steps += [(i, -direction) for i in inverse[q]]
                for step in steps:
                    if step not in reached:
                        reached.add(step)
                        todo.append(step)
            rules.implies[p] = reached
        for p in properties:
            subject, value = set(), set()
            for q, direction in rules.implies[p]:
                domain, range_ = _named(ontology, q, RDFS.domain, rules), _named(ontology, q, RDFS.range, rules)
                (subject if direction == FORWARD else value).update(domain)
                (value if direction == FORWARD else subject).update(range_)
            rules.subject_classes[p] = _closed(subject, rules)
            rules.object_classes[p] = _closed(value, rules) if p in rules.object_properties else set()
        rules.transitive = set(ontology.subjects(RDF.type, OWL.TransitiveProperty))
        rules.functional = set(ontology.subjects(RDF.type, OWL.FunctionalProperty))
        for group in ontology.subjects(RDF.type, OWL.AllDisjointClasses):
            rules.disjoint.append(list(Collection(ontology, ontology.value(group, OWL.members))))
        rules.disjoint += [[a, b] for a, b in ontology.subject_objects(OWL.disjointWith)]
        rules.different = {frozenset(pair) for pair in ontology.subject_objects(OWL.differentFrom)}
        for group in ontology.subjects(RDF.type, OWL.AllDifferent):
            members = list(Collection(ontology, ontology.value(group, OWL.distinctMembers)))
            rules.different |= {frozenset((a, b)) for a in members for b in members if a != b}
        return rules

    def check(self, store: ox.Store, location=None, entail: bool = True,
              scratch: Path | None = None) -> tuple[list[Clash], Entailed]:
        """The clashes (see :meth:`clashes`) and, with ``entail`` and none found, the entailments.
        Their queries are answered together, on every core, so that no core waits for the last
        clash query before the entailments start; the entailments found beside clashes are
        dropped. The members of disjoint classes and the entailments are written to files of a
        scratch folder, which goes unless it holds the entailments. ``location``: the store's
        database folder, for the queries to run in worker processes. ``scratch``: the folder to
        keep the entailments in (else the system's temporary folder)."""
        functional = [(prop, self.functional_query(prop)) for prop in sorted(self.functional)]
        folder = Entailed.new_folder(scratch)
        members = [(group, self._member_jobs(group, folder, number)) for number, group in enumerate(self.disjoint)]
        writes = self._entailment_jobs(folder) if entail else []
        entailed = Entailed()
        try:
            answers = answer_all(store, [query for _, query in functional] + [job for _, jobs in members for job in jobs]
                                 + writes, location)
            found = [clash for group, jobs in members for clash in _disjoint_clashes(group, jobs)]
            found += [clash for (prop, _), (_, rows) in zip(functional, answers)
                      for clash in self._functional_clashes(store, prop, rows)]
            if entail and not found:
                entailed = Entailed.merged(folder, [part for _, _, part in writes])
        finally:
            if entailed.folder is None:
                shutil.rmtree(folder, ignore_errors=True)
        return found, entailed

    # -- entailments -------------------------------------------------------------------------------

    def _entailment_jobs(self, folder) -> list[tuple[str, str, object]]:
        """The queries of every entailed triple about an entity or a document that is not asserted,
        as jobs of answers.answer_all (query, line template, file in ``folder``), their answers to be
        merged into one sorted file (see entailed.py)."""
        jobs = [(query, f"{{0}} <{target}> {{1}} .\n") for target, query in self.property_queries()]
        jobs += [(query, f"{{0}} <{RDF.type}> <{target}> .\n") for target, query in self.class_queries()]
        return [(query, template, folder / f"{number}.nt") for number, (query, template) in enumerate(jobs)]

    def property_queries(self) -> list[tuple[URIRef, str]]:
        """For each object property, a query for its values implied by other triples.

        The candidates are a UNION of one pattern for each property that implies the target, read
        as they come: their repeats are dropped by the file they are written to (see
        answers.answer_all). An alternative path (``p|^q``) in their place is evaluated with a
        hash table of every pair it yields: for attendee at 10,000 times the corpus, 1.97 million
        pairs and 1.66 GB, where the UNION runs in 0.26 GB; a DISTINCT over the UNION held 0.6 GB.
        Each candidate is then kept if it is about a typed entity or document and not asserted: a
        test of the IRI's text, then one lookup for a type and one for the triple. A MINUS would
        hold every asserted triple of the property in a hash table, and a join with ``?s a ?type``
        every typed node (about 500 MB at 1,000 times the corpus)."""
        queries = []
        for target in sorted(self.object_properties):
            branches = self._branches(target)
            if branches == [f"{{ ?s <{target}> ?o }}"]:
                continue
            queries.append((target, f"""SELECT ?s ?o WHERE {{
  {" UNION ".join(branches)}
  {_kept(f"isIRI(?o) && {_MEMBERS}", f"?s <{target}> ?o")}
}}"""))
        return queries

    def class_queries(self) -> list[tuple[URIRef, Either]]:
        """For each class, a query for its members implied by their other classes and triples, in
        the form of :meth:`property_queries` (the distinct candidates first, while they are few:
        see :func:`_nodes`)."""
        queries = []
        for target in sorted(self.ancestors):
            patterns = [pattern(kind, term, "?s") for kind, term in self.reasons(target)
                        if (kind, term) != ("type", target)]
            if not patterns:
                continue
            queries.append((target, _nodes(" UNION ".join(patterns), _kept(_MEMBERS, f"?s a <{target}>"))))
        return queries

    # -- consistency -----------------------------------------------------------------------------

    def clashes(self, store: ox.Store, location=None) -> list[Clash]:
        """Every node in two disjoint classes, and every two values of a functional property
        known to differ (individuals declared different, or in disjoint classes; literals of
        different values, dates aside). ``location``: as for :meth:`check`."""
        return self.check(store, location, entail=False)[0]

    def reasons(self, klass: URIRef) -> list[tuple[str, URIRef]]:
        """What puts a node in ``klass``: ("type", C) for an asserted class C, ("subject", p) for a
        triple of p whose domain it is, ("value", p) for one whose range it is."""
        found = [("type", c) for c in sorted(self.ancestors) if klass in self.ancestors[c] | {c}]
        found += [("subject", p) for p in sorted(self.subject_classes) if klass in self.subject_classes[p]]
        found += [("value", p) for p in sorted(self.object_classes) if klass in self.object_classes[p]]
        return found

    def membership(self, klass: URIRef) -> list[str]:
        """Graph patterns, each putting ?s in ``klass``."""
        return [pattern(kind, term, "?s") for kind, term in self.reasons(klass)]

    def member_queries(self, group: list[URIRef]) -> list[tuple[int, Either]]:
        """For each class of the disjoint ``group`` that can have members, its position in the
        group and the query for its members among the entities and documents; none if fewer than
        two classes can have members.

        A node is in two classes of the group if it is among the members of two of them: each
        class's members are written to a file of their own, sorted, and the files merged (see
        :meth:`check`), where grouping the members of every class in one query held a table of
        every node (1.6 GB at 10,000 times the corpus, most of it a DISTINCT over the statements,
        which are never members). A class's candidates are found distinct first only while they
        are few (see :func:`_nodes`): the statements, 8.45 million nodes at that size, read as they
        come cost 0.26 GB against 1.19 GB (102 s against 58 s)."""
        queries = [(position, _nodes(" UNION ".join(self.membership(c)), f"FILTER({_MEMBERS})"))
                   for position, c in enumerate(group) if self.membership(c)]
        return queries if len(queries) > 1 else []

    def _member_jobs(self, group: list[URIRef], folder: Path, number: int) -> list[tuple[Either, str, Path]]:
        """The jobs of answers.answer_all that write the members of each class of ``group``, the
        ``number``-th disjoint group (see :meth:`member_queries`), a line ``<node> position`` each,
        to a file of ``folder``."""
        return [(query, f"{{0}} {position}\n", folder / f"members-{number}-{position}.txt")
                for position, query in self.member_queries(group)]

    def functional_query(self, prop: URIRef) -> str:
        """The query for the nodes with two different values of the functional ``prop``.

        Each value is followed by a lookup for another value of the same node: a nested loop
        (Oxigraph's plan: ForLoopLeftJoin) that holds one node at a time. Counting the values of
        every node in one grouped pass kept a set for each: at 1,000 times the corpus, for rank
        and evidenceKind (a value on every statement), 1.2–1.4 s and 386 MB, against 3.4–3.9 s and
        67 MB looked up. The ``IF`` reads the values' text only for a node with two: Oxigraph puts
        the comparison before ``BOUND`` in an ``&&``."""
        if prop in self.object_properties:
            path = self._path(prop) or f"<{prop}>"
        else:
            path = f"<{prop}>"
        return f"""SELECT DISTINCT ?s ?a ?b WHERE {{
  ?s {path} ?a .
  OPTIONAL {{ ?s {path} ?b FILTER(!sameTerm(?a, ?b)) }}
  FILTER(IF(BOUND(?b), STR(?a) <= STR(?b), false))
}}"""

    def _functional_clashes(self, store: ox.Store, prop: URIRef, rows: list[tuple]) -> list[Clash]:
        """The clashes among ``rows``, the answers of the functional-property query of ``prop``."""
        clashes = []
        for node, a, b in rows:
            if _is_date(a) or _is_date(b):
                continue
            if isinstance(a, Literal) and isinstance(b, Literal):
                if not a.eq(b):
                    clashes.append(Clash(node, a, b, prop))
            elif frozenset((a, b)) in self.different or self._in_disjoint_classes(store, a, b):
                clashes.append(Clash(node, a, b, prop))
        return clashes

    def _in_disjoint_classes(self, store: ox.Store, a, b) -> bool:
        if not (isinstance(a, URIRef) and isinstance(b, URIRef)):
            return False
        classes = []
        for node in (a, b):
            asserted = {URIRef(row[0]) for row in _select(store, f"SELECT DISTINCT ?c WHERE {{ <{node}> a ?c }}")}
            classes.append(_closed(asserted, self))
        return any(x != y and x in classes[0] and y in classes[1] for group in self.disjoint for x in group for y in group)

    def _path(self, target: URIRef) -> str:
        """A SPARQL property path for every asserted or implied value of ``target``."""
        sources = self._sources(target)
        if target in self.transitive:
            return "(" + "|".join(_atom(p, direction, None) for p, direction in sources) + ")+"
        return "|".join(_atom(p, direction, self._closure(p)) for p, direction in sources)

    def _branches(self, target: URIRef) -> list[str]:
        """The patterns of :meth:`_path` apart, one for each property (or closure) that implies a
        value of ``target``: ``?s`` has it for ``?o``."""
        if target in self.transitive:
            return [f"{{ ?s {self._path(target)} ?o }}"]
        branches = []
        for p, direction in self._sources(target):
            closure = self._closure(p)
            if closure is not None:
                branches.append(f"{{ ?s {_atom(p, direction, closure)} ?o }}")
            else:
                branches.append(f"{{ ?s <{p}> ?o }}" if direction == FORWARD else f"{{ ?o <{p}> ?s }}")
        return branches

    def _sources(self, target: URIRef) -> list[tuple[URIRef, int]]:
        return sorted((p, direction) for p, implied in self.implies.items() if p in self.object_properties
                      for q, direction in implied if q == target)

    def _closure(self, p: URIRef) -> str | None:
        """For a transitive property, the path of its own values closed transitively."""
        if p not in self.transitive:
            return None
        return "(" + "|".join(_atom(q, d, None) for q, d in self._sources(p)) + ")+"


def _nodes(candidates: str, test: str) -> Either:
    """The query of the nodes ?s that the pattern ``candidates`` binds and the FILTER ``test``
    keeps: the distinct candidates tested once each (see _WHOLE) while they number at most
    DISTINCT_NODES (counted up to one more), else every row tested as it comes."""
    return Either(distinct=f"SELECT ?s WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {candidates} }} {_WHOLE} }} {test} }}",
                  plain=f"SELECT ?s WHERE {{ {candidates} {test} }}",
                  count=f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s WHERE {{ {candidates} }} "
                        f"LIMIT {DISTINCT_NODES + 1} }}",
                  limit=DISTINCT_NODES)


def _disjoint_clashes(group: list[URIRef], jobs: list[tuple[Either, str, Path]]) -> list[Clash]:
    """The nodes in two classes of ``group``, from the files its member jobs wrote: merged, each
    node's lines come together, and two of them name two classes (the least and the greatest
    position). The files are removed."""
    found, paths = [], [path for _, _, path in jobs]
    with sorted_lines(paths) as lines:
        for node, rows in groupby(lines, key=lambda line: line.rsplit(b" ", 1)[0]):
            positions = [int(row.rsplit(b" ", 1)[1]) for row in rows]
            if len(positions) > 1:
                found.append(Clash(URIRef(node.decode("utf-8")[1:-1]), group[min(positions)], group[max(positions)]))
    for path in paths:
        path.unlink()
    return found


def _kept(test: str, asserted: str) -> str:
    """The filter that keeps a candidate passing ``test`` (on its text), typed, and of which the
    pattern ``asserted`` is not true. The tests are nested in IFs so that they run in this order,
    the cheapest first: Oxigraph reorders the operands of ``&&``."""
    return f"FILTER(IF({test}, IF(EXISTS {{ ?s a ?type }}, NOT EXISTS {{ {asserted} }}, false), false))"


def pattern(kind: str, term: URIRef, node: str) -> str:
    """The graph pattern of a reason of :meth:`Rules.reasons` for ``node`` (a variable or an IRI)."""
    if kind == "type":
        return f"{{ {node} a <{term}> }}"
    return f"{{ {node} <{term}> ?x }}" if kind == "subject" else f"{{ ?x <{term}> {node} }}"


def _atom(p: URIRef, direction: int, closure: str | None) -> str:
    step = closure or f"<{p}>"
    if direction == FORWARD:
        return step
    return f"^{step}" if closure is None else f"^({step})"


def _named(ontology: Graph, p: URIRef, which: URIRef, rules: Rules) -> set[URIRef]:
    """The named classes that a domain or range puts a node in (for a union, those that all its
    members share)."""
    found = set()
    for value in ontology.objects(p, which):
        if isinstance(value, URIRef):
            if value in rules.ancestors or value == OWL.Thing:
                found.add(value)
            continue
        members = ontology.value(value, OWL.unionOf)
        if isinstance(value, BNode) and members is not None:
            shared = None
            for member in Collection(ontology, members):
                if member not in rules.ancestors:  # a union of datatypes, or of unnamed classes
                    shared = set()
                    break
                own = rules.ancestors[member] | {member}
                shared = own if shared is None else shared & own
            found |= shared or set()
    found.discard(OWL.Thing)
    return found


def _closed(classes: set[URIRef], rules: Rules) -> set[URIRef]:
    return {a for c in classes for a in rules.ancestors.get(c, set()) | {c}}


def _select(store: ox.Store, query: str) -> list[tuple]:
    from oxrdflib._converter import from_ox

    solutions = store.query(query, use_default_graph_as_union=True)
    return [tuple(from_ox(term) for term in solution) for solution in solutions]


def _is_date(term) -> bool:
    return isinstance(term, Literal) and term.datatype in DATE_TYPES
