"""The page of an entity (kg:ID): what it is, every fact about it with its rank and evidence, the
meetings it took part in, and what links to it.

A fact is a triple of the graph, or a claim that did not become one (a lower-ranked claim, kept as
a statement node). Each is shown with every claim behind it; a fact without a claim is a curated
fact of the registry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import SKG
from .lookup import RANK_ORDER, RDF_TYPE, SKOS_NS, Claim, Lookup, Name, Record, Value

# Shown in the heading of the page, not as facts.
HEADING = {RDF_TYPE, "http://www.w3.org/2000/01/rdf-schema#label", SKOS_NS + "altLabel", SKOS_NS + "definition",
           SKOS_NS + "inScheme", str(SKG.abbreviation)}
# Facts come in this order (by property), the others after them by label.
FACT_ORDER = [str(p) for p in (SKG.ordinal, SKG.eventStatus, SKG.startDate, SKG.endDate, SKG.heldIn, SKG.inSeries,
                               SKG.partOf, SKG.convenedBy, SKG.coChairedBy, SKG.organizedBy, SKG.participant,
                               SKG.speaker, SKG.country, SKG.subOrganizationOf)]
MAX_LINKS = 200  # subjects listed per property under "what links to it"


@dataclass
class Fact:
    """A property value of the entity and the claims behind it (none: a curated registry fact)."""

    property: str
    label: str
    value: Value
    direct: bool
    claims: list[Claim] = field(default_factory=list)

    @property
    def rank(self) -> str:
        return best_rank(self.claims)


@dataclass
class FactRow:
    """Facts of one property that rest on the same evidence with the same rank, shown together."""

    property: str
    label: str
    values: list[Value]
    direct: bool
    rank: str
    claims: list[Claim]  # the claims of the first value: the evidence the values share


def _evidence(fact: Fact) -> tuple:
    return tuple(sorted((c.document.iri, c.quote.anchor if c.quote else c.paraphrase, c.rank, c.note)
                        for c in fact.claims))


def fact_rows(facts: list[Fact]) -> list[FactRow]:
    """The facts (in their order) with the values of one property that share their evidence merged."""
    rows: list[FactRow] = []
    keys: dict[tuple, FactRow] = {}
    for fact in facts:
        key = (fact.property, fact.direct, fact.rank, _evidence(fact))
        if key in keys:
            keys[key].values.append(fact.value)
            continue
        keys[key] = FactRow(fact.property, fact.label, [fact.value], fact.direct, fact.rank, fact.claims)
        rows.append(keys[key])
    return rows


@dataclass
class Appearance:
    """One event the entity took part in, in which role, on whose word."""

    event: Value
    date: str
    role: str
    claims: list[Claim] = field(default_factory=list)
    part_of: Value | None = None


def best_rank(claims: list[Claim]) -> str:
    """The rank of a fact: the best of its claims', "registry" for a curated fact without claims."""
    return min((c.rank for c in claims), key=lambda r: RANK_ORDER.get(r, 9)) if claims else "registry"


@dataclass
class Link:
    """A node that points at the entity, and the claims behind the link."""

    subject: Value
    claims: list[Claim]

    @property
    def rank(self) -> str:
        return best_rank(self.claims)


@dataclass
class Inbound:
    """Nodes that point at this one through one property: on the word of a source (``claimed``)
    or as curated facts of the registry (``curated``)."""

    label: str
    claimed: list[Link]
    curated: list[Value]
    more: int = 0


@dataclass
class EntityPage:
    iri: str
    name: Name
    classes: list[tuple[str, str]]  # (class IRI, label), most specific first
    alt_labels: list[str]
    abbreviations: list[str]
    definition: str
    parents: list[Value]  # the parent organization, its parent … up to the top
    facts: list[Fact]
    timeline: list[Appearance]
    links: list[Inbound]
    records: list[Record]  # documents about it
    ordinal: str = ""

    @property
    def rows(self) -> list[FactRow]:
        return fact_rows(self.facts)

    @property
    def identifier(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


def entity_pages(lookup: Lookup, iris: Iterable[str]) -> dict[str, EntityPage]:
    """The pages of a batch of entities (a few queries for the whole batch)."""
    iris = sorted(set(iris))
    outgoing = lookup.outgoing(iris)
    incoming = lookup.incoming(iris)
    about = lookup.claims(iris, "subject")
    towards = lookup.claims(iris, "object")
    parents = _ancestors(lookup, iris)
    mentioned = set(iris) | {s for pairs in incoming.values() for s, _ in pairs} | {c.subject for c in towards}
    mentioned |= {v.value for pairs in outgoing.values() for _, v in pairs if isinstance(v, ox.NamedNode)}
    mentioned |= {c.value.value for c in about if isinstance(c.value, ox.NamedNode)}
    mentioned |= {a for chain in parents.values() for a in chain}
    names = lookup.names(mentioned)
    events = {iri for iri in mentioned if lookup.is_a(names[iri].klass, str(SKG.Event))}
    event_facts = lookup.outgoing(events & ({s for pairs in incoming.values() for s, _ in pairs} |
                                            {c.subject for c in towards}))
    lookup.names({v.value for pairs in event_facts.values() for _, v in pairs if isinstance(v, ox.NamedNode)})
    records_about = _records_about(lookup, incoming)
    claims_of = defaultdict(list)
    for claim in about:
        claims_of[claim.subject].append(claim)
    towards_of = defaultdict(list)
    for claim in towards:
        towards_of[claim.value.value].append(claim)
    pages = {}
    for iri in iris:
        triples = outgoing.get(iri, [])
        inbound = _inbound(incoming.get(iri, []), towards_of[iri])
        pages[iri] = EntityPage(
            iri=iri,
            name=lookup.name(iri),
            classes=_classes(lookup, triples),
            alt_labels=sorted({v.value for p, v in triples if p == SKOS_NS + "altLabel"}),
            abbreviations=sorted({v.value for p, v in triples if p == str(SKG.abbreviation)}),
            definition=next((v.value for p, v in triples if p == SKOS_NS + "definition"), ""),
            parents=[lookup.value(ox.NamedNode(a)) for a in parents.get(iri, [])],
            facts=_facts(lookup, triples, claims_of[iri]),
            timeline=_timeline(lookup, {k: v for k, v in inbound.items() if k[0] in events}, event_facts),
            links=_links(lookup, {k: v for k, v in inbound.items() if k[0] not in events}),
            records=records_about.get(iri, []),
            ordinal=next((v.value for p, v in triples if p == str(SKG.ordinal)), ""),
        )
    return pages


def _inbound(incoming: list[tuple[str, str]], claims: list[Claim]) -> dict[tuple[str, str], list[Claim]]:
    """(subject, property) → the claims behind it, for every triple and claim pointing at the entity
    (a source document's skg:about aside: those are listed apart)."""
    found: dict[tuple[str, str], list[Claim]] = {}
    for subject, prop in incoming:
        if prop != str(SKG.about):
            found.setdefault((subject, prop), [])
    for claim in claims:
        found.setdefault((claim.subject, claim.property), []).append(claim)
    return found


def _classes(lookup: Lookup, triples) -> list[tuple[str, str]]:
    classes = [v.value for p, v in triples if p == RDF_TYPE and isinstance(v, ox.NamedNode)]
    ordered = sorted(classes, key=lambda k: (-len(lookup.superclasses.get(k, ())), k))
    return [(k, lookup.term_label(k)) for k in ordered]


def _key(term: ox.Term) -> tuple:
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", term.datatype.value if term.datatype else "")
    return ("node", term.value)


def _facts(lookup: Lookup, triples, claims: list[Claim]) -> list[Fact]:
    facts: dict[tuple, Fact] = {}
    for prop, value in triples:
        if prop in HEADING:
            continue
        facts[(prop, _key(value))] = Fact(prop, lookup.term_label(prop), lookup.value(value), True)
    for claim in claims:
        key = (claim.property, _key(claim.value))
        if key not in facts:
            facts[key] = Fact(claim.property, lookup.term_label(claim.property), lookup.value(claim.value), False)
        facts[key].claims.append(claim)
    order = {prop: i for i, prop in enumerate(FACT_ORDER)}
    return sorted(facts.values(), key=lambda f: (order.get(f.property, len(order)), f.label,
                                                 RANK_ORDER.get(f.rank, 9), f.value.text))


def _timeline(lookup: Lookup, inbound: dict, event_facts) -> list[Appearance]:
    """The events that name the entity (a participant, a topic discussed …), by date."""
    entries = []
    for (event, prop), claims in inbound.items():
        facts = event_facts.get(event, [])
        date = next((v.value for p, v in facts if p == str(SKG.startDate)), "")
        part_of = next((v for p, v in facts if p == str(SKG.partOf) and isinstance(v, ox.NamedNode)), None)
        entries.append(Appearance(lookup.value_of(event), date, lookup.term_label(prop), claims,
                                  lookup.value(part_of) if part_of is not None else None))
    return sorted(entries, key=lambda a: (a.date or "9999", a.event.text, a.role))


def _links(lookup: Lookup, inbound: dict) -> list[Inbound]:
    """The other nodes that name the entity, by property, with the claims behind each."""
    by_property: dict[str, list[Link]] = defaultdict(list)
    for (subject, prop), claims in inbound.items():
        by_property[prop].append(Link(lookup.value_of(subject), claims))
    groups = []
    for prop, entries in by_property.items():
        entries.sort(key=lambda e: (e.subject.text, e.subject.iri))
        kept = entries[:MAX_LINKS]
        groups.append(Inbound(lookup.term_label(prop), [e for e in kept if e.claims],
                              [e.subject for e in kept if not e.claims], len(entries) - len(kept)))
    return sorted(groups, key=lambda g: g.label)


def _records_about(lookup: Lookup, incoming) -> dict[str, list[Record]]:
    documents = {node: sorted(s for s, p in pairs if p == str(SKG.about)) for node, pairs in incoming.items()}
    records = lookup.records({d for ds in documents.values() for d in ds})
    return {node: sorted((records[d] for d in ds), key=lambda r: (r.issued, r.iri)) for node, ds in documents.items()}


def _ancestors(lookup: Lookup, iris: list[str]) -> dict[str, list[str]]:
    """Each organization's chain of parents (skg:subOrganizationOf), nearest first."""
    rows = lookup.source.about("SELECT ?node ?ancestor ?parent WHERE { {values} "
                               "?node skg:subOrganizationOf* ?ancestor . ?ancestor skg:subOrganizationOf ?parent }", iris)
    parent_of: dict[str, dict[str, str]] = defaultdict(dict)
    for node, ancestor, parent in rows:
        parent_of[node.value].setdefault(ancestor.value, parent.value)
    chains = {}
    for node, parents in parent_of.items():
        chain, current = [], node
        while current in parents and parents[current] not in chain and parents[current] != node:
            current = parents[current]
            chain.append(current)
        chains[node] = chain
    return chains
